#!/usr/bin/env bash
# Build the test partitions (lpar/guests/<name>.ts) into flat binaries linked at partition
# address 0: build/guests/<name>.bin (code and data; the hypervisor zero-fills the rest).
#   scripts/build-guests.sh [NAME...]        (default: every guest with a guestMain)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/guests
mkdir -p "$OUT"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in lpar/guests/*.ts; do grep -q 'export function guestMain' "$f" && names+=("$(basename "$f" .ts)"); done
fi
# the start-up, the partition's interrupt vectors and the state helpers (arch/ppc64/guest/*.S),
# linked into every guest; -mcpu=pwr9 for the VSX instructions of state.S
# (they share common/asm.h with the hypervisor, and with it bits.h, generated from bits.ts)
mkdir -p "$OUT/include"
node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts "$OUT/include/bits.h" arch/ppc64/bits.ts
objs=()
for src in arch/ppc64/guest/*.S; do
  obj="$OUT/$(basename "$src" .S).o"
  clang-19 --target=powerpc64-unknown-linux-gnu -mabi=elfv2 -mcpu=pwr9 -I "$OUT/include" -c "$src" -o "$obj"
  objs+=("$obj")
done
# a guest is rebuilt when its binary is older than any guest source, the guest start-up or tsnc
newest=$(find lpar/guests arch/ppc64/guest scripts/tsnc/src scripts/tsnc/lib -type f -printf '%T@\n' | sort -n | tail -1)
for g in "${names[@]}"; do
  bin="$OUT/$g.bin"
  if [ -f "$bin" ] && [ "$(stat -c %Y "$bin")" -ge "${newest%.*}" ]; then continue; fi
  npx --no-install tsnc compile "lpar/guests/$g.ts" -o "$OUT/$g.o"
  ld.lld-19 -static -T arch/ppc64/guest/guest.ld "${objs[@]}" "$OUT/$g.o" -o "$OUT/$g.elf"
  llvm-objcopy-19 -O binary "$OUT/$g.elf" "$OUT/$g.bin"
  echo "guest $g: $(stat -c %s "$OUT/$g.bin") bytes"
done
