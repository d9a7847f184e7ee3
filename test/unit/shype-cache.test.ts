/**
 * The decision cache (shype/cache.ts) and the one decide() path (shype/decide.ts): hits and
 * misses, allows and denies cached alike, FIFO eviction in a full set and a full cache, exact
 * invalidation (by subject, object and operation), the counters, uncacheable questions, the
 * timebase read only for an audit record, and the property that a cached answer never differs
 * from a fresh evaluation over 100,000 random operations.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { restoreEvaluator, useEvaluator } from '../fake/shype-evaluator';
import { MAX_PARTITIONS } from '../../lpar/config';
import { MAX_LABELS, NO_OBJECT, Op, OP_COUNT, allows, decision } from '../../shype/ops';
import {
  CAPACITY, MISS, SETS, WAYS, countDenial, countMiss, denials, find, insert, invalidateAll, invalidateObject,
  invalidateOperation, invalidateSubject, lookup, misses, occupancy, resetCounters, setOf, tagOf, totalHits,
  totalMisses,
} from '../../shype/cache';
import { allowsHcall, decide } from '../../shype/decide';
import * as audit from '../../shype/audit';

/** A deterministic pseudo-random generator (xorshift32), so failures reproduce. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number { return this.next() % n; }
}

/** A mixing hash of small integers, for random but reproducible policies. */
function mix(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15) ^ c, 0x27d4eb2f) ^ Math.imul(d + 0x165667b1, 0x9e3779b1);
  h ^= h >>> 13; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 16;
  return h >>> 0;
}

/** Questions that share one set: the first `n` found in the question space, in tag order. */
function sameSet(n: number): Array<[number, number, Op]> {
  const found: Array<[number, number, Op]> = [];
  const target = setOf(tagOf(1, 0, Op.HcallConsole));
  for (let op = 0; op < OP_COUNT && found.length < n; op++) {
    for (let o = 0; o <= MAX_LABELS && found.length < n; o++) {
      for (let s = 1; s <= MAX_LABELS && found.length < n; s++) {
        if (setOf(tagOf(s, o, op)) === target) found.push([s, o, op]);
      }
    }
  }
  return found;
}

beforeEach(() => {
  invalidateAll();
  resetCounters();
  audit.clear();
  host.reset();
});

afterEach(() => restoreEvaluator());

