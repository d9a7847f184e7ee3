/**
 * The non-volatile store's slots (lpar/nvstore.ts) in Node over the fake platform's in-memory
 * store: the copy format, the choice between copies, and crash safety — every write of a copy
 * cut short at any byte, and every torn write (any set of its blocks new, the rest old), leaves
 * the last complete image loadable (exhaustively for a small image, sampled for a 16 KiB one).
 */
import { expect } from 'chai';
import { resetPlatform, setNvReadFails, setNvStore, setNvWriteHook } from '../fake/platform';
import {
  checkNvCopy, COPY_HEADER, COPY_ROOM, FIRST_VTPM_SLOT, HV_SLOT, IMAGE_MAX, MAX_SLOTS, newestNvCopy, NV_IO_ERROR,
  NV_NO_SLOT, NvCopy, nvCopySequence, nvSlots, report, sealNvCopy, seqNewer, SLOT_BYTES, slotLoad, slotSave,
  eraseMemoryStore, storeIsNonVolatile,
} from '../../lpar/nvstore';
import { STATE_MAX } from '../../vtpm/tpm/state';

const STORE = MAX_SLOTS * SLOT_BYTES;

/** A deterministic image of `n` bytes, different for each `seed`. */
function image(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** slotLoad into a fresh IMAGE_MAX buffer: the image, or the status number. */
function load(slot: number): Uint8Array | number {
  const out = new Uint8Array(IMAGE_MAX);
  const n = slotLoad(slot, out);
  return n <= 0 ? n : out.slice(0, n);
}

/** Store offset of `slot`'s copy `c`. */
const copyAt = (slot: number, c: number): number => slot * SLOT_BYTES + c * COPY_ROOM;

beforeEach(() => {
  resetPlatform();
});

describe('non-volatile store format (lpar/nvstore.ts)', () => {
  it('IMAGE_MAX: holds a vTPM state image (vtpm/tpm/state.ts STATE_MAX) and the partition\'s 8-byte slot header, and a copy fits its room', () => {
    expect(IMAGE_MAX).to.be.at.least(STATE_MAX + 8);
    expect(COPY_HEADER + IMAGE_MAX).to.be.at.most(COPY_ROOM);
    expect(COPY_ROOM % 0x1000).to.equal(0);
  });

  it('sealNvCopy/checkNvCopy: a sealed copy is valid; blank (0x00 or 0xff) is Blank; another slot\'s copy is not valid', () => {
    const copy = new Uint8Array(COPY_ROOM);
    expect(checkNvCopy(copy, 3)).to.equal(NvCopy.Blank);
    copy.fill(0xff);
    expect(checkNvCopy(copy, 3)).to.equal(NvCopy.Blank);
    copy.set(image(100, 1), COPY_HEADER);
    sealNvCopy(copy, 3, 7n, 100);
    expect(checkNvCopy(copy, 3)).to.equal(NvCopy.Valid);
    expect(nvCopySequence(copy)).to.equal(7n);
    expect(checkNvCopy(copy, 4)).to.equal(NvCopy.BadVersion);
  });

  it('checkNvCopy: every single-bit flip in the header or the image is detected', () => {
    const copy = new Uint8Array(COPY_HEADER + 40);
    copy.set(image(40, 2), COPY_HEADER);
    sealNvCopy(copy, 1, 5n, 40);
    for (let i = 0; i < copy.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        copy[i] ^= 1 << bit;
        expect(checkNvCopy(copy, 1), `byte ${i} bit ${bit}`).to.not.equal(NvCopy.Valid);
        copy[i] ^= 1 << bit;
      }
    }
    expect(checkNvCopy(copy, 1)).to.equal(NvCopy.Valid);
  });

  it('checkNvCopy: a length of 0, past IMAGE_MAX or past the buffer is BadLength', () => {
    const copy = new Uint8Array(COPY_ROOM);
    for (const n of [0, IMAGE_MAX + 1, 0xffffffff]) {
      sealNvCopy(copy, 1, 1n, 1);
      copy[0x10] = (n >>> 24) & 0xff; copy[0x11] = (n >>> 16) & 0xff; copy[0x12] = (n >>> 8) & 0xff; copy[0x13] = n & 0xff;
      expect(checkNvCopy(copy, 1), `length ${n}`).to.equal(NvCopy.BadLength);
    }
  });

  it('newestNvCopy/seqNewer: the valid copy with the newer number, across the 2^64 wrap', () => {
    expect(newestNvCopy(true, 1n, true, 2n)).to.equal(1);
    expect(newestNvCopy(true, 3n, true, 2n)).to.equal(0);
    expect(newestNvCopy(false, 3n, true, 2n)).to.equal(1);
    expect(newestNvCopy(true, 3n, false, 9n)).to.equal(0);
    expect(newestNvCopy(false, 0n, false, 0n)).to.equal(-1);
    const max = 0xffffffffffffffffn;
    expect(seqNewer(0n, max)).to.equal(true);
    expect(seqNewer(max, 0n)).to.equal(false);
    expect(newestNvCopy(true, max, true, 0n)).to.equal(1);
    expect(newestNvCopy(true, 1n, true, max)).to.equal(0);
  });
});

