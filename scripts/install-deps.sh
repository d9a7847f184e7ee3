#!/usr/bin/env bash
# Install what `make` needs on Debian bookworm when it is missing: the LLVM 19 toolchain, QEMU
# (user mode for compiled test programs, system mode for the hypervisor), ppc64 binutils, dtc,
# tpm2-tools with the mssim TCTI and swtpm (the vTPM interop test and bench-vtpm), opal-utils
# (pflash, the OpenPOWER flash tool that lists and writes build/tshype.pnor) from apt, then
# the npm packages from the lockfile (npm ci). Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A NEED=(
  [llc-19]=llvm-19 [opt-19]=llvm-19 [ld.lld-19]=lld-19 [clang-19]=clang-19
  [qemu-ppc64]=qemu-user [qemu-system-ppc64]=qemu-system-ppc
  [powerpc64-linux-gnu-as]=binutils-powerpc64-linux-gnu [dtc]=device-tree-compiler
  [gcc]=gcc
  [tpm2_startup]=tpm2-tools [swtpm]=swtpm [swtpm_setup]=swtpm-tools
)
# Debian package -> a file it installs (a glob), for packages that provide no command
declare -A NEED_FILE=(
  [libtss2-tcti-mssim0]='/usr/lib/*/libtss2-tcti-mssim.so.0'
  [opal-utils]='/usr/sbin/pflash'          # in sbin: not on a user's PATH
)
missing=()
for cmd in "${!NEED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}")
done
for pkg in "${!NEED_FILE[@]}"; do
  compgen -G "${NEED_FILE[$pkg]}" >/dev/null || dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  echo "install-deps: installing $pkgs"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
