// Compound assignment and ++/-- on bigint typed-array elements (statements): they wrap like stores.
import type { u64, i64 } from "tsnc";
import { opqU, opqI } from "./lib_opaque";

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

function mixI(acc: u64, x: i64): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, x)) * 0x100000001b3n);
}

const U = new BigUint64Array(4);
const S = new BigInt64Array(4);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  U.fill(0n);
  S.fill(0n);
  U[0] = opqU(0xffffffffffffffffn);
  U[0]++;
  acc = mixU(acc, U[0]); // 0
  U[0]--;
  acc = mixU(acc, U[0]); // 2^64 - 1
  ++U[1];
  --U[1];
  --U[1];
  acc = mixU(acc, U[1]); // 2^64 - 1
  S[0] = opqI(0x7fffffffffffffffn);
  S[0]++;
  acc = mixI(acc, S[0]); // -2^63
  S[0]--;
  acc = mixI(acc, S[0]); // 2^63 - 1
  --S[1];
  acc = mixI(acc, S[1]); // -1
  for (let i = 0; i < 200; i++) {
    const k = i & 3;
    const b: u64 = BigInt(i);
    U[k] += 0x9e3779b97f4a7c15n;
    acc = mixU(acc, U[k]);
    U[k] *= 0x5851f42d4c957f2dn;
    acc = mixU(acc, U[k]);
    U[k] -= BigInt.asUintN(64, b << 56n);
    acc = mixU(acc, U[k]);
    U[k] <<= b & 7n;
    acc = mixU(acc, U[k]);
    U[k] ^= U[(k + 1) & 3] >> 17n;
    acc = mixU(acc, U[k]);
    U[k] |= 1n;
    U[k] &= 0xfffffffffffffff7n;
    U[k] >>= 1n;
    acc = mixU(acc, U[k]);
    S[k] += -0x7000000000000000n;
    acc = mixI(acc, S[k]);
    S[k] -= 0x7000000000000001n;
    acc = mixI(acc, S[k]);
    S[k] *= -3n;
    acc = mixI(acc, S[k]);
    S[k] >>= 3n;
    acc = mixI(acc, S[k]);
    S[k] <<= 5n;
    acc = mixI(acc, S[k]);
    S[k]++;
    S[k] ^= -0x100n;
    acc = mixI(acc, S[k]);
  }
  return acc;
}