describe('shype cache', () => {
  it('counters: MAX_PARTITIONS is a power of two (the partition index is masked with it)', () => {
    expect(MAX_PARTITIONS & (MAX_PARTITIONS - 1)).to.equal(0);
    expect(CAPACITY).to.equal(SETS * WAYS);
  });

  it('lookup: a miss until inserted, then the inserted decision, for allows and denies alike', () => {
    expect(lookup(1, 0, Op.HcallMemory)).to.equal(MISS);
    insert(1, 0, Op.HcallMemory, decision(true, 7));
    insert(1, 0, Op.HcallRtas, decision(false, 9));
    expect(lookup(1, 0, Op.HcallMemory)).to.equal(decision(true, 7));
    expect(lookup(1, 0, Op.HcallRtas)).to.equal(decision(false, 9));
    expect(lookup(2, 0, Op.HcallMemory)).to.equal(MISS);
    expect(lookup(1, 2, Op.HcallMemory)).to.equal(MISS);
    expect(occupancy()).to.equal(2);
  });

  it('setOf: the hcall-class questions of labels 1..8 occupy 48 different sets', () => {
    const sets = new Set<number>();
    for (let s = 1; s <= 8; s++) for (let op = 0; op < 6; op++) sets.add(setOf(tagOf(s, 0, op)));
    expect(sets.size).to.equal(48);
  });

  it('insert: a full set evicts its oldest entry and still answers the others exactly', () => {
    const qs = sameSet(WAYS + 2);
    expect(qs.length).to.equal(WAYS + 2);
    qs.forEach(([s, o, op], i) => insert(s, o, op, decision(i % 2 === 0, 100 + i)));
    expect(occupancy()).to.equal(WAYS);
    expect(lookup(...qs[0])).to.equal(MISS);
    expect(lookup(...qs[1])).to.equal(MISS);
    for (let i = 2; i < qs.length; i++) expect(lookup(...qs[i])).to.equal(decision(i % 2 === 0, 100 + i));
  });

  it('insert: a question inserted again answers with its newest decision, through evictions', () => {
    const qs = sameSet(WAYS);
    insert(...qs[0], decision(true, 1));
    insert(...qs[1], decision(true, 2));
    insert(...qs[0], decision(false, 3));
    expect(lookup(...qs[0])).to.equal(decision(false, 3));
    insert(...qs[2], decision(true, 4));
    insert(...qs[3], decision(true, 5));
    expect(lookup(...qs[0])).to.equal(decision(false, 3));
  });

  it('insert: a full cache keeps answering, exactly or MISS, for 5000 distinct questions', () => {
    const expected = new Map<number, number>();
    for (let s = 1; s <= 40; s++) for (let o = 0; o <= 8; o++) for (let op = 0; op < 14; op++) {
      const d = decision((s + o + op) % 3 !== 0, s * 100 + op);
      insert(s, o, op, d);
      expected.set(tagOf(s, o, op), d);
    }
    expect(occupancy()).to.equal(CAPACITY);
    let cached = 0;
    for (let s = 1; s <= 40; s++) for (let o = 0; o <= 8; o++) for (let op = 0; op < 14; op++) {
      const got = lookup(s, o, op);
      if (got !== MISS) { cached++; expect(got).to.equal(expected.get(tagOf(s, o, op))); }
    }
    expect(cached).to.equal(CAPACITY);
  });

  it('invalidateAll: nothing cached answers afterwards', () => {
    for (let s = 1; s <= 20; s++) for (let op = 0; op < OP_COUNT; op++) insert(s, 0, op, decision(true, op));
    invalidateAll();
    expect(occupancy()).to.equal(0);
    for (let s = 1; s <= 20; s++) for (let op = 0; op < OP_COUNT; op++) expect(lookup(s, 0, op)).to.equal(MISS);
  });

  it('invalidateSubject/invalidateObject: exactly the entries with that label go, the rest still answer', () => {
    const q: Array<[number, number, Op]> = [];
    for (let s = 1; s <= 6; s++) for (let o = 0; o <= 6; o++) for (let op = 11; op < 14; op++) q.push([s, o, op]);
    q.forEach(([s, o, op], i) => insert(s, o, op, decision(i % 3 !== 0, i)));
    const before = q.map((x) => lookup(...x));
    invalidateSubject(3);
    q.forEach((x, i) => expect(lookup(...x)).to.equal(x[0] === 3 ? MISS : before[i]));
    invalidateObject(5);
    q.forEach((x, i) => expect(lookup(...x)).to.equal(x[0] === 3 || x[1] === 5 ? MISS : before[i]));
    // the gaps were closed: new questions fill the freed ways without losing the survivors
    const survivors = occupancy();
    for (let i = 0; i < 20; i++) insert(40 + i, 0, Op.HcallConsole, decision(true, 0));
    expect(occupancy()).to.be.at.most(survivors + 20);
    expect(occupancy()).to.be.at.least(Math.min(CAPACITY, survivors));
  });

  it('lookup: questions with a field outside 0..255 are never cached and never alias a cached one', () => {
    insert(1, 0, Op.HcallConsole, decision(true, 1));
    insert(257, 0, Op.HcallConsole, decision(true, 2));
    insert(1, 256, Op.HcallConsole, decision(true, 3));
    insert(1, 0, 256 as Op, decision(true, 4));
    expect(occupancy()).to.equal(1);
    expect(lookup(257, 0, Op.HcallConsole)).to.equal(MISS);
    expect(lookup(1, 256, Op.HcallConsole)).to.equal(MISS);
    expect(lookup(1, 0, 256 as Op)).to.equal(MISS);
    expect(lookup(-1, 0, Op.HcallConsole)).to.equal(MISS);
    expect(lookup(1, 0, Op.HcallConsole)).to.equal(decision(true, 1));
  });

  it('lookup: counts a hit for the system, nothing on a miss; find counts nothing', () => {
    insert(1, 0, Op.HcallConsole, decision(true, 0));
    lookup(1, 0, Op.HcallConsole);
    lookup(1, 0, Op.HcallConsole);
    expect(lookup(1, 0, Op.HcallProcessor)).to.equal(MISS);
    expect(find(1, 0, Op.HcallConsole)).to.equal(decision(true, 0));
    expect(find(1, 0, Op.HcallMemory)).to.equal(MISS);
    expect([totalHits(), totalMisses()]).to.deep.equal([2, 0]);
  });

  it('countMiss/countDenial: per partition, modulo MAX_PARTITIONS; resetCounters zeroes every counter', () => {
    countMiss(3);
    countMiss(MAX_PARTITIONS + 3);
    countMiss(2);
    countDenial(5);
    countDenial(MAX_PARTITIONS + 5);
    insert(1, 0, Op.HcallConsole, decision(true, 0));
    lookup(1, 0, Op.HcallConsole);
    expect([misses(3), misses(2), misses(4), totalMisses(), totalHits()]).to.deep.equal([2, 1, 0, 3, 1]);
    expect([denials(5), denials(3)]).to.deep.equal([2, 0]);
    resetCounters();
    expect([misses(3), misses(2), totalMisses(), totalHits(), denials(3)]).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('invalidateOperation: exactly the entries of that operation on that object go', () => {
    const q: Array<[number, number, Op]> = [];
    for (let s = 1; s <= 8; s++) for (const o of [NO_OBJECT, 1, 2]) for (const op of [Op.CreatePartition, Op.StartPartition]) q.push([s, o, op]);
    q.forEach(([s, o, op], i) => insert(s, o, op, decision(i % 2 === 0, i)));
    const before = q.map((x) => lookup(...x));
    expect(before).to.not.include(MISS);
    invalidateOperation(Op.StartPartition, NO_OBJECT);
    q.forEach((x, i) => expect(lookup(...x)).to.equal(x[2] === Op.StartPartition && x[1] === NO_OBJECT ? MISS : before[i]));
    invalidateOperation(Op.CreatePartition, 2);
    q.forEach((x, i) => {
      const gone = (x[2] === Op.StartPartition && x[1] === NO_OBJECT) || (x[2] === Op.CreatePartition && x[1] === 2);
      expect(lookup(...x)).to.equal(gone ? MISS : before[i]);
    });
    invalidateOperation(Op.StartPartition, 300);   // no such object can be cached: nothing goes
    invalidateSubject(-1);
    invalidateObject(256);
    expect(occupancy()).to.equal(q.length - 16);
  });
});

describe('shype decide', () => {
  it('decide: evaluates a question once, then answers from the cache', () => {
    let calls = 0;
    useEvaluator((s, _o, op) => { calls++; return decision(true, s + op); });
    expect(decide(1, 5, 0, Op.HcallMemory)).to.equal(decision(true, 8));
    expect(decide(1, 5, 0, Op.HcallMemory)).to.equal(decision(true, 8));
    expect(decide(2, 5, 0, Op.HcallMemory)).to.equal(decision(true, 8));
    expect(calls).to.equal(1);
    expect([misses(1), misses(2), totalHits(), denials(1)]).to.deep.equal([1, 0, 2, 0]);
    expect(audit.count()).to.equal(0);
  });

  it('decide: a denial, fresh or cached, is counted for the partition and audited with its rule', () => {
    useEvaluator((_s, _o, op) => decision(op !== Op.OpenChannel, 42));
    host.timebase = 100n;
    expect(allows(decide(4, 2, 3, Op.OpenChannel))).to.equal(false);
    host.timebase = 200n;
    expect(allows(decide(4, 2, 3, Op.OpenChannel))).to.equal(false);
    expect(allows(decide(4, 2, 3, Op.SendFrame))).to.equal(true);
    expect([denials(4), totalHits(), misses(4)]).to.deep.equal([2, 1, 2]);
    expect(audit.count()).to.equal(2);
    expect([audit.timeOf(0), audit.timeOf(1)]).to.deep.equal([100n, 200n]);
    expect([audit.whoOf(1), audit.subjectOf(1), audit.objectOf(1), audit.opOf(1), audit.decisionOf(1)])
      .to.deep.equal([4, 2, 3, Op.OpenChannel, decision(false, 42)]);
  });

  it('decide: an allow, fresh or cached, never reads the timebase; a denial reads it once', () => {
    useEvaluator((s) => decision(s !== 9, 5));
    host.tbStep = 1n;                          // every mftb() moves the timebase: reads show
    host.timebase = 1000n;
    for (let i = 0; i < 3; i++) expect(allows(decide(1, 2, 0, Op.HcallConsole))).to.equal(true);
    for (let i = 0; i < 3; i++) expect(allowsHcall(1, 2, Op.HcallProcessor)).to.equal(true);
    expect(host.timebase).to.equal(1000n);
    expect(allows(decide(1, 9, 0, Op.HcallConsole))).to.equal(false);
    expect(allowsHcall(1, 9, Op.HcallConsole)).to.equal(false);
    expect(host.timebase).to.equal(1002n);
    expect([audit.timeOf(0), audit.timeOf(1)]).to.deep.equal([1000n, 1001n]);
  });

  it('allowsHcall: the verdict of decide(who, subject, NO_OBJECT, class), on the same cache, counters and audit', () => {
    let calls = 0;
    useEvaluator((s, o, op) => { calls++; return decision(o === NO_OBJECT && (s + op) % 3 !== 0, s * 16 + op); });
    for (let s = 1; s <= 4; s++) {
      for (let op = 0; op < 6; op++) {
        const d = decide(s, s, NO_OBJECT, op);
        expect(allowsHcall(s, s, op), `${s} ${op}`).to.equal(allows(d));
        expect(allowsHcall(s + 8, s, op)).to.equal(allows(d));
      }
    }
    expect(calls).to.equal(24);                         // one evaluation per question, shared
    expect(totalHits()).to.equal(48);
    let d = 0;
    for (let w = 0; w < MAX_PARTITIONS; w++) d += denials(w);
    expect(d).to.equal(24);                             // 8 denied questions, each asked three times
    expect(audit.count()).to.equal(24);
    expect(audit.whoOf(audit.count() - 1)).to.equal(4 + 8);
  });

  it('decide, allowsHcall: a cached answer never differs from a fresh evaluation (100,000 operations)', () => {
    const rng = new Rng(0x5eed1234);
    // a policy: a seed, plus versions per subject, per object and per (operation, object) that
    // change part of it (the last like the Chinese Wall's answers when the running types change)
    let seed = 0;
    const subjectVersion = new Uint32Array(256);
    const objectVersion = new Uint32Array(256);
    const operationVersion = new Uint32Array(256 * 256);
    const fresh = (s: number, o: number, op: Op): number => {
      const ov = objectVersion[o & 0xff] + 7919 * operationVersion[((op & 0xff) << 8) | (o & 0xff)];
      const h = mix(seed, s * 31 + subjectVersion[s & 0xff], o * 17 + ov, op);
      return decision((h & 3) !== 0, (h >>> 2) & 0x3ff);
    };
    useEvaluator(fresh);
    const pick = (): [number, number, Op] => {
      const r = rng.below(100);
      if (r < 60) return [1 + rng.below(8), 0, rng.below(6)]; // the gate: hcall classes of 8 partitions
      if (r < 98) return [1 + rng.below(24), rng.below(25), rng.below(OP_COUNT)]; // mediated: > CAPACITY questions
      return [rng.below(600), rng.below(300), rng.below(20)]; // some outside 0..255
    };
    let operations = 0, policies = 1, subjectChanges = 0, objectChanges = 0, operationChanges = 0, destroys = 0, denied = 0;
    while (operations < 100000 || policies < 20) {
      const r = rng.below(10000);
      if (r < 20) { // reload: a new random policy
        seed = rng.next(); policies++;
        invalidateAll();
      } else if (r < 35) { // a subject's decisions change (relabel), its entries go
        const s = 1 + rng.below(24); subjectVersion[s]++; subjectChanges++;
        invalidateSubject(s);
      } else if (r < 50) { // an object's decisions change, its entries go
        const o = rng.below(25); objectVersion[o]++; objectChanges++;
        invalidateObject(o);
      } else if (r < 60) { // a partition destroyed: nothing changes in the policy
        invalidateSubject(1 + rng.below(24)); destroys++;
      } else if (r < 75) { // the answers of one operation on one object change, they go
        const op = rng.below(OP_COUNT), o = rng.below(25);
        operationVersion[(op << 8) | o]++; operationChanges++;
        invalidateOperation(op, o);
      } else {
        const [s, o, op] = pick();
        const who = rng.below(MAX_PARTITIONS);
        const want = fresh(s, o, op);
        if (o === NO_OBJECT && op < 6 && rng.below(2) === 0) {
          const got = allowsHcall(who, s, op);
          if (got !== allows(want)) expect.fail(`operation ${operations}: allowsHcall(${who}, ${s}, ${op}) = ${got}, fresh ${want}`);
        } else {
          const got = decide(who, s, o, op);
          if (got !== want) expect.fail(`operation ${operations}: decide(${who}, ${s}, ${o}, ${op}) = ${got}, fresh ${want}`);
        }
        if (!allows(want)) denied++;
        operations++;
      }
    }
    expect(policies).to.be.at.least(20);
    expect(subjectChanges + objectChanges + destroys).to.be.greaterThan(100);
    expect(operationChanges).to.be.greaterThan(100);
    expect(totalHits() + totalMisses()).to.equal(operations);
    expect(totalHits()).to.be.greaterThan(operations / 3);
    let d = 0;
    for (let w = 0; w < MAX_PARTITIONS; w++) d += denials(w);
    expect(d).to.equal(denied);
    expect(audit.count() + audit.lost()).to.equal(denied);
  });
});
