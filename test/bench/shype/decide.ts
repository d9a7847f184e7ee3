/**
 * Benchmark kernel: shype's decide() path with a policy loaded (test/bench/shype/bench.pol):
 * allowed cache hits, denied cache hits, and cache misses.
 *
 * main() loads the policy, warms the cache with 48 allowed questions (labels 1..8 x hcall classes
 * 0..5: each in its own set, so every hit is a way-0 hit, as at the gate) and 8 denied ones
 * (labels 9..16, unknown to the policy, class 0), then asks
 *   HITS    questions of the allowed warm set through allowsHcall(), as the hypervisor's gate
 *           does (hv/security.ts admitHcall): the common case, nothing but the lookup,
 *   DECIDES the same questions through decide() (object NO_OBJECT),
 *   DENIALS questions of the denied warm set (a cached denial: counted and audited, with the
 *           timebase read for its record),
 *   MISSES  questions that are never cached (it cycles through 64 x 65 x 6 = 24,960 distinct
 *           hcall-class questions, far more than the cache's 256 entries, so every set's FIFO
 *           has always forgotten the question by the time it comes round again; most are
 *           unknown-subject denials, so the evaluator and the audit record are included).
 * Every decision is folded into the checksum so nothing is optimised away. BASELINE = 1 runs the
 * same loops folding the question instead of deciding it (the loop's own cost).
 *
 * test/bench/shype/measure.cjs builds this file with several HITS/DENIALS/MISSES values and
 * reports the instructions per decision from the differences (QEMU TCG plugin counts). It also
 * puts the compiled policy into policyAddress()'s template and its size into POLICY_SIZE: the
 * bytes land in .rodata and the template returns their address (a user-mode ELF has no image
 * descriptor like the hypervisor's policyBlob()).
 */
import type { u64 } from "tsnc";
import { add64, asm, mul64 } from "tsnc";
import { allowsHcall, decide } from "../../../shype/decide";
import { invalidateAll, resetCounters } from "../../../shype/cache";
import { PolicyStatus, loadPolicy } from "../../../shype/policy";

const HITS: number = 100000;
const DECIDES: number = 0;
const DENIALS: number = 0;
const MISSES: number = 20000;
const BASELINE: number = 0;
const POLICY_SIZE: number = 0;

/** The address of the compiled bench policy (measure.cjs writes the template). */
function policyAddress(): u64 {
  return asm("li $0, 0");
}

/** One question of the allowed warm set, by number k (0..47): label 1..8, an hcall class 0..5. */
function hitSubject(k: number): number {
  return 1 + (k & 7);
}
function hitOp(k: number): number {
  return (k >>> 3) % 6;
}

/** The question a miss asks, by number k: walks subjects, objects and classes 0..5. */
function missSubject(k: number): number {
  return 1 + (k & 63);
}
function missObject(k: number): number {
  return (k >>> 6) % 65;
}
function missOp(k: number): number {
  return Math.trunc(k / (64 * 65)) % 6;
}

function ask(who: number, subject: number, object: number, op: number): number {
  if (BASELINE !== 0) return (subject << 8) ^ (object << 4) ^ op ^ who;
  return decide(who, subject, object, op);
}

/** An hcall-class question as the gate asks it (a verdict, 1 or 0). */
function askClass(who: number, subject: number, op: number): number {
  if (BASELINE !== 0) return (subject << 8) ^ op ^ who;
  return allowsHcall(who, subject, op) ? 1 : 0;
}

/** An hcall-class question through decide() (the object a constant, as for every class). */
function askDecide(who: number, subject: number, op: number): number {
  if (BASELINE !== 0) return (subject << 8) ^ op ^ who;
  return decide(who, subject, 0, op);
}

export function main(): u64 {
  if (POLICY_SIZE === 0 || loadPolicy(policyAddress(), POLICY_SIZE) !== PolicyStatus.Ok) return 0xdeadn;
  invalidateAll();
  resetCounters();
  let sum: u64 = 0n;
  for (let k = 0; k < 48; k++) sum = add64(sum, BigInt(ask(k & 7, hitSubject(k), 0, hitOp(k))));
  for (let k = 0; k < 8; k++) sum = add64(sum, BigInt(ask(k, 9 + k, 0, 0)));
  for (let i = 0; i < HITS; i++) {
    const k = i % 48;
    sum = add64(mul64(sum, 31n), BigInt(askClass(k & 7, hitSubject(k), hitOp(k))));
  }
  for (let i = 0; i < DECIDES; i++) {
    const k = i % 48;
    sum = add64(mul64(sum, 31n), BigInt(askDecide(k & 7, hitSubject(k), hitOp(k))));
  }
  for (let i = 0; i < DENIALS; i++) {
    const k = Number(sum & 7n);   // from the checksum: a constant cycle would fold the baseline loop away
    sum = add64(mul64(sum, 31n), BigInt(ask(k, 9 + k, 0, 0)));
  }
  for (let i = 0; i < MISSES; i++) {
    sum = add64(mul64(sum, 31n), BigInt(ask(i & 7, missSubject(i), missObject(i), missOp(i))));
  }
  return sum;
}
