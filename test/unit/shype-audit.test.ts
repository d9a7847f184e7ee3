/**
 * The audit log (shype/audit.ts): records read back oldest first, the ring overwrites the oldest
 * and counts the lost, and the serialised form has the documented two-doubleword layout.
 */
import { expect } from 'chai';
import { Op, decision } from '../../shype/ops';
import * as audit from '../../shype/audit';

/** Record n (0, 1, …) of a test sequence: distinct values in every field. */
function recordNth(n: number): void {
  audit.record(BigInt(1000 + n), n % 8, 1 + (n % 64), n % 65, n % 16, decision(n % 2 === 1, n % 500));
}

beforeEach(() => audit.clear());

describe('shype audit', () => {
  it('record: fields read back oldest first; count and lost start at 0', () => {
    expect([audit.count(), audit.lost()]).to.deep.equal([0, 0]);
    audit.record(0x123456789abcdef0n, 3, 5, 7, Op.ShareMemory, decision(false, 12));
    audit.record(2n, 4, 6, 0, Op.HcallRtas, decision(true, 1));
    expect([audit.count(), audit.lost()]).to.deep.equal([2, 0]);
    expect([audit.timeOf(0), audit.whoOf(0), audit.subjectOf(0), audit.objectOf(0), audit.opOf(0), audit.decisionOf(0)])
      .to.deep.equal([0x123456789abcdef0n, 3, 5, 7, Op.ShareMemory, decision(false, 12)]);
    expect([audit.timeOf(1), audit.subjectOf(1), audit.opOf(1)]).to.deep.equal([2n, 6, Op.HcallRtas]);
  });

  it('record: a full ring overwrites the oldest record and counts it lost (wrap-around)', () => {
    const total = 3 * audit.AUDIT_CAPACITY + 17;
    for (let n = 0; n < total; n++) {
      recordNth(n);
      expect(audit.count()).to.equal(Math.min(n + 1, audit.AUDIT_CAPACITY));
      expect(audit.lost()).to.equal(Math.max(0, n + 1 - audit.AUDIT_CAPACITY));
    }
    const first = total - audit.AUDIT_CAPACITY;
    for (let i = 0; i < audit.AUDIT_CAPACITY; i++) {
      const n = first + i;
      expect(audit.timeOf(i)).to.equal(BigInt(1000 + n));
      expect([audit.whoOf(i), audit.subjectOf(i), audit.objectOf(i), audit.opOf(i), audit.decisionOf(i)])
        .to.deep.equal([n % 8, 1 + (n % 64), n % 65, n % 16, decision(n % 2 === 1, n % 500)]);
    }
  });

  it('clear: forgets the records and the lost count', () => {
    for (let n = 0; n < audit.AUDIT_CAPACITY + 5; n++) recordNth(n);
    audit.clear();
    expect([audit.count(), audit.lost()]).to.deep.equal([0, 0]);
    recordNth(7);
    expect([audit.count(), audit.timeOf(0)]).to.deep.equal([1, 1007n]);
  });

  it('serialize: dw0 = time, dw1 = who<<56 | subject<<40 | object<<24 | op<<16 | decision', () => {
    audit.record(0xfedcba9876543210n, 7, 0x1234, 0x0abc, Op.BindVtpm, decision(false, 0x3fff));
    audit.record(5n, 1, 2, 3, Op.HcallConsole, decision(true, 4));
    const out = new BigUint64Array(8);
    expect(audit.serialize(0, out, 10)).to.equal(2);
    expect(out[0]).to.equal(0xfedcba9876543210n);
    expect(out[1]).to.equal((7n << 56n) | (0x1234n << 40n) | (0x0abcn << 24n) | (15n << 16n) | 0x7ffen);
    expect(out[2]).to.equal(5n);
    expect(out[3]).to.equal((1n << 56n) | (2n << 40n) | (3n << 24n) | (0n << 16n) | 9n);
    expect([out[4], out[7]]).to.deep.equal([0n, 0n]);
  });

  it('serialize: fields wider than their slot are truncated to it', () => {
    audit.record(1n, 0x1ff, 0x12345, 0x10001, Op.HcallMemory, 0x12345);
    const out = new BigUint64Array(2);
    expect(audit.serialize(0, out, 1)).to.equal(1);
    expect(out[1]).to.equal((0xffn << 56n) | (0x2345n << 40n) | (0x0001n << 24n) | (3n << 16n) | 0x2345n);
    expect(audit.subjectOf(0)).to.equal(0x12345);
  });

  it('serialize: starts at a position, stops at max, at the room in out, and at the newest record', () => {
    for (let n = 0; n < audit.AUDIT_CAPACITY + 10; n++) recordNth(n);
    const out = new BigUint64Array(2 * 5 + 1);
    expect(audit.serialize(3, out, 100)).to.equal(5);
    expect(out[0]).to.equal(BigInt(1000 + 10 + 3));
    expect(out[8]).to.equal(BigInt(1000 + 10 + 7));
    expect(audit.serialize(3, out, 2)).to.equal(2);
    expect(audit.serialize(audit.AUDIT_CAPACITY - 2, out, 100)).to.equal(2);
    expect(out[2]).to.equal(BigInt(1000 + 10 + audit.AUDIT_CAPACITY - 1));
    expect(audit.serialize(audit.AUDIT_CAPACITY, out, 100)).to.equal(0);
    expect(audit.serialize(-1, out, 100)).to.equal(0);
    expect(audit.serialize(0, out, 0)).to.equal(0);
    expect(audit.serialize(0, new BigUint64Array(1), 10)).to.equal(0);
  });

  it('entry: the record at a position in serialised form; false outside the held records', () => {
    recordNth(0);
    recordNth(1);
    const one = new BigUint64Array(2);
    const two = new BigUint64Array(4);
    expect(audit.entry(1, one)).to.equal(true);
    audit.serialize(0, two, 2);
    expect([one[0], one[1]]).to.deep.equal([two[2], two[3]]);
    expect(audit.entry(2, one)).to.equal(false);
    expect(audit.entry(-1, one)).to.equal(false);
    expect(audit.entry(0, new BigUint64Array(1))).to.equal(false);
  });
});
