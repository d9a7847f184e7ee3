/**
 * System test of the vTPM partition with four restricted-TS clients (lpar/configs/vtpm.ts), on
 * pseries and powernv9: each client's launch PCRs equal the SHA-256 chain the host computes (PCR
 * 17 from the client's program image file, 19 from the device-tree digest the hypervisor printed,
 * 20 from its label's name); a quote over them with a restricted key made in the instance
 * verifies with stock tpm2_checkquote against the key's public part, and one flipped byte of the
 * attestation is refused; the two clients read different PCRs and neither sees the other's NV
 * index; a client the policy does not let bind never reaches it. Instance state in the store
 * (H_TSHYPE_VTPM_SAVE/LOAD, lpar/nvstore.ts): the vTPM partition restarted in the middle of a
 * command finds its instances again (pseries: the NVRAM; powernv9 -bios: hypervisor memory, as
 * it has no non-volatile store), and on pseries a second boot with the same NVRAM file restores
 * them too.
 */
import { expect } from 'chai';
import { createHash, createPublicKey } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Run, run, show, TOP } from './helpers';

const BUILD = 'build/test/vtpm';
const MACHINES: ('pseries' | 'powernv9')[] = ['pseries', 'powernv9'];
const CLIENTS = ['client-a', 'client-b', 'client-c'];
const WORDS = new Map([['client-a', 'alpha'], ['client-b', 'bravo'], ['client-c', 'charlie']]);
const NONCE = Buffer.from('tshype-q').toString('hex');

function platformOf(machine: 'pseries' | 'powernv9'): string {
  return machine === 'pseries' ? 'pseries' : 'powernv';
}

/** The lines of `out` with prefix `[name] `, without the prefix. */
function linesOf(out: string, name: string): string[] {
  return out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));
}

/** The bytes of every `label <hex>` line of `lines`, joined in order. */
function hexOf(lines: string[], label: string): Buffer {
  const prefix = `vtpm-client: ${label} `;
  return Buffer.from(lines.filter(l => l.startsWith(prefix)).map(l => l.slice(prefix.length).trim()).join(''), 'hex');
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A PCR after one extend from zero with `digest`. */
function extended(digest: Buffer): string {
  return sha256(Buffer.alloc(32), digest).toString('hex');
}

/** The PCR values a client printed, by PCR number. */
function pcrsOf(lines: string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^vtpm-client: pcr (\d+)$/.exec(lines[i]);
    const v = /^vtpm-client: value ([0-9a-f]{64})$/.exec(lines[i + 1]);
    if (m && v) out.set(Number(m[1]), v[1]);
  }
  return out;
}

/** What the hypervisor said it measured for partition `name`, by PCR. */
function measuredOf(out: string, name: string): Map<number, string> {
  const re = new RegExp(`^\\[hv\\] partition '${name}' measured into PCR (\\d+): ([0-9a-f]{64})$`, 'gm');
  const m = new Map<number, string>();
  for (const x of out.matchAll(re)) m.set(Number(x[1]), x[2]);
  return m;
}

/** The PEM of the P-256 key in a TPM2B_PUBLIC (unique x and y at its end). */
function pemOf(pub: Buffer): string {
  // unique: TPMS_ECC_POINT, x and y each a TPM2B of 32 bytes
  const y = pub.subarray(pub.length - 32);
  const x = pub.subarray(pub.length - 66, pub.length - 34);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' }).toString();
}

/** Run stock tpm2_checkquote on a client's quote (optionally with one attestation byte flipped). */
async function checkQuote(lines: string[], flip: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'tshype-quote-'));
  const attest = hexOf(lines, 'attest');
  if (flip) attest[attest.length - 5] ^= 1;
  writeFileSync(join(dir, 'ak.pem'), pemOf(hexOf(lines, 'ak')));
  writeFileSync(join(dir, 'quote.msg'), attest);
  writeFileSync(join(dir, 'quote.sig'), hexOf(lines, 'signature'));
  return run('tpm2_checkquote', ['-u', join(dir, 'ak.pem'), '-m', join(dir, 'quote.msg'), '-s', join(dir, 'quote.sig'), '-g', 'sha256', '-q', NONCE]);
}

