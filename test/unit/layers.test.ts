/**
 * The layering (docs/layers.md), enforced by dependency-cruiser in `make check`: the tree as it
 * stands passes, and the rules do refuse what they are meant to refuse (a probe file with an
 * upward import is written, checked and removed).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const TOP = path.resolve(__dirname, '..', '..');
const LAYERS = ['hv', 'hcalls', 'shype', 'lpar', 'arch', 'vtpm'];

/** Run dependency-cruiser with the project's rules over `paths`. */
function cruise(paths: string[]): { status: number | null; out: string } {
  const r = spawnSync('npx', ['--no-install', 'depcruise', '--config', '.dependency-cruiser.cjs', ...paths],
    { cwd: TOP, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Check a probe module at `rel` with source `text`, then remove it. */
function probe(rel: string, text: string): { status: number | null; out: string } {
  const file = path.join(TOP, rel);
  fs.writeFileSync(file, text);
  try {
    return cruise([rel]);
  } finally {
    fs.unlinkSync(file);
  }
}

describe('layers', function () {
  this.timeout(60_000);

  it('depcruise: the tree keeps its layers', () => {
    const r = cruise(LAYERS);
    expect(r.status, r.out).to.equal(0);
  });

  it('depcruise: refuses lpar/ importing the run loop', () => {
    const r = probe('lpar/zz-layer-probe.ts', "import { gate } from '../hv/gate';\nexport const probe = gate;\n");
    expect(r.status).to.not.equal(0);
    expect(r.out).to.contain('lpar-not-above');
  });

  it('depcruise: refuses arch/ importing a portable module at run time, allows its types', () => {
    const bad = probe('arch/ppc64/zz-layer-probe.ts', "import { partitions } from '../../lpar/partition';\nexport const probe = partitions;\n");
    expect(bad.status).to.not.equal(0);
    expect(bad.out).to.contain('arch-not-above');
    const ok = probe('arch/ppc64/zz-layer-probe.ts', "import type { Partition } from '../../lpar/partition';\nexport type Probe = Partition;\n");
    expect(ok.status, ok.out).to.equal(0);
  });

  it('depcruise: lets lpar/ use the vTPM\'s crypto library, refuses the rest of vtpm/', () => {
    const ok = probe('lpar/zz-layer-probe.ts', "import { Sha256 } from '../vtpm/crypto/sha256';\nexport const probe = Sha256;\n");
    expect(ok.status, ok.out).to.equal(0);
    const bad = probe('lpar/zz-layer-probe.ts', "import * as auth from '../vtpm/tpm/auth';\nexport const probe = auth;\n");
    expect(bad.status).to.not.equal(0);
    expect(bad.out).to.contain('hypervisor-not-on-vtpm');
  });

  it('depcruise: lets a test partition take the hcall table, refuses it handlers and the run loop', () => {
    const ok = probe('lpar/guests/zz-layer-probe.ts', "import { HCALLS } from '../../hcalls/table';\nexport const probe = HCALLS;\n");
    expect(ok.status, ok.out).to.equal(0);
    const handler = probe('lpar/guests/zz-layer-probe.ts', "import { hPutTce } from '../../hcalls/tce';\nexport const probe = hPutTce;\n");
    expect(handler.status).to.not.equal(0);
    expect(handler.out).to.contain('guests-alone');
    const hv = probe('lpar/guests/zz-layer-probe.ts', "import { gate } from '../../hv/gate';\nexport const probe = gate;\n");
    expect(hv.status).to.not.equal(0);
    expect(hv.out).to.contain('guests-alone');
  });

  it('depcruise: refuses hcall handlers importing the run loop', () => {
    const r = probe('hcalls/zz-layer-probe.ts', "import { runAll } from '../hv/scheduler';\nexport const probe = runAll;\n");
    expect(r.status).to.not.equal(0);
    expect(r.out).to.contain('hcalls-not-above');
  });
});
