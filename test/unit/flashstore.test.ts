/**
 * The persistent-state format (arch/ppc64/powernv/flashstore.ts), in Node: CRC-32 known
 * answers, seal/check round trip, every single-bit flip of a copy refused, the newest valid
 * copy chosen, records, and a two-copy flash whose save is cut short at every byte: the state
 * read afterwards is always the old one or the new one, never lost.
 */
import { expect } from 'chai';
import { crc32 as zlibCrc32 } from 'zlib';
import {
  checkCopy, COPY_HEADER, copyLength, copySequence, CopyStatus, crc32, findRecord, newestCopy, putRecordBytes, putRecordU64,
  recordBytes, recordU64, removeRecord, sealCopy, TAG_BOOT_COUNT,
} from '../../arch/ppc64/powernv/flashstore';

const ROOM = 0x1000;

/** A sealed copy holding a boot count record (and `extra` more records), in an erased ROOM. */
function copyWith(seq: bigint, count: bigint, extra = 0): Uint8Array {
  const c = new Uint8Array(ROOM).fill(0xff);
  let len = putRecordU64(c, 0, TAG_BOOT_COUNT, count);
  for (let i = 0; i < extra; i++) len = putRecordU64(c, len, 0x100 + i, BigInt(i) * 3n);
  sealCopy(c, seq, len);
  return c;
}

