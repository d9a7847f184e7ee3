#!/usr/bin/env bash
# Boot a tshype image under QEMU (always under `timeout`). The one place that knows the QEMU
# command lines: `make run` and the system tests (test/system/boot.test.ts) both use it.
#
# usage: scripts/run-image.sh MACHINE [IMAGE]
#   MACHINE  pseries                       -bios IMAGE (default build/tshype-pseries.bin)
#            powernv9 | powernv10          -bios IMAGE (default build/tshype-powernv.bin)
#            powernv9-skiboot | powernv10-skiboot
#                                          QEMU's skiboot, -kernel IMAGE (default
#                                          build/tshype-powernv.elf)
#            powernv9-pnor | powernv10-pnor
#                                          QEMU's skiboot boots BOOTKERNEL from the PNOR flash
#                                          IMAGE (default build/tshype.pnor, `make flash`), no
#                                          -kernel; QEMU writes the guest's flash writes back
# environment: QEMU_TIMEOUT seconds (default 30, 120 with skiboot; 600 with a guest bundle),
#   QEMU_EXTRA (more QEMU options, e.g. "-plugin build/bench/libinsn.so -d plugin"), QEMU
#   (default qemu-system-ppc64), BUNDLE (the guest bundle; default the NAME-guests.bundle that
#   build-image.sh wrote beside IMAGE, if any: the configuration's external images,
#   docs/guest-bundle.md), NVRAM (pseries: the NVRAM file, QEMU's spapr-nvram, where tshype keeps
#   its boot count and the vTPM instances' state; created zero-filled with NVRAM_SIZE bytes,
#   default 524288, when it does not exist; default a fresh one for this run only, already
#   removed while QEMU runs: boot twice with the same NVRAM=path to see the state kept)
# The guest bundle goes where each platform passes such a file: pseries takes it wrapped in an
# ELF as -kernel (QEMU loads -initrd only with a -kernel, and only an ELF), powernv as -initrd
# (QEMU 7.2 describes it in /chosen; it refuses -initrd without -kernel on every machine).
# From the PNOR there is no -kernel, so no bundle either: external guest images cannot be
# passed that way (yet).
# Exit status: QEMU's (pseries: 0 after power-off, 1 after ibm,os-term; powernv: 0), or 124
# when the timeout stopped it.
set -euo pipefail
cd "$(dirname "$0")/.."

machine=${1:-}
image=${2:-}
QEMU=${QEMU:-qemu-system-ppc64}
timeout_s=${QEMU_TIMEOUT:-30}
# the capabilities only silence TCG warnings about host mitigations; nested HV is tshype's mode
PSERIES=pseries,cap-nested-hv=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off

# the bundle built with the image: build/NAME-guests.bundle beside build/NAME-<platform>.*
image_default=build/tshype-powernv.bin
[ "$machine" = pseries ] && image_default=build/tshype-pseries.bin
image_path=${image:-$image_default}
bundle=${BUNDLE:-${image_path%-*}-guests.bundle}
bundle_args=()
mem_pseries=1G
if [ -f "$bundle" ]; then
  timeout_s=${QEMU_TIMEOUT:-600}
  mem_pseries=2G
  case "$machine" in
    pseries) bundle_args=(-kernel "${bundle%.bundle}.elf") ;;
    # QEMU takes -initrd only with a -kernel; under -bios that is tshype's own ELF, which
    # powernv loads raw at 512 MiB and nobody reads
    powernv9|powernv10) bundle_args=(-kernel "${image_path%.bin}.elf" -initrd "$bundle") ;;
    *) bundle_args=(-initrd "$bundle") ;;
  esac
fi

case "$machine" in
  pseries)
    # -vga none: pseries adds a VGA adapter by default, whose ROM (vgabios-stdvga.bin, Debian's
    # seabios package) a --no-install-recommends QEMU does not have; firmware needs no display
    nvram=${NVRAM:-}
    if [ -z "$nvram" ]; then
      # a fresh NVRAM for this run only: a file opened on descriptor 3 and removed at once, which
      # QEMU opens again through /dev/fd/3 (nothing to clean up, however QEMU ends)
      tmp=$(mktemp "${TMPDIR:-/tmp}/tshype-nvram.XXXXXX")
      truncate -s "${NVRAM_SIZE:-524288}" "$tmp"
      exec 3<>"$tmp"
      rm -f "$tmp"
      nvram=/dev/fd/3
    fi
    # QEMU takes an NVRAM of 8 KiB .. 1 MiB (hw/nvram/spapr_nvram.c); zero-filled is blank to tshype
    [ -e "$nvram" ] || truncate -s "${NVRAM_SIZE:-524288}" "$nvram"
    args=(-M "$PSERIES" -m "$mem_pseries" -vga none -action panic=exit-failure -bios "${image:-build/tshype-pseries.bin}"
      -drive "if=pflash,format=raw,file=$nvram") ;;
  powernv9|powernv10)
    args=(-M "$machine" -m 2G -bios "${image:-build/tshype-powernv.bin}") ;;
  powernv9-skiboot|powernv10-skiboot)
    [ "$timeout_s" -lt 120 ] && timeout_s=${QEMU_TIMEOUT:-120}
    args=(-M "${machine%-skiboot}" -m 2G -kernel "${image:-build/tshype-powernv.elf}") ;;
  powernv9-pnor|powernv10-pnor)
    timeout_s=${QEMU_TIMEOUT:-120}
    bundle_args=()
    args=(-M "${machine%-pnor}" -m 2G -drive "file=${image:-build/tshype.pnor},format=raw,if=mtd") ;;
  *)
    echo "usage: $0 pseries|powernv9|powernv10|powernv9-skiboot|powernv10-skiboot|powernv9-pnor|powernv10-pnor [IMAGE]" >&2
    exit 2 ;;
esac

# shellcheck disable=SC2086  # QEMU_EXTRA is a list of options
exec timeout --foreground -k 5 "$timeout_s" "$QEMU" "${args[@]}" "${bundle_args[@]}" -nographic -no-reboot ${QEMU_EXTRA:-}
