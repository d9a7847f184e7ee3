#!/usr/bin/env bash
# Fetch Debian bookworm's ppc64el Linux kernel and busybox, and build a small test initramfs.
#
#   bash scripts/linux/fetch.sh
#
# Produces, under build/linux/:
#   vmlinux          the uncompressed ELF64 LE kernel (/boot/vmlinux-ABI of the package)
#   config           its /boot/config-ABI
#   ibmveth.ko       the Logical LAN driver module of the same ABI (a module in Debian)
#   initrd.cpio.gz   newc cpio: busybox and its applet links, /lib/modules/ABI/ibmveth.ko,
#                    /etc/tshype-check and an /init that mounts proc, sys, devtmpfs and
#                    securityfs (/sys/kernel/security, where a vTPM's event log appears as
#                    tpm0/binary_bios_measurements), prints "tshype-linux: ready" and runs a
#                    shell on the console (hvc0), again and again if it exits. For the vTPM
#                    tests busybox must have od and base64 (dump a binary file on the console,
#                    read back by test/system/tpm-helpers.ts), sha256sum, ls and cat.
#   check.sha256     what `sha256sum /etc/tshype-check` prints inside the guest
#   abi              the kernel ABI (`uname -r` in the guest), e.g. 6.1.0-57-powerpc64le
#   debs/            the downloaded packages (the cache)
#
# The kernel comes through the linux-image-powerpc64le metapackage: its Depends names the
# current ABI package, so the next ABI bump is picked up by the next run. Idempotent: packages
# already in debs/ are not downloaded again, and the outputs are rebuilt byte for byte the same.
# Needs root (or sudo) only for `dpkg --add-architecture ppc64el` and `apt-get update`, and only
# the first time.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=build/linux
DEBS=$OUT/debs
META=linux-image-powerpc64le
mkdir -p "$DEBS"
SUDO=""; APT_OPTS=""
if [ "$(id -u)" -eq 0 ]; then APT_OPTS="-o APT::Sandbox::User=root"; else SUDO=sudo; fi

say() { echo "linux/fetch: $*"; }
die() { echo "linux/fetch: $*" >&2; exit 1; }

# --- apt: the ppc64el architecture and its package lists ---------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
  say "adding the ppc64el architecture to dpkg"
  $SUDO dpkg --add-architecture ppc64el
fi
if ! compgen -G '/var/lib/apt/lists/*_binary-ppc64el_Packages*' >/dev/null; then
  say "apt-get update (no ppc64el package lists yet)"
  $SUDO apt-get update -qq
fi

# Candidate version of PKG (an apt name with :ppc64el), or nothing.
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'; }

# Download PKG (name:ppc64el) into debs/ unless that exact version is there; print the file.
download() {
  local pkg=$1 ver file
  ver=$(candidate "$pkg")
  [ -n "$ver" ] || die "$pkg: no candidate version (is ppc64el in the apt lists? try apt-get update)"
  file="$DEBS/${pkg%:*}_${ver//:/%3a}_ppc64el.deb"
  if [ ! -s "$file" ]; then
    say "downloading $pkg $ver" >&2
    (cd "$DEBS" && apt-get download -qq $APT_OPTS "$pkg=$ver") >&2
  fi
  [ -s "$file" ] || die "$pkg: apt-get download left no $file"
  echo "$file"
}

# --- the kernel, through the metapackage -----------------------------------------------------
meta_deb=$(download "$META:ppc64el")
kpkg=$(dpkg-deb -f "$meta_deb" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
[ -n "$kpkg" ] || die "$meta_deb: no linux-image-<ABI> package in its Depends"
abi=${kpkg#linux-image-}
kernel_deb=$(download "$kpkg:ppc64el")
busybox_deb=$(download "busybox-static:ppc64el")

if [ ! -s "$OUT/vmlinux" ] || [ ! -s "$OUT/ibmveth.ko" ] || [ ! -s "$OUT/config" ] || \
   [ "$(cat "$OUT/abi" 2>/dev/null)" != "$abi" ]; then
  say "extracting $kpkg"
  x=$OUT/extract-kernel
  rm -rf "$x"
  dpkg-deb -x "$kernel_deb" "$x"
  [ -f "$x/boot/vmlinux-$abi" ] || die "$kernel_deb: no /boot/vmlinux-$abi"
  veth=$(find "$x/lib/modules/$abi" -name 'ibmveth.ko*' | head -n1)
  [ -n "$veth" ] || die "$kernel_deb: no ibmveth.ko under /lib/modules/$abi"
  case "$veth" in
    *.ko) cp "$veth" "$OUT/ibmveth.ko.tmp" ;;
    *.ko.xz) xz -dc "$veth" >"$OUT/ibmveth.ko.tmp" ;;
    *.ko.zst) zstd -qdc "$veth" >"$OUT/ibmveth.ko.tmp" ;;
    *.ko.gz) gzip -dc "$veth" >"$OUT/ibmveth.ko.tmp" ;;
    *) die "$veth: unknown module compression" ;;
  esac
  cp "$x/boot/config-$abi" "$OUT/config.tmp"
  cp "$x/boot/vmlinux-$abi" "$OUT/vmlinux.tmp"
  mv "$OUT/ibmveth.ko.tmp" "$OUT/ibmveth.ko"
  mv "$OUT/config.tmp" "$OUT/config"
  mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
  echo "$abi" >"$OUT/abi.tmp" && mv "$OUT/abi.tmp" "$OUT/abi"
  rm -rf "$x"
