/**
 * The OpenPOWER formats of tshype-flash: FFS partition tables (write/read round trip and every
 * refusal of the reader), secure-boot containers (signatures checked with Node's crypto, every
 * single-bit flip of the header and of a payload refused, every refusal class), the PNOR image
 * and the command line's messages and exit codes.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import { createECDH, createPrivateKey, createPublicKey, verify } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ENTRY_BYTES, FfsError, FfsTable, HEADER_BYTES, MISC, PartType, readTable, userFlagString, writeTable, xorWords,
} from '../../scripts/flash/ffs';
import {
  CONTAINER_MAGIC, declaredLength, generateKeys, HEADERS_SIZE, hwKeyHash, KEY_BYTES, OFF, PREFIX_HEADER_BYTES, publicKeyFromRaw,
  rawPublicKey, sha512, SIG_BYTES, signContainer, swHeaderOffset, SW_HEADER_BYTES, verifyContainer,
} from '../../scripts/flash/container';
import { buildPnor, checkPnor, layout, PNOR_SIZE, preservePartitions, STATE, BOOTKERNEL } from '../../scripts/flash/pnor';

const CLI = path.join(__dirname, '..', '..', 'scripts', 'flash', 'tshype-flash.cjs');

/** A minimal 64-bit big-endian ppc64 executable that skiboot would start (entry in its PT_LOAD). */
function ppc64Elf(size = 0x400): Buffer {
  const b = Buffer.alloc(size);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1]).copy(b);
  b.writeUInt16BE(2, 16);
  b.writeUInt16BE(21, 18);
  b.writeUInt32BE(1, 20);
  b.writeBigUInt64BE(0x40n, 24);
  b.writeBigUInt64BE(64n, 32);
  b.writeUInt16BE(64, 52);
  b.writeUInt16BE(56, 54);
  b.writeUInt16BE(1, 56);
  b.writeUInt32BE(1, 64);
  b.writeBigUInt64BE(0x100n, 72);
  b.writeBigUInt64BE(0n, 80);
  b.writeBigUInt64BE(BigInt(size - 0x100), 96);
  b.writeBigUInt64BE(BigInt(size - 0x100), 104);
  return b;
}

const part = (name: string, base: number, size: number, type = PartType.Data) =>
  ({ name, base, size, actual: size, type, flags: 0, datainteg: 0, vercheck: 0, miscflags: 0 });

function table(): FfsTable {
  return {
    blockSize: 0x1000, blockCount: 64, tableSize: 0x1000,
    partitions: [part('part', 0, 0x1000, PartType.Partition), part('BOOTKERNEL', 0x1000, 0x8000), { ...part('NVRAM', 0x10000, 0x4000), miscflags: MISC.preserved }],
  };
}

/** A flash of the table's size holding the table. */
function flashOf(t: FfsTable): Buffer {
  const img = Buffer.alloc(t.blockCount * t.blockSize, 0xff);
  writeTable(t).copy(img);
  return img;
}

/** Re-seal entry `i`'s (or the header's, i = -1) checksum after an edit, so that a later check is reached. */
function reseal(img: Buffer, i: number): void {
  const at = i < 0 ? 0 : HEADER_BYTES + i * ENTRY_BYTES;
  const len = i < 0 ? HEADER_BYTES : ENTRY_BYTES;
  img.writeUInt32BE(0, at + len - 4);
  img.writeUInt32BE(xorWords(img.subarray(at, at + len)), at + len - 4);
}

function refusal(img: Buffer): string {
  try {
    readTable(img);
  } catch (e) {
    expect(e).to.be.instanceOf(FfsError);
    return (e as Error).message;
  }
  throw new Error('the table was accepted');
}

