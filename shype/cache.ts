/**
 * The decision cache in front of the policy: a fixed table of (subject, object, op) -> decision
 * that answers allows and denies alike, so that a repeated question costs a few instructions
 * (test/bench/shype/ measures decide() on an allowed hit, a denied hit and a miss).
 *
 * Layout: CAPACITY = 256 entries, SETS = 64 sets of WAYS = 4, entry e = set * WAYS + way. An entry
 *   is one 64-bit word, `tag << 32 | decision`, so a single load yields both: one shift and one
 *   compare check the tag, and the decision's allow bit is the entry's bit 0. The counters follow
 *   the entries in the same static array (one base address on the hit path).
 * Key: the question packed in a tag, `op << 16 | object << 8 | subject`. Each field has 8 bits,
 *   so the tag is exact (different questions, different tags) for subject, object and op in
 *   0..255. A question with a field outside 0..255 (as a 32-bit integer, like every bitwise
 *   operator of the subset: an ssidref is a u32) is never cached: lookup() answers MISS and
 *   insert() ignores it. An unused entry is EMPTY (all ones: tag -1), which no question has.
 * Hash: multiplicative, bits 14..19 of tag * 0x3e99 (one `mulli`, one `rlwinm`). The multiplier
 *   and bits were chosen by measuring, among odd 15-bit multipliers: the hcall-class questions
 *   of partitions with labels 1..8 (8 x 6, object NO_OBJECT) all land in different sets (every
 *   gate hit is a way-0 hit), 8 random labels collide no more than random placement would, and
 *   the whole 64 x 65 x 16 question space spreads evenly over the 64 sets.
 * Associativity: a question can only live in its set, so a lookup compares at most WAYS tags and
 *   there is no probe sequence, no tombstone and nothing to rehash.
 * Eviction: FIFO per set. Each set keeps its valid entries first, newest first. insert() puts the
 *   new entry in way 0 and moves the others back by one, dropping way 3 (the set's oldest entry)
 *   when the set is full. A full cache keeps answering; insert() never fails. Hits do not reorder
 *   the set (the hit path only reads the table and bumps a counter).
 * Exactness: an entry is written only by insert(), tag and decision together in one store.
 *   lookup() answers from the first matching way, which is the newest entry for that question
 *   (so even a question inserted twice answers with its latest decision, and its older entry is
 *   evicted first). invalidateAll() empties every entry; invalidateSubject(), invalidateObject()
 *   and invalidateOperation() empty every entry of that label or operation and close the gaps,
 *   keeping the order.
 *
 * Counters, 64-bit: hits of the whole system (one counter, so that a hit needs neither the
 * caller's index nor an address computed from it), misses and denials per partition, indexed by
 * `who` (0..MAX_PARTITIONS-1, taken modulo MAX_PARTITIONS, a power of two —
 * test/unit/shype-cache.test.ts checks it).
 */
import { MAX_PARTITIONS } from '../lpar/config';
import type { i64 } from 'tsnc';
import { NO_OBJECT, type Op } from './ops';

/**
 * lookup()'s answer when the question is not cached: even, like a denial, so that a caller's
 * one test of bit 0 separates a cached allow (done) from everything else (the slow path).
 */
export const MISS = -2;
/** Entries in the cache. */
export const CAPACITY = 256;
/** Entries per set: a question can only be cached in one of the WAYS entries of its set. */
export const WAYS = 4;
/** Number of sets (CAPACITY / WAYS, a power of two). */
export const SETS = 64;
/** The hash multiplier: odd and below 2^15 (one `mulli`); picked for spread, see the file comment. */
const HASH_MULTIPLIER = 0x3e99;
/** The product bits that pick the set: bits 14..19. */
const SET_SHIFT = 14;
/** An unused entry: all ones, so its tag is -1 (no question's tag: those are below 2^24). */
const EMPTY: i64 = -1n;
/** The tag of an unused entry. */
const EMPTY_TAG = -1;
/** The partition index mask for the counters (MAX_PARTITIONS is a power of two). */
const WHO_MASK = MAX_PARTITIONS - 1;

