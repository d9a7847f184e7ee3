#!/usr/bin/env bash
# make soak [DURATION=600] [SOAK_MACHINE=powernv9]: the soak (docs/robustness.md). Builds the soak
# configuration (lpar/configs/soak.ts) with the duration in its TS partitions' bootargs, then
# scripts/soak.ts boots it and drives the Linux partitions for DURATION seconds; prints what was
# done and what was lost, and fails when anything was lost or crashed. Not part of make test.
#   SOAK_REBOOT_EVERY=2000   the CRQ server restarts in the middle of every N-th command
#   SOAK_RELOAD_MS=5000      the reloader's period
# The whole console is kept in build/soak/soak-<machine>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-600}
machine=${SOAK_MACHINE:-powernv9}
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 60 ] || { echo "soak: DURATION=$duration: whole seconds, at least 60" >&2; exit 2; }
platform=powernv
[ "$machine" = pseries ] && platform=pseries
build=build/soak
mkdir -p "$build"
bash scripts/linux/fetch.sh >/dev/null || { echo "soak: scripts/linux/fetch.sh failed" >&2; exit 1; }
bash scripts/build-guests.sh >/dev/null || exit 1
npx --no-install tshype policy compile shype/policies/soak.pol -o "$build/soak-policy.bin" >/dev/null || exit 1
config=$build/soak-run.ts
printf '%s\n' "// written by scripts/soak.sh for DURATION=$duration" \
  "import { SystemConfig } from '../../lpar/config';" \
  "import { addSoakPartitions } from '../../lpar/configs/soak';" \
  "export const system = new SystemConfig('soak');" \
  "addSoakPartitions(system, 'nv=soak delay=100 seconds=$duration', 'reboot=${SOAK_REBOOT_EVERY:-2000}', 'seconds=$duration every=${SOAK_RELOAD_MS:-5000}');" >"$config"
echo "soak: building the image for $machine ($duration s)"
CONFIG=soak CONFIG_FILE=$config NAME=soak BUILD=$build bash scripts/build-image.sh $platform >/dev/null || exit 1
exec node -r ./scripts/tsnc/register.cjs scripts/soak.ts "$duration" "$machine" "$build/soak-$platform.bin" "$build/soak-$machine.log"
