/**
 * Flashing like an OpenPOWER server: `make flash` writes build/…/tshype.pnor; Debian's pflash
 * lists its partition table as tshype-flash does; QEMU's skiboot boots tshype from the PNOR
 * drive alone (no -kernel) and the partitions run; a new build written with
 * `pflash -P BOOTKERNEL -e -p` is what the next boot runs; tshype's persistent state in
 * TSHYPE_STATE (written through OPAL's flash calls) survives from one QEMU run to the next and
 * a BOOTKERNEL update, and a torn copy is recovered from the other; the same for the
 * non-volatile store in TSHYPE_VTPM (lpar/nvstore.ts), where the vTPM keeps its instances.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { run, show, TOP } from './helpers';

const BUILD = 'build/st-pnor';
const PNOR = `${BUILD}/tshype.pnor`;
const KEYS = `${BUILD}/keys`;
const FLASH = ['scripts/flash/tshype-flash.cjs'];
/** The start of the non-volatile store's line (hv/persist.ts) for the PNOR's TSHYPE_VTPM. */
const STORE_LINE = '[hv] non-volatile store: PNOR TSHYPE_VTPM, 512 KiB, 8 vTPM slots; ';
const PFLASH = fs.existsSync('/usr/sbin/pflash') ? '/usr/sbin/pflash' : 'pflash';

/** The payload SHA-512 a container records (tshype-flash verify-container's sha512 line). */
async function containerHash(file: string): Promise<string> {
  const r = await run('node', [...FLASH, 'verify-container', file, '--keys', KEYS]);
  expect(r.status, show(r)).to.equal(0);
  return /sha512\s+([0-9a-f]{128})/.exec(r.stdout)![1];
}

async function bootPnor(): Promise<string> {
  const r = await run('scripts/run-image.sh', ['powernv9-pnor', PNOR]);
  expect(r.status, show(r)).to.equal(0);
  expect(r.stdout, show(r)).to.contain('[hv] gate:');
  return r.stdout;
}