/**
 * The cache and its counters in one static array, so that the hit path needs one base address:
 * entries 0..CAPACITY-1 are `tag << 32 | decision` (EMPTY when unused), then the 64-bit
 * counters: hits at HITS, misses of each partition at MISSES + who, denials at DENIALS + who.
 */
const table = new BigInt64Array(CAPACITY + 1 + 2 * MAX_PARTITIONS);
const HITS = CAPACITY;
const MISSES = CAPACITY + 1;
const DENIALS = CAPACITY + 1 + MAX_PARTITIONS;
table.fill(EMPTY, 0, CAPACITY);

/** True when all three fields fit the 8-bit slots of a tag (the question can be cached). */
function cacheable(subject: number, object: number, op: Op): boolean {
  return ((subject | object | op) & ~0xff) === 0;
}

/** The tag of a cacheable question (below 2^24): `op << 16 | object << 8 | subject`. */
export function tagOf(subject: number, object: number, op: Op): number {
  return op * 0x10000 + object * 0x100 + subject;
}

/** The tag of an entry (its high 32 bits, signed: an EMPTY entry's is -1). */
function tagIn(entry: i64): number {
  return Number(entry >> 32n);
}

/** The decision of a valid entry (its low 31 bits). */
function decisionIn(entry: i64): number {
  return Number(entry & 0x7fffffffn);
}

/** Entry number of way 0 of the set a tag lives in: 0, 4, …, CAPACITY - WAYS. */
export function setOf(tag: number): number {
  return ((Math.imul(tag, HASH_MULTIPLIER) >>> SET_SHIFT) & (SETS - 1)) * WAYS;
}

/**
 * The cached decision for (subject, object, op), counting a hit (for the whole system). Returns
 * the decision (>= 0), or MISS when it is not cached: the caller counts the miss for the asking
 * partition (countMiss), so that a hit needs nothing of the caller's but the question.
 */
export function lookup(subject: number, object: number, op: Op): number {
  return countHit(find(subject, object, op));
}

/** Count a hit when `decision` is one (not MISS); returns it. */
function countHit(decision: number): number {
  if (decision !== MISS) table[HITS]++;
  return decision;
}

/**
 * The cached decision for (subject, object, op) or MISS, counting nothing (lookup() without the
 * hit counter, for a caller that has counted this question already). Ways are searched from 0,
 * so the newest entry for a question answers.
 */
export function find(subject: number, object: number, op: Op): number {
  return cacheable(subject, object, op) ? findTag(tagOf(subject, object, op)) : MISS;
}

/** The decision cached under `tag` (the newest entry of its set with it), or MISS. */
function findTag(tag: number): number {
  const set = setOf(tag);
  for (let way = 0; way < WAYS; way++) {
    const entry = table[set + way];
    if (tagIn(entry) === tag) return decisionIn(entry);
  }
  return MISS;
}

/**
 * lookup() for the gate's question, an hcall class (an Op below OP_COUNT, so within a tag's
 * 8-bit slot by construction) with no object: only the subject needs checking to keep the tag
 * exact. Counts a hit; returns the decision or MISS.
 */
export function lookupHcallClass(subject: number, hclass: Op): number {
  if ((subject & ~0xff) !== 0) return MISS;
  return countHit(findTag(tagOf(subject, NO_OBJECT, hclass)));
}

/**
 * Cache `decision` (a Decision, 0..2^31-1) for (subject, object, op), a question lookup() has
 * just missed: it goes into way 0 of its set and the other ways move back by one, dropping the
 * set's oldest entry when the set is full. Questions outside 0..255 in any field are not cached.
 * Never fails. (Should the question be cached already, the older entry stays behind the new one,
 * is never the one found, and leaves the set before it.)
 */