describe('non-volatile store slots', () => {
  beforeEach(() => eraseMemoryStore());

  it('nvSlots/slotLoad: without a platform store the slots are in hypervisor memory (all of them, not non-volatile); a store holds as many whole slots as fit (at most MAX_SLOTS)', () => {
    expect(nvSlots()).to.equal(MAX_SLOTS);
    expect(storeIsNonVolatile()).to.equal(false);
    expect(load(HV_SLOT)).to.equal(0);
    expect(slotSave(FIRST_VTPM_SLOT, new Uint8Array([1, 2, 3]), 3)).to.equal(true);
    const back = new Uint8Array(8);
    expect(slotLoad(FIRST_VTPM_SLOT, back)).to.equal(3);
    expect([...back.slice(0, 3)]).to.deep.equal([1, 2, 3]);
    setNvStore(0x10000);
    expect(storeIsNonVolatile()).to.equal(true);
    expect(nvSlots()).to.equal(1);
    expect(load(FIRST_VTPM_SLOT)).to.equal(NV_NO_SLOT);
    setNvStore(0x100000);
    expect(nvSlots()).to.equal(MAX_SLOTS);
  });

  it('slotSave/slotLoad: a blank slot loads 0; each save goes to the other copy and the newest loads', () => {
    setNvStore(STORE);
    expect(load(2)).to.equal(0);
    for (let k = 1; k <= 5; k++) {
      expect(slotSave(2, image(50 + k, k), 50 + k)).to.equal(true);
      expect(report.wroteTo).to.equal((k - 1) % 2);
      expect(report.wroteSeq).to.equal(BigInt(k));
      expect(load(2)).to.deep.equal(image(50 + k, k));
    }
    expect(load(1)).to.equal(0);
    expect(load(3)).to.equal(0);
  });

  it('slotSave: refuses a length of 0 or past IMAGE_MAX, and a slot outside the store, writing nothing', () => {
    const store = setNvStore(STORE);
    expect(slotSave(1, new Uint8Array(IMAGE_MAX + 1), IMAGE_MAX + 1)).to.equal(false);
    expect(slotSave(1, new Uint8Array(4), 0)).to.equal(false);
    expect(slotSave(MAX_SLOTS, new Uint8Array(4), 4)).to.equal(false);
    expect(store.every(b => b === 0)).to.equal(true);
  });

  it('slotLoad: one unreadable copy is NV_IO_ERROR, not the other copy (which may be the older one)', () => {
    setNvStore(STORE);
    expect(slotSave(1, image(10, 1), 10)).to.equal(true);
    expect(slotSave(1, image(10, 2), 10)).to.equal(true);   // B is the newest
    setNvReadFails(true, copyAt(1, 1));
    expect(load(1)).to.equal(NV_IO_ERROR);
    expect(slotSave(1, image(10, 3), 10)).to.equal(false);
    setNvReadFails(true, copyAt(1, 0));
    expect(load(1)).to.equal(NV_IO_ERROR);
    expect(slotSave(1, image(10, 3), 10)).to.equal(false);
    setNvReadFails(false);
    expect(load(1)).to.deep.equal(image(10, 2));
  });

  it('slotLoad: a read failure is NV_IO_ERROR; a failed write leaves the previous image', () => {
    setNvStore(STORE);
    expect(slotSave(1, image(10, 1), 10)).to.equal(true);
    setNvReadFails(true);
    expect(load(1)).to.equal(NV_IO_ERROR);
    setNvReadFails(false);
    setNvWriteHook(() => false);
    expect(slotSave(1, image(10, 2), 10)).to.equal(false);
    expect(load(1)).to.deep.equal(image(10, 1));
  });

  it('slotLoad: a copy of another slot copied into this slot\'s place is not taken', () => {
    const store = setNvStore(STORE);
    expect(slotSave(1, image(10, 1), 10)).to.equal(true);
    expect(slotSave(2, image(10, 2), 10)).to.equal(true);
    expect(slotSave(2, image(10, 3), 10)).to.equal(true);   // slot 2: A seq 1, B seq 2
    store.copyWithin(copyAt(1, 1), copyAt(2, 1), copyAt(2, 1) + COPY_ROOM);
    expect(load(1)).to.deep.equal(image(10, 1));
  });

  it('slotSave: the sequence number continues past 2^64 - 1 (wraps to 0) and the newest still loads', () => {
    const store = setNvStore(STORE);
    const copy = new Uint8Array(COPY_ROOM);
    copy.set(image(8, 9), COPY_HEADER);
    sealNvCopy(copy, 1, 0xfffffffffffffffen, 8);
    store.set(copy, copyAt(1, 0));
    expect(slotSave(1, image(8, 10), 8)).to.equal(true);
    expect(report.wroteSeq).to.equal(0xffffffffffffffffn);
    expect(slotSave(1, image(8, 11), 8)).to.equal(true);
    expect(report.wroteSeq).to.equal(0n);
    expect(report.wroteTo).to.equal(0);
    expect(load(1)).to.deep.equal(image(8, 11));
    expect(slotSave(1, image(8, 12), 8)).to.equal(true);
    expect(report.wroteSeq).to.equal(1n);
    expect(load(1)).to.deep.equal(image(8, 12));
  });
});

