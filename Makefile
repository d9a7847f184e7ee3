# tshype — build, run and test. `make help` lists the targets.
SHELL := /bin/bash
NPX := npx --no-install
TSNC := $(NPX) tsnc
MOCHA := $(NPX) mocha
BUILD := build
MACHINE ?= pseries
CONFIG ?= default
FLASH := node scripts/flash/tshype-flash.cjs
IMAGE_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null))
# the keys that sign BOOTKERNEL (generated on first use; point FLASH_KEYS at your own, see README)
FLASH_KEYS ?= $(BUILD)/keys

.PHONY: linux-guest help deps check test test-unit test-conformance test-system fuzz fuzz-parsers soak run demo image verify-image flash \
	bench bench-compiler bench-hv bench-shype bench-lan bench-vtpm bench-linux porffor-report clean

help:
	@echo "make run [MACHINE=pseries|powernv9|powernv10|powernv9-skiboot|powernv10-skiboot|powernv9-pnor|powernv10-pnor] [CONFIG=default|faults|isolation|…]"
	@echo "                     build the image and boot it under QEMU"
	@echo "make run GUEST=elf [INITRD=file] [APPEND=\"args\"] [MEM=MiB] [SMP=n] [MACHINE=…]"
	@echo "                     boot one partition running that ELF (e.g. a Linux kernel)"
	@echo "make flash [CONFIG=…] build/tshype.pnor: the PNOR flash image, tshype signed in BOOTKERNEL (keys: FLASH_KEYS=build/keys)"
	@echo "make image [CONFIG=…] build/tshype-pseries.{bin,flash}, build/tshype-powernv.{bin,elf,flash}"
	@echo "make test            install missing tools; type-check, unit, conformance and system tests"
	@echo "make fuzz            the hcall fuzzer: 1,000,000 fuzzed hcalls on powernv9 and pseries, verdicts and wall times"
	@echo "make fuzz-parsers    every parser fuzzer with 100,000 inputs (FUZZ_SEED=… to reseed; make test runs fewer)"
	@echo "make soak [DURATION=600] [SOAK_MACHINE=powernv9|pseries]"
	@echo "                     Linux and TS partitions, network, TPM and CRQ traffic, policy reloads and restarts for DURATION s; what was done, what was lost"
	@echo "make bench           benchmarks (instruction counts under QEMU): compiler and hypervisor"
	@echo "make bench-lan       instructions per 1,500-byte logical-LAN frame between two partitions (powernv9) vs the copy floor"
	@echo "make bench-vtpm      TPM commands per second: tshype vtpm serve against swtpm; instructions per round trip through the vTPM partition (powernv9)"
	@echo "make bench-linux     wall time to Debian Linux's ready line: tshype partition vs QEMU's own pseries"
	@echo "make porffor-report  the conformance programs through porffor (pinned), pass/fail each"
	@echo "make demo            compile a conformance program and run it under qemu-ppc64"
	@echo "make check           type-check everything with tsc (strict); check the layering (docs/layers.md)"

# Installs apt packages and npm modules only when something is missing.
deps:
	@bash scripts/install-deps.sh

check: deps
	$(NPX) tsc --noEmit -p .
	$(NPX) depcruise --config .dependency-cruiser.cjs hv hcalls shype lpar arch vtpm

test-unit: deps
	$(MOCHA)

test-conformance: deps
	$(TSNC) conformance test/compiler/programs

test-system: deps
	$(MOCHA) --config test/system/mocharc.json

test: check test-unit test-conformance test-system

# The hcall fuzzer's long run (lpar/configs/fuzz-long.ts) on both machines; `make test` runs the
# 50,000-call one (test/system/fuzz.test.ts). FUZZ_CONFIG=fuzz FUZZ_MACHINES=pseries: see the script.
fuzz: deps
	bash scripts/fuzz.sh

# The parser fuzzers (test/unit/fuzz-*.test.ts) at 100,000 inputs each; `make test` runs each
# at its default count (FUZZ_N in the file). FUZZ_SEED=N reseeds, FUZZ_ONLY=i replays input i.
FUZZ_N ?= 100000
fuzz-parsers: deps
	FUZZ_N=$(FUZZ_N) $(MOCHA) --no-config --require scripts/tsnc/register.cjs --require test/fake/register-platform.cjs \
		--extension ts --timeout 0 'test/unit/fuzz-*.test.ts'

