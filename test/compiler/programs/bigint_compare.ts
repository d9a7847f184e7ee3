// < <= > >= === !== on u64 (unsigned) and i64 (signed), for values with the top bit set.
import type { u64, i64 } from "tsnc";
import { opqU } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const U = new BigUint64Array([0n, 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xfffffffffffffffen, 0xffffffffffffffffn, 0xffffffffn, 0x100000000n]);

function ubits(a: u64, b: u64): u64 {
  let r: u64 = 0n;
  if (a < b) r |= 1n;
  if (a <= b) r |= 2n;
  if (a > b) r |= 4n;
  if (a >= b) r |= 8n;
  if (a === b) r |= 16n;
  if (a !== b) r |= 32n;
  return r;
}

function ibits(a: i64, b: i64): u64 {
  let r: u64 = 0n;
  if (a < b) r |= 1n;
  if (a <= b) r |= 2n;
  if (a > b) r |= 4n;
  if (a >= b) r |= 8n;
  if (a === b) r |= 16n;
  if (a !== b) r |= 32n;
  return r;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < U.length; i++) {
    for (let j = 0; j < U.length; j++) {
      const a: u64 = opqU(U[i]);
      const b: u64 = opqU(U[j]);
      acc = mixU(acc, ubits(a, b));
      acc = mixU(acc, ibits(BigInt.asIntN(64, a), BigInt.asIntN(64, b)));
    }
    const s: i64 = BigInt.asIntN(64, opqU(U[i]));
    acc = mixU(acc, s < 0n ? 1n : 0n);
    acc = mixU(acc, U[i] >= 0x8000000000000000n ? 1n : 0n);
    acc = mixU(acc, s >= -1n ? 1n : 0n);
  }
  return acc;
}
