# tshype — build, run and test. `make help` lists the targets.
SHELL := /bin/bash
NPX := npx --no-install
TSNC := $(NPX) tsnc
MOCHA := $(NPX) mocha
BUILD := build

.PHONY: help deps check test test-unit test-conformance run bench bench-compiler porffor-report clean

help:
	@echo "make test            install missing tools, type-check, unit tests, compiler conformance"
	@echo "make run             build and run the compiler demo under qemu-ppc64"
	@echo "make bench           benchmarks (instruction counts under QEMU)"
	@echo "make bench-compiler  tsnc vs clang -O2, executed instructions per kernel"
	@echo "make porffor-report  the conformance programs through porffor (pinned), pass/fail each"
	@echo "make check           type-check everything with tsc (strict)"

# Installs apt packages and npm modules only when something is missing.
deps:
	@bash scripts/install-deps.sh

check: deps
	$(NPX) tsc --noEmit -p .

test-unit: deps
	$(MOCHA)

test-conformance: deps
	$(TSNC) conformance test/compiler/programs

test: check test-unit test-conformance

run: deps
	@mkdir -p $(BUILD)/demo
	$(TSNC) build test/compiler/programs/kernel_crc32.ts -o $(BUILD)/demo/crc32.elf
	qemu-ppc64 $(BUILD)/demo/crc32.elf

bench: bench-compiler

bench-compiler: deps
	node scripts/bench/bench-compiler.cjs

porffor-report: deps
	node scripts/porffor-report/report.cjs

clean:
	rm -rf $(BUILD) node_modules/.cache/tsnc-register