/**
 * Crash safety. `before` is the image the slot holds (complete), `after` the one being saved.
 * A write is interrupted by the hook (it writes part of the copy, then "power is lost": false);
 * the next load must give `before`, or `after` only when the hook happened to write the whole
 * copy. Covered for both targets: copy B (copy A holds `before`, B blank) and copy A (A holds
 * an older image, B holds `before`).
 */
describe('non-volatile store: cut and torn writes', () => {
  let lastStore: Uint8Array = new Uint8Array(0);

  /** Prepare slot 1 with `saves` images (1: A holds image 1; 2: A image 1, B image 2); returns the store. */
  function prepared(saves: number, n: number): Uint8Array {
    const store = setNvStore(STORE);
    setNvWriteHook(null);
    for (let k = 1; k <= saves; k++) expect(slotSave(1, image(n, k), n)).to.equal(true);
    return store;
  }

  /** Save image `saves + 1` with `hook` as the write, then load: what loaded. */
  function interrupted(saves: number, n: number, hook: (store: Uint8Array, off: number, src: Uint8Array, len: number) => void): Uint8Array | number {
    prepared(saves, n);
    setNvWriteHook((store, off, src, len) => { hook(store, off, src, len); lastStore = store; return false; });
    expect(slotSave(1, image(n, saves + 1), n)).to.equal(false);
    setNvWriteHook(null);
    return load(1);
  }

  /** What a complete write of image `k` (n bytes) as copy `target` would be: the sealed copy bytes. */
  function fullWrite(saves: number, n: number): Uint8Array {
    let written = new Uint8Array(0);
    prepared(saves, n);
    setNvWriteHook((store, off, src, len) => { written = src.slice(0, len); store.set(written, off); return true; });
    expect(slotSave(1, image(n, saves + 1), n)).to.equal(true);
    setNvWriteHook(null);
    return written;
  }

  for (const saves of [1, 2]) {
    const target = saves === 1 ? 'copy B (A holds the image)' : 'copy A (B holds the image, A an older one)';

    it(`every cut of a write to ${target}, at each byte of a 100-byte image's copy, recovers the previous image`, () => {
      const n = 100;
      const total = COPY_HEADER + n;
      for (let cut = 0; cut <= total; cut++) {
        const got = interrupted(saves, n, (store, off, src) => store.set(src.subarray(0, cut), off));
        const expected = cut === total ? image(n, saves + 1) : image(n, saves);
        expect(got, `cut at ${cut}`).to.deep.equal(expected);
      }
    });

    it(`every torn write to ${target} (each subset of 16-byte blocks new, the rest old) recovers the previous image`, () => {
      const n = 100;
      const full = fullWrite(saves, n);
      const blocks = Math.ceil(full.length / 16);
      for (let mask = 0; mask < (1 << blocks); mask++) {
        const got = interrupted(saves, n, (store, off, src, len) => {
          for (let b = 0; b < blocks; b++) {
            if ((mask & (1 << b)) !== 0) store.set(src.subarray(16 * b, Math.min(len, 16 * b + 16)), off + 16 * b);
          }
        });
        // the new image may load only when the blocks left old already held the new bytes
        const whole = Buffer.from(lastStore.subarray(copyAt(1, saves % 2), copyAt(1, saves % 2) + full.length)).equals(Buffer.from(full));
        expect(got, `mask ${mask.toString(2)}`).to.deep.equal(whole ? image(n, saves + 1) : image(n, saves));
      }
    });

    it(`sampled cuts and torn 512-byte sectors of a write of a 16 KiB image to ${target} recover the previous image`, () => {
      const n = IMAGE_MAX;
      const total = COPY_HEADER + n;
      let x = 12345;
      const rand = (m: number): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x % m; };
      const cuts = [0, 1, 7, 8, 31, 32, 63, 64, 65, 4095, 4096, 4097, total - 1, total];
      for (let i = 0; i < 40; i++) cuts.push(rand(total + 1));
      for (const cut of cuts) {
        const got = interrupted(saves, n, (store, off, src) => store.set(src.subarray(0, cut), off));
        expect(got, `cut at ${cut}`).to.deep.equal(cut === total ? image(n, saves + 1) : image(n, saves));
      }
      const sectors = Math.ceil(total / 512);
      for (let i = 0; i < 40; i++) {
        const keep = new Set<number>();
        const count = 1 + rand(sectors - 1);   // never all of them
        while (keep.size < count) keep.add(rand(sectors));
        const got = interrupted(saves, n, (store, off, src, len) => {
          for (const s of keep) store.set(src.subarray(512 * s, Math.min(len, 512 * s + 512)), off + 512 * s);
        });
        expect(got, `sectors ${[...keep].sort((a, b) => a - b).join(',')}`).to.deep.equal(image(n, saves));
      }
    });
  }

  it('after a cut write, the next save succeeds and loads, and the image before it stays in the other copy', () => {
    const store = prepared(1, 64);
    setNvWriteHook((s, off, src) => { s.set(src.subarray(0, 30), off); return false; });
    expect(slotSave(1, image(64, 2), 64)).to.equal(false);
    setNvWriteHook(null);
    expect(slotSave(1, image(64, 3), 64)).to.equal(true);
    expect(report.wroteTo).to.equal(1);
    expect(load(1)).to.deep.equal(image(64, 3));
    expect(checkNvCopy(store.subarray(copyAt(1, 0), copyAt(1, 0) + COPY_ROOM), 1)).to.equal(NvCopy.Valid);
  });
});