describe('the vTPM partition with restricted-TS clients', function () {
  this.timeout(900_000);
  before(async function () {
    this.timeout(900_000);
    const builds = await Promise.all(MACHINES.map(m => run('bash', ['scripts/build-image.sh', platformOf(m)], { CONFIG: 'vtpm', NAME: 'vtpm', BUILD })));
    const failed = builds.filter(b => b.status !== 0);
    if (failed.length > 0) throw new Error(failed.map(show).join('\n'));
  });

  for (const machine of MACHINES) {
    describe(`on ${machine}`, function () {
      this.timeout(300_000);
      let boot: Run;
      before(async function () {
        this.timeout(300_000);
        boot = await run('scripts/run-image.sh', [machine, `${BUILD}/vtpm-${platformOf(machine)}.bin`], { QEMU_TIMEOUT: '180' });
      });

      it('instance state: a fresh store holds none, every instance starts new; every save succeeds', () => {
        const vtpm = linesOf(boot.stdout, 'vtpm');
        expect(vtpm, show(boot)).to.include.members(['vtpm: no stored state, new instance 0', 'vtpm: no stored state, new instance 1']);
        expect(vtpm.filter(l => l.includes('SAVE failed')), show(boot)).to.deep.equal([]);
        if (machine === 'powernv9') {
          expect(boot.stdout).to.contain('[hv] non-volatile store: none on this platform; vTPM instance state is kept in hypervisor memory, 8 vTPM slots (across vTPM partition restarts, not across a power cycle)');
        }
      });

      it('the bound clients finish; the vTPM partition is still serving at shutdown', () => {
        expect(boot.status, show(boot)).to.equal(0);
        expect(boot.stdout).to.contain("[hv] sHype: policy 'vtpm', 5 labels");
        for (const c of CLIENTS) expect(linesOf(boot.stdout, c), show(boot)).to.include('vtpm-client: done');
        expect(boot.stdout).to.match(/\[hv\] {3}'vtpm' still serving at shutdown/);
        expect(linesOf(boot.stdout, 'vtpm')).to.include('vtpm: serving');
      });

      it('the launch PCRs are the SHA-256 chains of the image file, the printed device tree and the label', () => {
        const image = readFileSync('build/guests/vtpmclient.bin');
        for (const c of CLIENTS) {
          const pcrs = pcrsOf(linesOf(boot.stdout, c));
          const measured = measuredOf(boot.stdout, c);
          expect(measured.get(17), c).to.equal(sha256(image).toString('hex'));
          expect(pcrs.get(17), c).to.equal(extended(sha256(image)));
          expect(pcrs.get(18), c).to.equal('00'.repeat(32));   // no initrd
          expect(pcrs.get(19), c).to.equal(extended(Buffer.from(measured.get(19)!, 'hex')));
          expect(pcrs.get(20), c).to.equal(extended(sha256(Buffer.from(c))));
        }
        // the two clients' device trees differ (name, addresses), so do their PCR 19s
        expect(pcrsOf(linesOf(boot.stdout, 'client-a')).get(19)).to.not.equal(pcrsOf(linesOf(boot.stdout, 'client-b')).get(19));
      });

      it('a quote over the launch PCRs verifies with tpm2_checkquote; one flipped byte is refused', async () => {
        for (const c of CLIENTS) {
          const lines = linesOf(boot.stdout, c);
          const attest = hexOf(lines, 'attest');
          // TPMS_ATTEST: the PCR digest at its end is SHA-256 of the four PCR values in order
          const pcrs = pcrsOf(lines);
          const digest = sha256(...[17, 18, 19, 20].map(n => Buffer.from(pcrs.get(n)!, 'hex')));
          expect(attest.subarray(attest.length - 32).toString('hex'), c).to.equal(digest.toString('hex'));
          const good = await checkQuote(lines, false);
          expect(good.status, `${c}: ${show(good)}`).to.equal(0);
          const bad = await checkQuote(lines, true);
          expect(bad.status, `${c}: a flipped byte must be refused`).to.not.equal(0);
        }
      });

      it('BindVtpm denied (no common type): client-d never reaches the vTPM; the refusal is counted and audited', () => {
        expect(linesOf(boot.stdout, 'client-d')).to.include('vtpm-client: the vTPM did not answer the CRQ handshake');
        expect(boot.stdout).to.match(/\[hv\] {3}'client-d' halted, status 1,/);
        expect(boot.stdout).to.match(/\[hv\] {3}vtpm 'client-d' -> 'vtpm': commands 0, errors 0, rdma 0 bytes, client launches 1, vtpm restarts 1, refused by the policy [1-9]\d*/);
        expect(boot.stdout.split('\n')).to.include('[hv]   audit: client-d op 15 on vtpm denied by rule 4 (line 7: ste: subject and object labels have no common type)');
      });

      it('each client has its own instance: NV written by one is absent for the other', () => {
        for (const c of CLIENTS) {
          const lines = linesOf(boot.stdout, c);
          expect(lines.some(l => l.startsWith('vtpm-client: nv absent')), `${c}: ${lines.join('\n')}`).to.equal(true);
        }
        for (const [c, word] of WORDS) expect(hexOf(linesOf(boot.stdout, c), 'nv wrote').toString(), c).to.equal(word);
      });

      it('the vTPM partition restarted in the middle of a command: the client saw a few failed rounds, then answers, and its NV word', () => {
        const lines = linesOf(boot.stdout, 'client-c');
        const number = (label: string): number => {
          const l = lines.find(x => x.startsWith(`vtpm-client: ${label} `));
          expect(l, `${label} in ${lines.join('\n')}`).to.not.equal(undefined);
          return Number(l!.slice(`vtpm-client: ${label} `.length));
        };
        expect(boot.stdout).to.match(/\[vtpm\] vtpm: injected fault: rebooting in the middle of a command, phase 1/);
        expect(boot.stdout.match(/\[hv\] partition 'vtpm' restarting \(system-reboot\)/g), 'exactly one restart: the restarted vTPM found its state').to.have.length(1);
        expect(linesOf(boot.stdout, 'vtpm')).to.include('vtpm: stored state restored, instance 0');
        const errors = number('loop rounds with errors');
        expect(errors, 'the command in flight and the window fail visibly').to.be.within(1, 10);
        expect(number('loop rounds answered after the last error')).to.be.above(50);
        expect(hexOf(lines, 'nv after loop').toString(), 'the NV word written before the restart').to.equal('charlie');
        expect(boot.stdout).to.match(/\[hv\] {3}vtpm 'client-c' -> 'vtpm': commands \d+, errors 0, rdma \d+ bytes, client launches 1, vtpm restarts 1, refused by the policy 0/);
      });
    });
  }

  it('pseries: instance state kept in the NVRAM file: a second boot with the same file restores both instances and their NV indices', async () => {
    const nvram = `${BUILD}/nvram.bin`;
    rmSync(join(TOP, nvram), { force: true });
    const boots: Run[] = [];
    for (let i = 0; i < 2; i++) {
      boots.push(await run('scripts/run-image.sh', ['pseries', `${BUILD}/vtpm-pseries.bin`], { QEMU_TIMEOUT: '180', NVRAM: nvram }));
      expect(boots[i].status, show(boots[i])).to.equal(0);
      for (const c of CLIENTS) expect(linesOf(boots[i].stdout, c), show(boots[i])).to.include('vtpm-client: done');
    }
    expect(linesOf(boots[0].stdout, 'vtpm'), show(boots[0])).to.include.members(['vtpm: no stored state, new instance 0', 'vtpm: no stored state, new instance 1']);
    expect(linesOf(boots[1].stdout, 'vtpm'), show(boots[1])).to.include.members(['vtpm: stored state restored, instance 0', 'vtpm: stored state restored, instance 1']);
    // the NV index each client wrote in the first boot is there in the second, each in its own instance
    expect(hexOf(linesOf(boots[1].stdout, 'client-a'), 'nv found').toString(), show(boots[1])).to.equal('alpha');
    expect(hexOf(linesOf(boots[1].stdout, 'client-b'), 'nv found').toString(), show(boots[1])).to.equal('bravo');
  });
});
