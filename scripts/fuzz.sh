#!/usr/bin/env bash
# make fuzz: the hcall fuzzer's long run (lpar/configs/fuzz-long.ts: 1,000,000 fuzzed hcalls,
# docs/fuzzing.md) on each machine in turn; prints each machine's verdict line and wall time
# and fails unless every verdict is `0 crashes, 0 invariant violations`.
#   FUZZ_CONFIG=fuzz-long   the configuration (fuzz: the 50,000-call run of make test)
#   FUZZ_MACHINES="powernv9 pseries"   FUZZ_TIMEOUT=3600 (seconds per run)
#   FUZZ_SEED=S FUZZ_CALLS=N [FUZZ_TRACE=T]   another seed or count, or a replay: the fuzzer's
#       replay line names them (calls from number T on are printed); the configuration's
#       partitions with these bootargs, written to build/fuzz/<machine>/fuzz-replay.ts
# The full console of each run is in build/fuzz/<machine>/<config>-<machine>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
config=${FUZZ_CONFIG:-fuzz-long}
status=0
for machine in ${FUZZ_MACHINES:-powernv9 pseries}; do
  build=build/fuzz/$machine   # one per machine: two runs may go on at once
  platform=powernv
  [ "$machine" = pseries ] && platform=pseries
  file=
  if [ -n "${FUZZ_SEED:-}${FUZZ_CALLS:-}${FUZZ_TRACE:-}" ]; then
    config=fuzz-replay
    file=$build/fuzz-replay.ts
    mkdir -p "$build"
    args="seed=${FUZZ_SEED:-20261206} calls=${FUZZ_CALLS:-50000}${FUZZ_TRACE:+ trace=$FUZZ_TRACE}"
    printf '%s\n' "import { SystemConfig } from '../../../lpar/config';" \
      "import { addFuzzPartitions } from '../../../lpar/configs/fuzz';" \
      "export const system = new SystemConfig('fuzz-replay');" \
      "system.policy = 'fuzz';" \
      "addFuzzPartitions(system, '$args');" >"$file"
  fi
  CONFIG=$config CONFIG_FILE=$file NAME=$config BUILD=$build bash scripts/build-image.sh $platform >/dev/null || exit 1
  log=$build/$config-$machine.log
  start=$(date +%s)
  QEMU_TIMEOUT=${FUZZ_TIMEOUT:-3600} scripts/run-image.sh "$machine" "$build/$config-$platform.bin" >"$log" 2>&1
  rc=$?
  wall=$(( $(date +%s) - start ))
  verdict=$(grep -a '^\[hv\] fuzz: [0-9]* hcalls' "$log" | tr -d '\r')
  grep -a -E '^\[fuzzer\] fuzz: (seed|done|CRASH|replay)' "$log" | tr -d '\r' | sed "s/^/$machine: /"
  echo "$machine: ${verdict:-no verdict line (exit status $rc)}; wall time ${wall} s (log: $log)"
  if [ $rc -ne 0 ] || ! grep -q ', 0 crashes, 0 invariant violations$' <<<"$verdict"; then status=1; fi
done
exit $status