describe('FFS partition table (scripts/flash/ffs.ts)', () => {
  it('writeTable/readTable: round trip of every field', () => {
    const t = table();
    t.partitions[1].actual = 0x1234;
    t.partitions[1].flags = 0;
    t.partitions[2].datainteg = 0x8000;
    const back = readTable(flashOf(t));
    expect(back).to.deep.equal(t);
  });

  it('writeTable: header and entries XOR to zero, ids count from 1, sizes in blocks', () => {
    const img = flashOf(table());
    expect(img.readUInt32BE(0)).to.equal(0x50415254);
    expect(xorWords(img.subarray(0, HEADER_BYTES))).to.equal(0);
    for (let i = 0; i < 3; i++) {
      const e = img.subarray(HEADER_BYTES + i * ENTRY_BYTES, HEADER_BYTES + (i + 1) * ENTRY_BYTES);
      expect(xorWords(e)).to.equal(0);
      expect(e.readUInt32BE(0x1c)).to.equal(i + 1);
    }
    expect(img.readUInt32BE(HEADER_BYTES + ENTRY_BYTES + 0x10)).to.equal(1);   // BOOTKERNEL base in blocks
  });

  it('userFlagString: the letters pflash prints', () => {
    expect(userFlagString({ datainteg: 0x8000, vercheck: 0, miscflags: MISC.preserved | MISC.readonly })).to.equal('E--PR-----');
  });

  it('readTable: refuses erased flash, another magic, another version', () => {
    expect(refusal(Buffer.alloc(0x40000, 0xff))).to.match(/erased \(all 0xff\)/);
    expect(refusal(Buffer.alloc(0x40000, 0))).to.match(/magic 0x00000000 .* expected 0x50415254/);
    const v = flashOf(table());
    v.writeUInt32BE(2, 4);
    reseal(v, -1);
    expect(refusal(v)).to.equal('FFS version 2, only version 1 exists');
  });

  it('readTable: refuses a header or entry checksum mismatch, at every bit of the table', () => {
    const img = flashOf(table());
    const used = HEADER_BYTES + 3 * ENTRY_BYTES;
    for (let bit = 0; bit < used * 8; bit++) {
      const b = Buffer.from(img);
      b[bit >> 3] ^= 0x80 >> (bit & 7);
      expect(() => readTable(b), `bit ${bit}`).to.throw(FfsError);
    }
    const h = Buffer.from(img);
    h[0x1b] ^= 1;
    expect(refusal(h)).to.match(/^header checksum mismatch/);
    const e = Buffer.from(img);
    e[HEADER_BYTES + ENTRY_BYTES + 0x2b] ^= 4;
    expect(refusal(e)).to.match(/^entry 2 \("BOOTKERNEL"\): checksum mismatch/);
  });

  it('readTable: refuses overlapping partitions', () => {
    const t = table();
    const img = flashOf(t);
    img.writeUInt32BE(0x8, HEADER_BYTES + 2 * ENTRY_BYTES + 0x10);   // NVRAM base 0x10 -> 0x8 blocks
    reseal(img, 2);
    expect(refusal(img)).to.equal('partitions BOOTKERNEL (0x1000..0x9000) and NVRAM (0x8000..0xc000) overlap');
  });

  it('readTable: refuses an entry past the end of the flash', () => {
    const img = flashOf(table());
    img.writeUInt32BE(0x40, HEADER_BYTES + 2 * ENTRY_BYTES + 0x14);   // NVRAM size 4 -> 64 blocks
    reseal(img, 2);
    expect(refusal(img)).to.match(/^partition NVRAM \(0x10000\.\.0x50000\) runs past the end of the 0x40000-byte flash/);
  });

  it('readTable: refuses a flash whose size disagrees with the table, and too many entries', () => {
    expect(refusal(flashOf(table()).subarray(0, 0x20000))).to.match(/describes a 0x40000-byte flash .* the image is 0x20000 bytes/);
    const img = flashOf(table());
    img.writeUInt32BE(40, 0x10);
    reseal(img, -1);
    expect(refusal(img)).to.equal('40 entries do not fit the 4096-byte table its header declares');
  });

  it('readTable: refuses a bad name, a wrong id and non-zero reserved bytes', () => {
    const n = flashOf(table());
    n.write('BOOT KERNEL', HEADER_BYTES + ENTRY_BYTES, 'ascii');
    reseal(n, 1);
    expect(refusal(n)).to.match(/partition name "BOOT KERNEL" is not/);
    const id = flashOf(table());
    id.writeUInt32BE(7, HEADER_BYTES + ENTRY_BYTES + 0x1c);
    reseal(id, 1);
    expect(refusal(id)).to.equal('entry 2 (BOOTKERNEL): id 7, expected 2');
    const r = flashOf(table());
    r[HEADER_BYTES + ENTRY_BYTES + 0x50] = 1;
    reseal(r, 1);
    expect(refusal(r)).to.equal('entry 2 (BOOTKERNEL): reserved bytes are not zero');
  });

  it('writeTable: refuses layouts the reader would refuse', () => {
    const t = table();
    t.partitions[2].base = 0x8000;
    expect(() => writeTable(t)).to.throw(FfsError, /overlap/);
    const u = table();
    u.partitions[1].name = 'A_NAME_TOO_LONG_X';
    expect(() => writeTable(u)).to.throw(FfsError, /1–15 characters/);
  });
});

