// bswap16 bswap32 (on the low 16/32 bits of a number, unsigned results) and bswap64.
import type { u64 } from "tsnc";
import { bswap16, bswap32, bswap64 } from "tsnc";
import { opq, opqU } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function mixU(acc: u64, x: u64): u64 {
  return BigInt.asUintN(64, (acc ^ x) * 0x100000001b3n);
}

const N = new BigInt64Array([0n, 1n, 0x1234n, 0xff00n, 0x12345678n, 0xdeadbeefn, -1n, -2n, 0x80000000n, 0x100000001n, 0xabcdef0123n]);
const U = new BigUint64Array([0n, 1n, 0x0123456789abcdefn, 0xff00000000000000n, 0xffffffffffffffffn, 0x8000000000000001n]);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < N.length; i++) {
    const n = opq(Number(N[i]));
    acc = mix(acc, bswap16(n));
    acc = mix(acc, bswap32(n));
    acc = mix(acc, bswap16(bswap16(n)));
    acc = mix(acc, bswap32(bswap32(n)) === n >>> 0 ? 1 : 0);
  }
  for (let i = 0; i < U.length; i++) {
    const u: u64 = opqU(U[i]);
    acc = mixU(acc, bswap64(u));
    acc = mixU(acc, bswap64(bswap64(u)) === u ? 1n : 0n);
  }
  return acc;
}
