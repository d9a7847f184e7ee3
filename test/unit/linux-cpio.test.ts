/**
 * scripts/linux/cpio.ts: the newc writer behind the test initramfs. A small tree (directory,
 * file, symbolic link) plus a device node is archived through the command line and read back
 * with an independent parser: headers, modes, device numbers, contents, 4-byte padding, the
 * trailer, and byte-identical output on a second run.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const TOP = path.resolve(__dirname, '..', '..');

interface Member { name: string; mode: number; size: number; rdev: [number, number]; nlink: number; data: Buffer }

/** Parse a newc archive; checks the magic and the alignment of every part. */
function parse(a: Buffer): Member[] {
  const out: Member[] = [];
  let p = 0;
  for (;;) {
    expect(a.toString('ascii', p, p + 6)).to.equal('070701');
    const f = (i: number): number => parseInt(a.toString('ascii', p + 6 + 8 * i, p + 14 + 8 * i), 16);
    const [mode, nlink, size, major, minor, namesize] = [f(1), f(4), f(6), f(9), f(10), f(11)];
    const name = a.toString('ascii', p + 110, p + 110 + namesize - 1);
    expect(a[p + 110 + namesize - 1]).to.equal(0);
    let q = p + 110 + namesize;
    q += (4 - (q % 4)) % 4;
    const data = a.subarray(q, q + size);
    q += size;
    q += (4 - (q % 4)) % 4;
    if (name === 'TRAILER!!!') {
      expect(q).to.equal(a.length);
      return out;
    }
    out.push({ name, mode, size, rdev: [major, minor], nlink, data });
    p = q;
  }
}

describe('scripts/linux/cpio.ts', () => {
  it('cpio.ts: archives a tree and device nodes as newc, sorted, reproducibly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-cpio-'));
    try {
      const root = path.join(dir, 'root');
      fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
      fs.mkdirSync(path.join(root, 'dev'));
      fs.writeFileSync(path.join(root, 'init'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
      fs.chmodSync(path.join(root, 'init'), 0o755);
      fs.writeFileSync(path.join(root, 'bin', 'busybox'), Buffer.from([1, 2, 3]));
      fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o644);
      fs.symlinkSync('/bin/busybox', path.join(root, 'bin', 'sh'));
      const run = (out: string): void => {
        const r = spawnSync('node', ['-r', './scripts/tsnc/register.cjs', 'scripts/linux/cpio.ts', root, out,
          '--nod', 'dev/console:c:5:1:600'], { cwd: TOP, encoding: 'utf8' });
        expect(r.status, r.stderr).to.equal(0);
      };
      run(path.join(dir, 'a.cpio'));
      const a = fs.readFileSync(path.join(dir, 'a.cpio'));
      const m = parse(a);
      expect(m.map(e => e.name)).to.deep.equal(['bin', 'bin/busybox', 'bin/sh', 'dev', 'dev/console', 'init']);
      const by = new Map(m.map(e => [e.name, e]));
      expect(by.get('bin')!.mode & 0o170000).to.equal(0o040000);
      expect(by.get('bin')!.nlink).to.equal(2);
      expect(by.get('bin/busybox')!.mode).to.equal(0o100644);
      expect([...by.get('bin/busybox')!.data]).to.deep.equal([1, 2, 3]);
      expect(by.get('bin/sh')!.mode).to.equal(0o120777);
      expect(by.get('bin/sh')!.data.toString()).to.equal('/bin/busybox');
      expect(by.get('dev/console')!.mode).to.equal(0o020600);
      expect(by.get('dev/console')!.rdev).to.deep.equal([5, 1]);
      expect(by.get('init')!.mode).to.equal(0o100755);
      expect(by.get('init')!.data.toString()).to.equal('#!/bin/sh\necho hi\n');
      run(path.join(dir, 'b.cpio'));
      expect(fs.readFileSync(path.join(dir, 'b.cpio')).equals(a)).to.equal(true);
      // a node that clashes with the tree is refused and nothing is written
      const r = spawnSync('node', ['-r', './scripts/tsnc/register.cjs', 'scripts/linux/cpio.ts', root,
        path.join(dir, 'c.cpio'), '--nod', 'init:c:1:3:666'], { cwd: TOP, encoding: 'utf8' });
      expect(r.status).to.equal(1);
      expect(r.stderr).to.contain('--nod init: already in');
      expect(fs.existsSync(path.join(dir, 'c.cpio'))).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
