#!/usr/bin/env bash
# Build a bootable tshype image for one platform:
#   1. tsnc compiles the TypeScript program (ROOT and everything it imports, "@platform"
#      resolved to arch/ppc64/<platform>/platform.ts) to one object;
#   2. clang assembles the entry code (arch/ppc64/common/*.S, arch/ppc64/<platform>/*.S);
#   3. ld.lld links them with arch/ppc64/<platform>/image.ld (static, no PIE, every section
#      placed by the script: --orphan-handling=error);
#   4. llvm-objcopy extracts the -bios binary.
#
# usage: scripts/build-image.sh pseries|powernv
#   pseries  -> $BUILD/$NAME-pseries.bin (-bios), $NAME-pseries.elf (symbols, for debugging)
#   powernv  -> $BUILD/$NAME-powernv.bin (-bios), $NAME-powernv.elf (skiboot -kernel payload)
# environment: ROOT (default hv/main.ts), BUILD (default build), NAME (default tshype),
#   CONFIG (partition configuration lpar/configs/$CONFIG.ts, imported as "@config";
#   default "default"), TSNC_FLAGS (extra tsnc compile options, e.g. --heap-size 65536),
#   EXTRA_OBJS (more objects to link, e.g. the partition images; their sections must be ones
#   image.ld places), TSHYPE_VERSION (the build version the powernv image carries and prints
#   when booted from flash; default: tshype-flash's, from package.json and git)
set -euo pipefail
cd "$(dirname "$0")/.."

machine=${1:-}
case "$machine" in
  pseries) platform=pseries ;;
  powernv|powernv9|powernv10|powernv9-skiboot|powernv10-skiboot|powernv9-pnor|powernv10-pnor) platform=powernv ;;
  *) echo "usage: $0 pseries|powernv (or a scripts/run-image.sh machine name)" >&2; exit 2 ;;
esac
ROOT=${ROOT:-hv/main.ts}
CONFIG=${CONFIG:-default}
BUILD=${BUILD:-build}
NAME=${NAME:-tshype}

tool() { if command -v "$1-19" >/dev/null 2>&1; then echo "$1-19"; else echo "$1"; fi; }
CLANG=$(tool clang)
LLD=$(tool ld.lld)
OBJCOPY=$(tool llvm-objcopy)

arch=arch/ppc64
out=$BUILD/$NAME-$platform
work=$BUILD/boot/$NAME-$platform
mkdir -p "$work"

aliases=(--alias "@platform=$arch/$platform/platform.ts")
# CONFIG_FILE: a configuration written elsewhere (scripts/fuzz.sh's replays), in place of CONFIG's
config=${CONFIG_FILE:-lpar/configs/$CONFIG.ts}
if [ -n "${GUEST:-}" ]; then
  # a one-off run of one external ELF (make run GUEST=…): a configuration written for it
  config=$BUILD/boot/guest-config.ts
  mkdir -p "$BUILD/boot"
  node scripts/gen-guest-config.cjs "$config" "$GUEST" "${INITRD:-}" "${APPEND:-console=hvc0}" "${MEM:-512}" "${SMP:-1}"
fi
[ -f "$config" ] || { echo "$0: no configuration $config" >&2; exit 2; }
aliases+=(--alias "@config=$config")
# refuse an inconsistent configuration before building anything (file:line: message)
node -r ./scripts/tsnc/register.cjs scripts/check-config.ts "$config" "$machine" >/dev/null

roots=("$ROOT")
# shellcheck disable=SC2086  # TSNC_FLAGS is a list of options
npx --no-install tsnc compile "${roots[@]}" "${aliases[@]}" ${TSNC_FLAGS:-} -o "$work/hv.o"

# what the assembly shares with TypeScript: the ISA bits (bits.h), the Vcpu's fields
# (vcpu-offsets.h) and a platform's asm-offsets.ts (TS constants, e.g. a save-area layout)
mkdir -p "$work/include"
node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts "$work/include/bits.h" arch/ppc64/bits.ts
node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts "$work/include/vcpu-offsets.h" lpar/vcpu.ts:Vcpu:VCPU_
if [ -f "$arch/$platform/asm-offsets.ts" ]; then
  node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts "$work/include/asm-offsets.h" "$arch/$platform/asm-offsets.ts"
fi

# the partition programs, carried in the image (lpar/images.ts reads their table)
# the configuration's sHype policy, compiled and carried in the image (shype/policies/<name>.pol)
policy=$(node -r ./scripts/tsnc/register.cjs -e "process.stdout.write(require('./$config').system.policy)")
if [ -n "$policy" ]; then
  npx --no-install tshype policy compile "shype/policies/$policy.pol" -o "$work/policy.bin"
  node -r ./scripts/tsnc/register.cjs scripts/gen-blob.ts policyBlob "$work/policy.bin" "$work/policy-blob.S"
else
  node -r ./scripts/tsnc/register.cjs scripts/gen-blob.ts policyBlob - "$work/policy-blob.S"
fi

# the external images the configuration names (system.addElf), packed into one guest bundle
# that scripts/run-image.sh passes to QEMU (docs/guest-bundle.md); none: no bundle
bundle=$BUILD/$NAME-guests
mapfile -t images < <(node -r ./scripts/tsnc/register.cjs scripts/list-guest-images.ts "$config")
rm -f "$bundle.bundle" "$bundle.elf"
if [ ${#images[@]} -gt 0 ]; then
  node -r ./scripts/tsnc/register.cjs scripts/guest-bundle.ts pack --out "$bundle.bundle" --elf "$bundle.elf" "${images[@]}" >/dev/null
fi

# (platform independent: built once into build/guests; the lock serialises parallel image builds)
mkdir -p build
flock build/.guests.lock bash scripts/build-guests.sh >/dev/null
node -r ./scripts/tsnc/register.cjs scripts/gen-guest-images.ts build/guests "$work/guest-images.S"

# powernv: the build version, carried in the image (arch/ppc64/powernv/firmware.ts prints it
# when skiboot booted it from flash) and written next to it for `make flash` (VERSION partition)
blobs=("$work/guest-images.S" "$work/policy-blob.S")
if [ "$platform" = powernv ]; then
  version=${TSHYPE_VERSION:-$(node -r ./scripts/tsnc/register.cjs -e "process.stdout.write(require('./scripts/flash/tshype-flash.ts').defaultVersion())")}
  printf '%s' "$version" > "$work/version.txt"
  node -r ./scripts/tsnc/register.cjs scripts/gen-blob.ts versionBlob "$work/version.txt" "$work/version-blob.S"
  blobs+=("$work/version-blob.S")
fi

objs=()
for src in "${blobs[@]}" "$arch"/common/*.S "$arch/$platform"/*.S; do
  obj=$work/$(basename "$(dirname "$src")")-$(basename "$src" .S).o
  "$CLANG" --target=powerpc64-unknown-linux-gnu -mabi=elfv2 -I "$work/include" -c "$src" -o "$obj"
  objs+=("$obj")
done

# shellcheck disable=SC2086  # EXTRA_OBJS is a list of files
"$LLD" -static --no-dynamic-linker --no-pie --orphan-handling=error \
  -T "$arch/$platform/image.ld" -Map "$work/image.map" \
  "${objs[@]}" "$work/hv.o" ${EXTRA_OBJS:-} -o "$out.elf"
"$OBJCOPY" -O binary "$out.elf" "$out.bin"
[ "$platform" != powernv ] || printf '%s\n' "$version" > "$out.version"
echo "$out.elf $out.bin ($(stat -c %s "$out.bin") bytes loaded)"
