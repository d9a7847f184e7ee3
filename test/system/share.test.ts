/**
 * System test of memory shared through grants (lpar/configs/share.ts, docs/hcalls.md), on
 * pseries and powernv9: the owner grants a page read-write to the user; the user maps it in its
 * grant window, reads the owner's value through the mapping and writes an answer the owner reads
 * in its own memory; the owner revokes, and the user's next read through the window is a
 * storage violation at the window's address (the mapping is gone from its page table). The
 * outsider, which the policy gives no ShareMemory with the owner, is refused MAP and GRANT with
 * H_AUTHORITY, and both denials are audited.
 */
import { expect } from 'chai';
import { Run, run, show } from './helpers';

const BUILD = 'build/test/share';
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];

function platformOf(machine: 'pseries' | 'powernv9'): string {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

/** The lines of `out` with prefix `[name] `, without the prefix. */
function linesOf(out: string, name: string): string[] {
  return out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));
}

describe('memory shared through grants', function () {
  this.timeout(900_000);
  before(async function () {
    this.timeout(900_000);
    for (const machine of MACHINES) {
      const b = await run('bash', ['scripts/build-image.sh', platformOf(machine)], { CONFIG: 'share', NAME: 'share', BUILD });
      if (b.status !== 0) throw new Error(`build for ${machine} failed:\n${show(b)}`);
    }
  });

  for (const machine of MACHINES) {
    describe(`on ${machine}`, function () {
      let share: Run;
      before(async function () {
        this.timeout(300_000);
        share = await run('scripts/run-image.sh', [machine, `${BUILD}/share-${platformOf(machine)}.bin`], { QEMU_TIMEOUT: '120' });
      });

      it('GRANT, MAP: the user reads the owner\'s value through its window and writes the answer back', () => {
        const out = share.stdout;
        expect(out, show(share)).to.contain("[hv] sHype: policy 'share', 3 labels");
        expect(linesOf(out, 'owner')).to.include.members([
          'owner: grant status 0', 'owner: grant reference 0', 'owner: the user wrote 20261208']);
        expect(linesOf(out, 'user')).to.include.members([
          'user: map status 0', 'user: writable 1', 'user: unmap of an empty window page, status -7',
          'user: read through the mapping 20261207', 'user: wrote the answer; reading until the owner revokes']);
      });

      it('REVOKE: the mapping is removed before it returns; the user\'s next read faults at the window', () => {
        const out = share.stdout;
        expect(linesOf(out, 'owner'), show(share)).to.include.members([
          'owner: revoke status 0', 'owner: mappings removed 1', 'owner: revoke again status -7', 'owner: done']);
        expect(out).to.match(/\[hv\] partition 'user' crashed: access outside its memory to 0x0000008000000000 at nip 0x[0-9a-f]+ \(vector 0xe00\)/);
        expect(linesOf(out, 'user')).to.not.include('user: still mapped after the owner revoked (wrong)');
        expect(out).to.match(/\[hv\] {3}'owner' halted, status 0,/);
      });

      it('the outsider is refused MAP and GRANT with H_AUTHORITY, and the denials are audited', () => {
        const out = share.stdout;
        expect(linesOf(out, 'outsider'), show(share)).to.include.members(['outsider: map status -10', 'outsider: grant status -10']);
        expect(out).to.match(/\[hv\] {3}'outsider' halted, status 0,/);
        const audits = out.split('\n').filter(l => l.startsWith('[hv]   audit: outsider op 14 on owner denied by rule'));
        expect(audits.length, show(share)).to.be.at.least(1);
        expect(out.split('\n').filter(l => l.startsWith('[hv]   audit: ') && !l.includes('outsider'))).to.deep.equal([]);
        expect(share.status).to.equal(0);
      });
    });
  }
});
