/**
 * The layering of tshype (docs/layers.md), enforced by dependency-cruiser in `make check`.
 *
 *   hv/        the run loop: boot, scheduler, exits, gate and dispatch                (top)
 *   hcalls/    hcall handlers and the registration table
 *   shype/     labels, policies, decide(), decision cache, audit
 *   lpar/      partitions, vCPUs, configuration, memory, device trees, console, time
 *   arch/      the platform contract (api.ts, "@platform") and the ppc64 back ends (bottom)
 *
 * A layer imports only the layers below it. arch/ may name the lpar types it implements and
 * reads (Partition, Vcpu) with `import type`, nothing else above it; it calls up only through
 * the entry points of hv/main.ts, by symbol name from assembly or a `declare function`.
 * vtpm/ is a partition program of its own; lpar/guests/ are the test partitions' programs.
 * scripts/ and test/ stand outside: the hypervisor never imports them.
 */
'use strict';

const HV = '^hv/';
const HCALLS = '^hcalls/';
const SHYPE = '^shype/';
const LPAR = '^lpar/';
const ARCH = '^arch/';

/** A rule: files matching `from` may not import (at run time) files matching `to`. */
function forbid(name, comment, from, to, extra = {}) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: to, ...extra } };
}

module.exports = {
  forbidden: [
    forbid('hcalls-not-above', 'hcall handlers run below the run loop: hcalls/ does not import hv/', HCALLS, HV),
    forbid('shype-not-above', 'the policy engine knows partitions, not hcalls or the run loop', SHYPE, `${HV}|${HCALLS}`),
    // the test partitions' programs (lpar/guests/) have their own rule, guests-alone
    { ...forbid('lpar-not-above', 'partitions are the lowest portable layer: lpar/ imports only arch/', LPAR, `${HV}|${HCALLS}|${SHYPE}`),
      from: { path: LPAR, pathNot: '^lpar/guests/' } },
    forbid('arch-not-above', 'arch/ knows nothing above it but the lpar types it implements (import type)',
      ARCH, `${HV}|${HCALLS}|${SHYPE}|${LPAR}`, { dependencyTypesNot: ['type-only'] }),
    forbid('arch-no-policy-or-run-loop-types', 'not even types of the run loop, handlers or policy reach arch/',
      ARCH, `${HV}|${HCALLS}|${SHYPE}`),
    forbid('vtpm-alone', 'the vTPM is a partition program of its own', '^vtpm/', `${HV}|${HCALLS}|${SHYPE}|${LPAR}|${ARCH}`),
    // vtpm/crypto/ is a library (SHA-256 and friends, no TPM state): the hypervisor may use it,
    // e.g. lpar/bundle.ts hashes guest images with it; the rest of vtpm/ stays out of reach
    // (the partition programs of lpar/guests/ are not the hypervisor: the vTPM partition's program
    // runs vtpm/, its test client builds commands with vtpm/tpm/build.ts)
    { ...forbid('hypervisor-not-on-vtpm', 'the hypervisor may use the vTPM\'s crypto library (vtpm/crypto/), nothing else of vtpm/',
      `${HV}|${HCALLS}|${SHYPE}|${LPAR}|${ARCH}`, '^vtpm/(?!crypto/)'), from: { path: `${HV}|${HCALLS}|${SHYPE}|${LPAR}|${ARCH}`, pathNot: '^lpar/guests/' } },
    // the fuzzer (lpar/guests/fuzzer.ts) takes its opcodes from the hcall table itself, with the
    // table's own imports (the policy's operations, string comparison)
    forbid('guests-alone', 'test partition programs are programs of their own (they may share the FDT reader and the hcall table)',
      '^lpar/guests/', `${HV}|^hcalls/(?!table\\.ts$)|^shype/(?!ops\\.ts$)|${ARCH}|^lpar/(?!guests/|fdt\\.ts$|text\\.ts$)`),
    forbid('hypervisor-not-on-tools', 'the hypervisor imports no build tool or test, only tsnc\'s intrinsics ("tsnc")',
      `${HV}|${HCALLS}|${SHYPE}|${LPAR}|${ARCH}|^vtpm/`, '^(scripts|test)/', { pathNot: '^scripts/tsnc/lib/' }),
    {
      name: 'no-cycles',
      comment: 'a cycle between modules means a boundary is in the wrong place',
      severity: 'error',
      from: { path: `${HV}|${HCALLS}|${SHYPE}|${LPAR}|${ARCH}|^vtpm/` },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // "@platform" resolves to the contract (arch/ppc64/api.ts) through tsconfig's paths, "@config"
    // to a configuration in lpar/configs
    enhancedResolveOptions: { extensions: ['.ts', '.cjs', '.js'] },
  },
};