# The soak (docs/robustness.md): the mixed workload of lpar/configs/soak.ts for DURATION seconds,
# driven by scripts/soak.ts; prints what it did and what was lost, fails on any loss or crash.
DURATION ?= 600
soak: deps
	DURATION=$(DURATION) bash scripts/soak.sh

run: deps $(if $(filter linux lan lan-cap lan-deny,$(CONFIG)),linux-guest)
ifneq ($(filter %-pnor,$(MACHINE)),)
	$(MAKE) --no-print-directory flash CONFIG=$(CONFIG)
else
	CONFIG=$(CONFIG) GUEST=$(GUEST) INITRD=$(INITRD) APPEND="$(APPEND)" MEM=$(MEM) SMP=$(SMP) bash scripts/build-image.sh $(MACHINE)
endif
	scripts/run-image.sh $(MACHINE)

# The PNOR image: the powernv payload signed into a secure-boot container (keys made on first
# use), written into BOOTKERNEL of an FFS-partitioned flash, then checked as a whole. The
# preserved partitions (NVRAM, TSHYPE_STATE, TSHYPE_VTPM) of the previous build/tshype.pnor are kept, as a
# firmware update keeps them; FLASH_FRESH=1 starts from erased ones.
flash: deps
	CONFIG=$(CONFIG) BUILD=$(BUILD) bash scripts/build-image.sh powernv
	@[ -f $(FLASH_KEYS)/hw-a.pem ] || $(FLASH) keygen $(FLASH_KEYS)
	$(FLASH) sign --keys $(FLASH_KEYS) --in $(BUILD)/tshype-powernv.elf --out $(BUILD)/tshype-powernv.container
	$(FLASH) pnor --keys $(FLASH_KEYS) --bootkernel $(BUILD)/tshype-powernv.container \
		--version "$$(cat $(BUILD)/tshype-powernv.version)" --out $(BUILD)/tshype.pnor \
		$(if $(FLASH_FRESH),,--preserve-from $(BUILD)/tshype.pnor)
	$(FLASH) verify-pnor --keys $(FLASH_KEYS) $(BUILD)/tshype.pnor

image: deps
	CONFIG=$(CONFIG) bash scripts/build-image.sh pseries
	CONFIG=$(CONFIG) bash scripts/build-image.sh powernv
	SOURCE_DATE_EPOCH=$(IMAGE_EPOCH) $(FLASH) pack --machine pseries --kind bios --in $(BUILD)/tshype-pseries.bin --out $(BUILD)/tshype-pseries.flash
	SOURCE_DATE_EPOCH=$(IMAGE_EPOCH) $(FLASH) pack --machine powernv --kind bios --in $(BUILD)/tshype-powernv.bin --out $(BUILD)/tshype-powernv.flash

verify-image: image
	$(FLASH) verify --machine pseries $(BUILD)/tshype-pseries.flash
	$(FLASH) verify --machine powernv $(BUILD)/tshype-powernv.flash

demo: deps
	@mkdir -p $(BUILD)/demo
	$(TSNC) build test/compiler/programs/kernel_crc32.ts -o $(BUILD)/demo/crc32.elf
	qemu-ppc64 $(BUILD)/demo/crc32.elf

bench: bench-compiler bench-hv bench-shype

bench-compiler: deps
	node scripts/bench/bench-compiler.cjs

bench-hv: deps
	node scripts/bench/bench-hv.cjs

bench-shype: deps
	node test/bench/shype/measure.cjs

bench-lan: deps
	node scripts/bench/bench-lan.cjs

bench-vtpm: deps
	node scripts/bench/bench-vtpm.cjs
	node scripts/bench/bench-vtpm-native.cjs

bench-linux: deps
	node scripts/bench/bench-linux.cjs

porffor-report: deps
	node scripts/porffor-report/report.cjs

# Debian bookworm's ppc64el kernel and a busybox initramfs, cached in build/linux (scripts/linux/fetch.sh)
linux-guest: deps
	bash scripts/linux/fetch.sh

clean:
	rm -rf $(BUILD) node_modules/.cache/tsnc-register
