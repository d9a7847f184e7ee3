# Boot images and QEMU runs (included by the Makefile, which defines deps, NPX and MOCHA).
#
#   make image                     build/tshype-pseries.bin, build/tshype-powernv.{bin,elf}
#   make run MACHINE=pseries       boot under QEMU (also powernv9, powernv10,
#                                  powernv9-skiboot, powernv10-skiboot); QEMU_TIMEOUT=seconds
#   make test-system               build from the sources and boot every configuration
MACHINE ?= pseries

.PHONY: image run test-system

image: deps
	bash scripts/build-image.sh pseries
	bash scripts/build-image.sh powernv

run: deps
	bash scripts/build-image.sh $(MACHINE)
	scripts/run-image.sh $(MACHINE)

test-system: deps
	$(MOCHA) --config test/system/mocharc.json