describe('secure-boot container (scripts/flash/container.ts)', function () {
  this.timeout(300000);
  const keys = generateKeys();
  const trust = { hwKeyHash: hwKeyHash(keys) };
  const payload = ppc64Elf(0x200);
  const c = signContainer(payload, keys);

  it('signContainer: layout of libstb/container.h (magic, sizes, hashes, zero padding)', () => {
    expect(c.length).to.equal(HEADERS_SIZE + payload.length);
    expect(c.readUInt32BE(0)).to.equal(CONTAINER_MAGIC);
    expect(c.readBigUInt64BE(OFF.containerSize)).to.equal(BigInt(c.length));
    const sw = swHeaderOffset(1);
    expect(sw).to.equal(OFF.prefixData + 4 * SIG_BYTES);
    expect(c.subarray(sw + 33, sw + 97)).to.deep.equal(sha512(payload));
    expect(c.readBigUInt64BE(sw + 25)).to.equal(BigInt(payload.length));
    const swKey = c.subarray(OFF.prefixData + 3 * SIG_BYTES, OFF.prefixData + 3 * SIG_BYTES + KEY_BYTES);
    expect(c.subarray(OFF.prefix + 33, OFF.prefix + 97)).to.deep.equal(sha512(swKey));
    expect(c.subarray(sw + SW_HEADER_BYTES + SIG_BYTES, HEADERS_SIZE).every(x => x === 0)).to.equal(true);
    expect(c.subarray(HEADERS_SIZE)).to.deep.equal(payload);
    expect(declaredLength(Buffer.concat([c, Buffer.alloc(100, 0xff)]))).to.equal(c.length);
  });

  it('signContainer: signatures verify with Node\'s crypto directly (ECDSA P-521, SHA-512, r‖s)', () => {
    const prefix = c.subarray(OFF.prefix, OFF.prefix + PREFIX_HEADER_BYTES);
    keys.hw.forEach((k, i) => {
      const raw = c.subarray(OFF.hwKeys + i * KEY_BYTES, OFF.hwKeys + (i + 1) * KEY_BYTES);
      expect(raw).to.deep.equal(rawPublicKey(k));
      const sig = c.subarray(OFF.prefixData + i * SIG_BYTES, OFF.prefixData + (i + 1) * SIG_BYTES);
      expect(verify('sha512', prefix, { key: createPublicKey(k), dsaEncoding: 'ieee-p1363' }, sig)).to.equal(true);
    });
    const sw = c.subarray(swHeaderOffset(1), swHeaderOffset(1) + SW_HEADER_BYTES);
    const sig = c.subarray(swHeaderOffset(1) + SW_HEADER_BYTES, swHeaderOffset(1) + SW_HEADER_BYTES + SIG_BYTES);
    expect(verify('sha512', sw, { key: createPublicKey(keys.sw[0]), dsaEncoding: 'ieee-p1363' }, sig)).to.equal(true);
    expect(hwKeyHash(keys)).to.deep.equal(sha512(Buffer.concat(keys.hw.map(rawPublicKey))));
    expect(publicKeyFromRaw(Buffer.alloc(KEY_BYTES, 1))).to.equal(undefined);
  });

  it('verifyContainer: accepts it, with and without a trust anchor', () => {
    const r = verifyContainer(c, trust);
    expect(r.message).to.match(/^OK: container verified \(payload 512 bytes, 3 HW \+ 1 SW signatures, trusted hardware keys\)$/);
    expect(r.info!.payloadSha512).to.deep.equal(sha512(payload));
    expect(verifyContainer(c).message).to.match(/NOT checked against a trusted hw-key-hash/);
  });

  it('verifyContainer: refuses every single-bit flip of the 4096-byte header', () => {
    for (let bit = 0; bit < HEADERS_SIZE * 8; bit++) {
      const b = Buffer.from(c);
      b[bit >> 3] ^= 0x80 >> (bit & 7);
      const r = verifyContainer(b, trust);
      if (r.ok) throw new Error(`header bit ${bit} (byte 0x${(bit >> 3).toString(16)}) flipped, still verified`);
    }
  });

  it('verifyContainer: refuses every single-bit flip of the payload (bad hash)', () => {
    for (let bit = 0; bit < payload.length * 8; bit++) {
      const b = Buffer.from(c);
      b[HEADERS_SIZE + (bit >> 3)] ^= 0x80 >> (bit & 7);
      const r = verifyContainer(b, trust);
      expect(r.ok, `payload bit ${bit}`).to.equal(false);
      expect(r.message).to.match(/^payload SHA-512 mismatch: header says [0-9a-f]{32}…, payload is [0-9a-f]{32}… \(corrupt, do not flash\)$/);
    }
  });

  it('verifyContainer: wrong magic and foreign files are named', () => {
    const m = Buffer.from(c);
    m[3] ^= 1;
    expect(verifyContainer(m)).to.include({ ok: false, notContainer: true });
    expect(verifyContainer(m).message).to.equal('not a secure-boot container: starts with 0x17082010, expected the magic 0x17082011');
    expect(verifyContainer(payload).message).to.equal('not a secure-boot container: this is an ELF file (64-bit big-endian PowerPC64 executable), expected the magic 0x17082011');
    expect(verifyContainer(Buffer.alloc(0)).message).to.match(/this is an empty file/);
    expect(verifyContainer(Buffer.from('PART\0\0\0\x01')).message).to.match(/PNOR flash image/);
  });

  it('verifyContainer: truncated payload, trailing data, truncated header', () => {
    expect(verifyContainer(c.subarray(0, c.length - 1)).message).to.equal('truncated: the header declares a 512-byte payload, only 511 bytes follow it');
    expect(verifyContainer(Buffer.concat([c, Buffer.alloc(3, 0xff)])).message).to.match(/^3 bytes of trailing data after the 512-byte payload/);
    expect(verifyContainer(c.subarray(0, 2000)).message).to.equal('truncated: 2000 bytes, shorter than the 4096-byte container header');
  });

  it('verifyContainer: a bad signature, and a container signed with other keys', () => {
    const s = Buffer.from(c);
    s[OFF.prefixData + 2 * SIG_BYTES + 70] ^= 0x10;
    expect(verifyContainer(s, trust).message).to.equal("bad signature: hardware key C's signature of the prefix header does not verify");
    const other = signContainer(payload, generateKeys());
    expect(verifyContainer(other).ok).to.equal(true);
    expect(verifyContainer(other, trust).message).to.match(/^signed with other hardware keys: their hash is [0-9a-f]{32}…, the trusted hw-key-hash is [0-9a-f]{32}…$/);
    // a forger who re-signs the software header with his own SW key but keeps our HW keys
    const forged = Buffer.from(c);
    const evil = generateKeys();
    const raw = rawPublicKey(evil.sw[0]);
    raw.copy(forged, OFF.prefixData + 3 * SIG_BYTES);
    sha512(raw).copy(forged, OFF.prefix + 33);
    expect(verifyContainer(forged, trust).message).to.equal("bad signature: hardware key A's signature of the prefix header does not verify");
  });
});