fi
[ "$(head -c 6 "$OUT/vmlinux" | od -An -tx1 | tr -d ' \n')" = "7f454c460201" ] || \
  die "$OUT/vmlinux: not an ELF64 little-endian image"

# --- busybox ---------------------------------------------------------------------------------
bx=$OUT/extract-busybox
rm -rf "$bx"
dpkg-deb -x "$busybox_deb" "$bx"
busybox=$bx/bin/busybox
[ -x "$busybox" ] || die "$busybox_deb: no /bin/busybox"
command -v qemu-ppc64le >/dev/null || die "qemu-ppc64le (Debian package qemu-user) is needed to list busybox's applets"
applets=$(qemu-ppc64le "$busybox" --list-full) || die "busybox --list-full failed under qemu-ppc64le"
for need in sh mount setsid cttyhack poweroff reboot sha256sum insmod uname od base64 ls cat; do
  grep -q "/$need\$" <<<"$applets" || die "busybox-static has no '$need' applet"
done

# --- the initramfs tree ----------------------------------------------------------------------
root=$OUT/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,run,lib/modules/"$abi"}
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
while read -r link; do
  [ -n "$link" ] && [ "$link" != bin/busybox ] || continue
  mkdir -p "$root/$(dirname "$link")"
  ln -sf /bin/busybox "$root/$link"
done <<<"$applets"
cp "$OUT/ibmveth.ko" "$root/lib/modules/$abi/ibmveth.ko"
chmod 0644 "$root/lib/modules/$abi/ibmveth.ko"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

# A known file whose hash the system tests compare with busybox sha256sum in the guest.
printf 'tshype initramfs check file\nkernel %s\n0123456789abcdef\n' "$abi" >"$root/etc/tshype-check"
sum=$(sha256sum "$root/etc/tshype-check" | cut -d' ' -f1)
echo "$sum  /etc/tshype-check" >"$OUT/check.sha256"

cat >"$root/init" <<'EOF'
#!/bin/sh
# tshype test initramfs (scripts/linux/fetch.sh). The kernel runs this as PID 1.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=vt100
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# securityfs: a TPM's firmware event log is /sys/kernel/security/tpm0/binary_bios_measurements
mount -t securityfs securityfs /sys/kernel/security
# The newline first: the kernel's RTAS progress text ("Linux ppc64le", then the version cut to
# the 16-character display line) ends without one, and the ready line must stand on its own.
printf '\ntshype-linux: ready\n'
# An interactive shell with the console (hvc0 with console=hvc0) as its controlling terminal,
# started again whenever it exits. poweroff -f and reboot -f end the partition from it.
while true; do
  setsid cttyhack sh -l
  echo "tshype-linux: shell exited, starting another"
  sleep 1
done
EOF
chmod 0755 "$root/init"
cat >"$root/etc/profile" <<'EOF'
export PS1='tshype-linux# '
EOF
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

# --- the archive -----------------------------------------------------------------------------
node -r ./scripts/tsnc/register.cjs scripts/linux/cpio.ts "$root" "$OUT/initrd.cpio" \
  --nod dev/console:c:5:1:600 --nod dev/null:c:1:3:666
gzip -9 -n -f "$OUT/initrd.cpio"
rm -rf "$bx"

size() { stat -c %s "$1"; }
say "kernel ABI $abi ($kpkg, $(basename "$kernel_deb"))"
say "busybox $(basename "$busybox_deb"), $(wc -l <<<"$applets") applets"
say "$OUT/vmlinux         $(size "$OUT/vmlinux") bytes"
say "$OUT/ibmveth.ko      $(size "$OUT/ibmveth.ko") bytes"
say "$OUT/initrd.cpio.gz  $(size "$OUT/initrd.cpio.gz") bytes"
say "$OUT/check.sha256    $(cat "$OUT/check.sha256")"