describe('PNOR flash image: pflash and skiboot', function () {
  this.timeout(600000);

  before(async () => {
    fs.rmSync(path.join(TOP, BUILD), { recursive: true, force: true });
    const r = await run('make', ['--no-print-directory', 'flash', `BUILD=${BUILD}`, `FLASH_KEYS=${KEYS}`]);
    expect(r.status, show(r)).to.equal(0);
  });

  it('pflash -i: lists the partition table exactly as tshype-flash verify-pnor does', async () => {
    const p = await run(PFLASH, ['-F', PNOR, '-i']);
    expect(p.status, show(p)).to.equal(0);
    const ours = await run('node', [...FLASH, 'verify-pnor', PNOR, '--keys', KEYS]);
    expect(ours.status, show(ours)).to.equal(0);
    const ids = (s: string): string[] => s.split('\n').map(l => l.trim()).filter(l => l.startsWith('ID='));
    expect(ids(p.stdout)).to.have.length(6);
    expect(ids(p.stdout)).to.deep.equal(ids(ours.stdout));
    expect(ids(p.stdout).join('\n')).to.match(/BOOTKERNEL 0x00200000\.\.0x01200000/).and.match(/TSHYPE_STATE 0x00100000\.\.0x00200000 .*\[---P------\]/)
      .and.match(/TSHYPE_VTPM 0x01200000\.\.0x01280000 .*\[---P------\]/);
  });

  it('powernv9-pnor: skiboot loads BOOTKERNEL from flash (no -kernel), tshype names its build and hash, partitions run', async () => {
    const version = fs.readFileSync(path.join(TOP, BUILD, 'tshype-powernv.version'), 'utf8').trim();
    const hash = await containerHash(`${BUILD}/tshype-powernv.container`);
    const out = await bootPnor();
    expect(out).to.match(/INIT: 64-bit kernel entry at 0x20011020/);   // BOOTKERNEL at 0x20000000, ELF after the 4 KiB container header
    expect(out).to.contain('[hv] tshype on powernv, configuration default');
    expect(out).to.contain(`[hv] booted from flash: tshype ${version}, BOOTKERNEL secure-boot container`);
    expect(out).to.contain(`sha512 ${hash} (computed, matches the container)`);
    expect(out).to.contain('[alpha] hello from a tshype partition');
    expect(out).to.match(/\[hv\]   'beta' halted, status 0/);
    expect(out).to.contain('[hv] persistent state: boot 1 (no valid copy: a fresh partition; copy A: erased; copy B: erased; saved copy A seq 1)');
    expect(out).to.contain(`${STORE_LINE}boot 1 (no valid copy; copy A: blank; copy B: blank; saved copy A seq 1)`);
  });

  it('pflash -P BOOTKERNEL -e -p: a new build written into the image is what the next boot runs', async () => {
    const b2 = `${BUILD}/next`;
    let r = await run('bash', ['scripts/build-image.sh', 'powernv'], { BUILD: b2, TSHYPE_VERSION: 'systest-next-build' });
    expect(r.status, show(r)).to.equal(0);
    r = await run('node', [...FLASH, 'sign', '--keys', KEYS, '--in', `${b2}/tshype-powernv.elf`, '--out', `${b2}/tshype-powernv.container`]);
    expect(r.status, show(r)).to.equal(0);
    const hash = await containerHash(`${b2}/tshype-powernv.container`);
    r = await run(PFLASH, ['-F', PNOR, '-P', 'BOOTKERNEL', '-e', '-f', '-p', `${b2}/tshype-powernv.container`]);
    expect(r.status, show(r)).to.equal(0);
    r = await run('node', [...FLASH, 'verify-pnor', PNOR, '--keys', KEYS]);
    expect(r.status, show(r)).to.equal(0);
    const out = await bootPnor();
    expect(out).to.contain('[hv] booted from flash: tshype systest-next-build, BOOTKERNEL secure-boot container');
    expect(out).to.contain(`sha512 ${hash} (computed, matches the container)`);
    expect(out).to.contain('[alpha] hello from a tshype partition');
    // the state written by the previous QEMU run, kept across the BOOTKERNEL update
    expect(out).to.contain('[hv] persistent state: boot 2 (read copy A seq 1; copy B: erased; saved copy B seq 2)');
    expect(out).to.contain(`${STORE_LINE}boot 2 (read copy A seq 1; copy B: blank; saved copy B seq 2)`);
  });

  it('persistent state: a torn copy (the newest, cut short) is refused and the other one recovered', async () => {
    // copy B (seq 2) lies at 0x180000; a write cut short leaves its data erased after 4 bytes
    const fd = fs.openSync(path.join(TOP, PNOR), 'r+');
    try {
      fs.writeSync(fd, Buffer.alloc(0x1000 - 0x24, 0xff), 0, 0x1000 - 0x24, 0x180000 + 0x24);
      // and the same in TSHYPE_VTPM: its slot 0's copy B (seq 2) at 0x1205000 (lpar/nvstore.ts COPY_ROOM)
      fs.writeSync(fd, Buffer.alloc(0x1000 - 0x24, 0xff), 0, 0x1000 - 0x24, 0x1205000 + 0x24);
    } finally {
      fs.closeSync(fd);
    }
    const out = await bootPnor();
    expect(out).to.contain('[hv] persistent state: boot 2 (read copy A seq 1; copy B: CRC mismatch (torn or damaged); saved copy B seq 2)');
    const again = await bootPnor();
    expect(again).to.contain('[hv] persistent state: boot 3 (read copy B seq 2; saved copy A seq 3)');
    expect(out).to.contain(`${STORE_LINE}boot 2 (read copy A seq 1; copy B: digest mismatch (torn or damaged); saved copy B seq 2)`);
    expect(again).to.contain(`${STORE_LINE}boot 3 (read copy B seq 2; saved copy A seq 3)`);
  });

  it('a payload damaged in flash: skiboot (no secure boot under QEMU) still runs it, tshype reports the mismatch', async () => {
    // one byte of the ELF's .strtab (symbol names, never loaded) in BOOTKERNEL, behind the tools' back
    const elf = fs.readFileSync(path.join(TOP, BUILD, 'next', 'tshype-powernv.elf'));
    const shoff = Number(elf.readBigUInt64BE(0x28)), shentsize = elf.readUInt16BE(0x3a), shnum = elf.readUInt16BE(0x3c);
    const shstr = shoff + elf.readUInt16BE(0x3e) * shentsize;
    const names = Number(elf.readBigUInt64BE(shstr + 0x18));
    let strtab = -1;
    for (let i = 0; i < shnum; i++) {
      const sh = shoff + i * shentsize;
      const name = elf.toString('latin1', names + elf.readUInt32BE(sh), names + elf.readUInt32BE(sh) + 8);
      if (name.startsWith('.strtab\0')) strtab = Number(elf.readBigUInt64BE(sh + 0x18));
    }
    expect(strtab).to.be.greaterThan(0);
    const at = 0x200000 + 0x1000 + strtab + 1;
    const fd = fs.openSync(path.join(TOP, PNOR), 'r+');
    try {
      const b = Buffer.alloc(1);
      fs.readSync(fd, b, 0, 1, at);
      b[0] ^= 0x20;
      fs.writeSync(fd, b, 0, 1, at);
    } finally {
      fs.closeSync(fd);
    }
    const r = await run('node', [...FLASH, 'verify-pnor', PNOR, '--keys', KEYS]);
    expect(r.status, show(r)).to.equal(5);
    expect(r.stderr).to.match(/BOOTKERNEL: payload SHA-512 mismatch/);
    const out = await bootPnor();
    expect(out).to.contain('STB: secure boot not supported');
    expect(out).to.match(/\[hv\]   payload \d+ bytes, sha512 [0-9a-f]{128} \(DOES NOT MATCH the container's [0-9a-f]{128}\)/);
  });
});