describe('PNOR image (scripts/flash/pnor.ts)', function () {
  this.timeout(60000);
  const keys = generateKeys();
  const trust = { hwKeyHash: hwKeyHash(keys) };
  const c = signContainer(ppc64Elf(0x800), keys);

  it('buildPnor/checkPnor: the layout, the container in BOOTKERNEL, the version', () => {
    const img = buildPnor(c, '1.2.3-test', trust);
    expect(img.length).to.equal(PNOR_SIZE);
    const r = checkPnor(img, trust);
    expect(r.version).to.equal('1.2.3-test');
    expect(r.container).to.deep.equal(c);
    expect(r.table.partitions.map(p => p.name)).to.deep.equal(layout().partitions.map(p => p.name));
    const state = r.table.partitions.find(p => p.name === STATE)!;
    expect(img.subarray(state.base, state.base + state.size).every(x => x === 0xff)).to.equal(true);
    expect(r.table.partitions.find(p => p.name === BOOTKERNEL)!.actual).to.equal(c.length);
  });

  it('buildPnor: refuses a container that does not verify or does not hold a skiboot payload', () => {
    const bad = Buffer.from(c);
    bad[HEADERS_SIZE + 5] ^= 1;
    expect(() => buildPnor(bad, 'v', trust)).to.throw(/does not verify: payload SHA-512 mismatch/);
    const notElf = signContainer(Buffer.from('just text, not a kernel'), keys);
    expect(() => buildPnor(notElf, 'v', trust)).to.throw(/not a skiboot payload: not an ELF file/);
  });

  it('preservePartitions: NVRAM, TSHYPE_STATE and TSHYPE_VTPM come from the old image, nothing else does', () => {
    const old = buildPnor(c, 'old', trust);
    old.write('state', 0x100000);
    old.write('nvram', 0x10000);
    const c2 = signContainer(ppc64Elf(0x900), keys);
    const img = buildPnor(c2, 'new', trust);
    expect(preservePartitions(img, old)).to.deep.equal(['NVRAM', STATE, 'TSHYPE_VTPM']);
    expect(img.toString('latin1', 0x100000, 0x100005)).to.equal('state');
    expect(img.toString('latin1', 0x10000, 0x10005)).to.equal('nvram');
    expect(checkPnor(img, trust).container).to.deep.equal(c2);
    expect(checkPnor(img, trust).version).to.equal('new');
    expect(preservePartitions(img, Buffer.alloc(PNOR_SIZE, 0xff))).to.deep.equal([]);
  });

  it('checkPnor: a damaged BOOTKERNEL is refused', () => {
    const img = buildPnor(c, 'v', trust);
    img[0x200000 + HEADERS_SIZE + 0x300] ^= 2;
    expect(() => checkPnor(img, trust)).to.throw(/^BOOTKERNEL: payload SHA-512 mismatch/);
  });
});