export function insert(subject: number, object: number, op: Op, decision: number): void {
  if (!cacheable(subject, object, op)) return;
  const tag = tagOf(subject, object, op);
  const set = setOf(tag);
  for (let e = set + WAYS - 1; e > set; e--) table[e] = table[e - 1];
  table[set] = BigInt.asIntN(64, (BigInt(tag) << 32n) | BigInt(decision & 0x7fffffff));
}

/** Forget every cached decision (policy reload). O(CAPACITY). */
export function invalidateAll(): void {
  table.fill(EMPTY, 0, CAPACITY);
}

/**
 * Drop every entry whose tag has `value` in the bits of `mask`, closing the gaps so that each set
 * keeps its valid entries first, in their order (what insert() relies on).
 */
function invalidateMatching(mask: number, value: number): void {
  for (let set = 0; set < CAPACITY; set += WAYS) {
    let kept = set;
    for (let e = set; e < set + WAYS; e++) {
      const tag = tagIn(table[e]);
      if (tag !== EMPTY_TAG && (tag & mask) !== value) table[kept++] = table[e];
    }
    for (; kept < set + WAYS; kept++) table[kept] = EMPTY;
  }
}

/** Forget every cached decision whose subject is `ssidref` (its partition was destroyed). O(CAPACITY). */
export function invalidateSubject(ssidref: number): void {
  if (cacheable(ssidref, 0, 0)) invalidateMatching(0xff, ssidref);
}

/** Forget every cached decision whose object is `ssidref` (the object's state changed). O(CAPACITY). */
export function invalidateObject(ssidref: number): void {
  if (cacheable(0, ssidref, 0)) invalidateMatching(0xff00, ssidref << 8);
}

/**
 * Forget every cached decision of operation `op` on `object` (an ssidref or NO_OBJECT), whoever
 * the subject: the answers that depend on state outside the policy, such as the Chinese Wall's
 * (StartPartition, NO_OBJECT) when the running types change. O(CAPACITY).
 */
export function invalidateOperation(op: Op, object: number): void {
  if (cacheable(0, object, op)) invalidateMatching(0xffff00, tagOf(0, object, op));
}

/** Number of valid entries (for reports and tests). O(CAPACITY). */
export function occupancy(): number {
  let n = 0;
  for (let e = 0; e < CAPACITY; e++) {
    if (tagIn(table[e]) !== EMPTY_TAG) n++;
  }
  return n;
}

/** Count a cache miss of partition `who` (decide() calls it when lookup() answers MISS). */
export function countMiss(who: number): void {
  table[MISSES + (who & WHO_MASK)]++;
}

/** Count a denial returned to partition `who` (decide() calls it for cached and fresh denials). */
export function countDenial(who: number): void {
  table[DENIALS + (who & WHO_MASK)]++;
}

/** Slot `who` was emptied: its miss and denial counters start again at 0 for the next tenant. */
export function forgetWho(who: number): void {
  table[MISSES + (who & WHO_MASK)] = 0n;
  table[DENIALS + (who & WHO_MASK)] = 0n;
}

/** Cache misses of partition `who` since the last resetCounters(). */
export function misses(who: number): number {
  return Number(table[MISSES + (who & WHO_MASK)]);
}

/** Denials returned to partition `who` since the last resetCounters(). */
export function denials(who: number): number {
  return Number(table[DENIALS + (who & WHO_MASK)]);
}

/** Sum of a counter over all partitions. */
function total(base: number): number {
  let n = 0;
  for (let w = 0; w < MAX_PARTITIONS; w++) n += Number(table[base + w]);
  return n;
}

/** Cache hits of the whole system since the last resetCounters(). */
export function totalHits(): number {
  return Number(table[HITS]);
}

/** Cache misses of the whole system (all partitions). */
export function totalMisses(): number {
  return total(MISSES);
}

/** Zero the hit counter and the miss and denial counters of every partition. */
export function resetCounters(): void {
  table.fill(0n, CAPACITY);
}