describe('persistent-state copies (arch/ppc64/powernv/flashstore.ts)', () => {
  it('crc32: the IEEE CRC-32 of zlib', () => {
    const s = new TextEncoder().encode('123456789');
    expect(crc32(0, s, 0, s.length)).to.equal(0xcbf43926);
    const r = new Uint8Array(777).map((_, i) => (i * 31 + 7) & 0xff);
    expect(crc32(crc32(0, r, 0, 300), r, 300, 777)).to.equal(zlibCrc32(r));
  });

  it('sealCopy/checkCopy: round trip of sequence, length and records', () => {
    const c = copyWith(41n, 7n, 3);
    expect(checkCopy(c, ROOM)).to.equal(CopyStatus.Valid);
    expect(copySequence(c)).to.equal(41n);
    expect(copyLength(c)).to.equal(4 * 12);
    expect(recordU64(c, copyLength(c), TAG_BOOT_COUNT, 0n)).to.equal(7n);
    expect(recordU64(c, copyLength(c), 0x102, 0n)).to.equal(6n);
    expect(recordU64(c, copyLength(c), 0x999, 5n)).to.equal(5n);
    expect(findRecord(c, copyLength(c), 0x999)).to.equal(-1);
  });

  it('putRecordU64: replaces a record in place, appends a new one, refuses when full', () => {
    const c = copyWith(1n, 1n);
    expect(putRecordU64(c, 12, TAG_BOOT_COUNT, 2n)).to.equal(12);
    expect(recordU64(c, 12, TAG_BOOT_COUNT, 0n)).to.equal(2n);
    const small = new Uint8Array(COPY_HEADER + 20);
    expect(putRecordU64(small, 0, 5, 1n)).to.equal(12);
    expect(putRecordU64(small, 12, 6, 1n)).to.equal(-1);
  });

  it('putRecordBytes/recordBytes/removeRecord: byte records of any size, replaced, removed, refused when full', () => {
    const c = new Uint8Array(COPY_HEADER + 100).fill(0xff);
    const a = new Uint8Array(30).map((_, i) => i + 1);
    const b = new Uint8Array(20).fill(0xbb);
    let len = putRecordBytes(c, 0, 0x200, a, 30);
    len = putRecordBytes(c, len, TAG_BOOT_COUNT, new Uint8Array(8), 8);
    len = putRecordBytes(c, len, 0x201, b, 20);
    expect(len).to.equal(34 + 12 + 24);
    const out = new Uint8Array(64);
    expect(recordBytes(c, len, 0x200, out)).to.equal(30);
    expect([...out.subarray(0, 30)]).to.deep.equal([...a]);
    len = putRecordBytes(c, len, 0x200, b, 10);   // replaced: moved to the end, smaller
    expect(len).to.equal(12 + 24 + 14);
    expect(recordBytes(c, len, 0x200, out)).to.equal(10);
    expect(recordBytes(c, len, 0x201, out)).to.equal(20);
    expect(recordU64(c, len, TAG_BOOT_COUNT, 9n)).to.equal(0n);
    expect(putRecordBytes(c, len, 0x202, new Uint8Array(60), 60)).to.equal(-1);   // 50 + 64 > 100
    expect(recordBytes(c, len, 0x201, new Uint8Array(5))).to.equal(-1);
    len = removeRecord(c, len, 0x201);
    expect(len).to.equal(12 + 14);
    expect(recordBytes(c, len, 0x201, out)).to.equal(-1);
    expect(recordBytes(c, len, 0x200, out)).to.equal(10);
    expect(putRecordBytes(c, len, 0, a, 1)).to.equal(-1);
    sealCopy(c, 3n, len);
    expect(checkCopy(c, 0x1000)).to.equal(CopyStatus.Valid);
  });

  it('checkCopy: erased flash, another magic, version, length', () => {
    expect(checkCopy(new Uint8Array(ROOM).fill(0xff), ROOM)).to.equal(CopyStatus.Erased);
    expect(checkCopy(new Uint8Array(ROOM), ROOM)).to.equal(CopyStatus.BadMagic);
    const v = copyWith(1n, 1n);
    v[5] = 2;
    expect(checkCopy(v, ROOM)).to.equal(CopyStatus.BadVersion);
    const l = copyWith(1n, 1n);
    l[0x10] = 0x7f;
    expect(checkCopy(l, ROOM)).to.equal(CopyStatus.BadLength);
  });

  it('checkCopy: every single-bit flip of the header and the data is refused', () => {
    const c = copyWith(9n, 123n, 2);
    const used = COPY_HEADER + copyLength(c);
    for (let bit = 0; bit < used * 8; bit++) {
      const b = c.slice();
      b[bit >> 3] ^= 0x80 >> (bit & 7);
      expect(checkCopy(b, ROOM), `bit ${bit}`).to.not.equal(CopyStatus.Valid);
    }
  });

  it('newestCopy: the valid copy with the higher sequence number, or none', () => {
    expect(newestCopy(true, 3n, true, 4n)).to.equal(1);
    expect(newestCopy(true, 5n, true, 4n)).to.equal(0);
    expect(newestCopy(false, 9n, true, 4n)).to.equal(1);
    expect(newestCopy(true, 1n, false, 0n)).to.equal(0);
    expect(newestCopy(false, 0n, false, 0n)).to.equal(-1);
  });

  it('a save cut short at any byte leaves the old state or the new one, never none', () => {
    // flash: copy 0 holds seq 1 (count 1); the save of seq 2 (count 2) goes to copy 1
    const flash = [copyWith(1n, 1n, 1), new Uint8Array(ROOM).fill(0xff)];
    const next = copyWith(2n, 2n, 1);
    const bytes = COPY_HEADER + copyLength(next);
    for (let cut = 0; cut <= bytes; cut++) {
      const torn = new Uint8Array(ROOM).fill(0xff);   // erased, then written up to the cut
      torn.set(next.subarray(0, cut));
      const copies = [flash[0], torn];
      const st = copies.map(c => checkCopy(c, ROOM));
      const pick = newestCopy(st[0] === CopyStatus.Valid, copySequence(copies[0]), st[1] === CopyStatus.Valid, copySequence(copies[1]));
      expect(pick, `cut at ${cut}`).to.equal(cut === bytes ? 1 : 0);
      const c = copies[pick];
      expect(recordU64(c, copyLength(c), TAG_BOOT_COUNT, 0n)).to.equal(cut === bytes ? 2n : 1n);
    }
  });
});