describe('tshype-flash keygen, sign, verify-container, pnor, verify-pnor', function () {
  this.timeout(120000);
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-pnor-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keygen, sign, verify-container, pnor, verify-pnor: exit 0, and keygen never overwrites keys', () => {
    const keys = path.join(dir, 'keys');
    expect(run('keygen', keys).status).to.equal(0);
    expect(fs.statSync(path.join(keys, 'hw-a.pem')).mode & 0o777).to.equal(0o600);
    const again = run('keygen', keys);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/hw-a\.pem: a key is already there; keygen never overwrites keys/);
    fs.writeFileSync(path.join(dir, 'p.elf'), ppc64Elf(0x800));
    const s = run('sign', '--keys', keys, '--in', path.join(dir, 'p.elf'), '--out', path.join(dir, 'p.container'));
    expect(s.status, s.stderr).to.equal(0);
    const v = run('verify-container', path.join(dir, 'p.container'), '--keys', keys);
    expect(v.status, v.stderr).to.equal(0);
    expect(v.stdout).to.match(/OK: container verified .* trusted hardware keys/);
    const p = run('pnor', '--keys', keys, '--bootkernel', path.join(dir, 'p.container'), '--out', path.join(dir, 't.pnor'), '--version', 'unit-1');
    expect(p.status, p.stderr).to.equal(0);
    const vp = run('verify-pnor', path.join(dir, 't.pnor'), '--hw-key-hash', path.join(keys, 'hw-key-hash'));
    expect(vp.status, vp.stderr).to.equal(0);
    expect(vp.stdout).to.contain('version unit-1');
  });

  it('refusals: FILE: message and the class exit code', () => {
    const keys = path.join(dir, 'keys');
    const cont = fs.readFileSync(path.join(dir, 'p.container'));
    const write = (name: string, b: Buffer): string => { const f = path.join(dir, name); fs.writeFileSync(f, b); return f; };
    const flipped = Buffer.from(cont);
    flipped[HEADERS_SIZE + 9] ^= 1;
    const f1 = write('bad-hash', flipped);
    let r = run('verify-container', f1, '--keys', keys);
    expect([r.status, r.stderr]).to.deep.equal([5, `${f1}: payload SHA-512 mismatch: header says ${sha512(cont.subarray(HEADERS_SIZE)).toString('hex').slice(0, 32)}…, payload is ${sha512(flipped.subarray(HEADERS_SIZE)).toString('hex').slice(0, 32)}… (corrupt, do not flash)\n`]);
    r = run('verify-container', path.join(dir, 'p.elf'));
    expect(r.status).to.equal(4);
    expect(r.stderr).to.match(/p\.elf: not a secure-boot container: this is an ELF file/);
    const other = path.join(dir, 'other');
    run('keygen', other);
    r = run('verify-container', path.join(dir, 'p.container'), '--keys', other);
    expect(r.status).to.equal(8);
    r = run('sign', '--keys', keys, '--in', f1, '--out', path.join(dir, 'x'));
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/not a skiboot payload \(an OpenPOWER secure boot container/);
    const damaged = fs.readFileSync(path.join(dir, 't.pnor'));
    damaged[HEADER_BYTES + ENTRY_BYTES + 0x20] ^= 1;
    const f2 = write('damaged.pnor', damaged);
    r = run('verify-pnor', f2);
    expect(r.status).to.equal(5);
    expect(r.stderr).to.equal(`${f2}: entry 2 ("VERSION"): checksum mismatch (its words XOR to 0x01000000, not 0)\n`);
    r = run('verify-pnor', path.join(dir, 'p.elf'));
    expect(r.status).to.equal(4);
    r = run('verify-pnor', path.join(dir, 'nothing-here'));
    expect(r.status).to.equal(3);
    expect(fs.existsSync(path.join(dir, 'x'))).to.equal(false);
  });

  it('sign: a key that is not P-521 is refused, naming the file', () => {
    const keys = path.join(dir, 'p256');
    fs.cpSync(path.join(dir, 'keys'), keys, { recursive: true });
    const ecdh = createECDH('prime256v1');
    const pt = ecdh.generateKeys();
    const jwk = { kty: 'EC', crv: 'P-256', d: ecdh.getPrivateKey().toString('base64url'), x: pt.subarray(1, 33).toString('base64url'), y: pt.subarray(33).toString('base64url') };
    fs.writeFileSync(path.join(keys, 'sw-p.pem'), createPrivateKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }));
    const r = run('sign', '--keys', keys, '--in', path.join(dir, 'p.elf'), '--out', path.join(dir, 'y'));
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal(`tshype-flash: ${path.join(keys, 'sw-p.pem')}: key type ec on prime256v1, not ECDSA P-521 (secp521r1)\n`);
  });
});
