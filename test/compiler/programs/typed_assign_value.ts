// The value of an assignment or prefix ++/-- on a typed-array element is the value before the
// wrap-on-store (JS evaluates to the right-hand side), while the element holds the wrapped value.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const A = new Uint8Array(8);
const B = new Int8Array(8);
const C = new Int32Array(8);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  A.fill(0);
  B.fill(0);
  C.fill(0);
  const v1 = (A[opq(0)] = opq(300));
  acc = mix(acc, v1); // 300
  acc = mix(acc, A[0]); // 44
  A[1] = opq(255);
  const v2 = ++A[opq(1)];
  acc = mix(acc, v2); // 256
  acc = mix(acc, A[1]); // 0
  const v3 = --A[1];
  acc = mix(acc, v3); // -1
  acc = mix(acc, A[1]); // 255
  const v4 = (A[opq(2)] += opq(10));
  acc = mix(acc, v4); // 10
  const v5 = (A[1] += 10);
  acc = mix(acc, v5); // 265
  acc = mix(acc, A[1]); // 9
  const v6 = (B[opq(0)] = opq(200));
  acc = mix(acc, v6 + B[0]); // 200 + -56
  let x = 0;
  x = A[opq(3)] = B[opq(1)] = opq(0x1ff); // B[1] = -1, A[3] = 0x1ff -> 255, x = 0x1ff
  acc = mix(acc, x);
  acc = mix(acc, A[3]);
  acc = mix(acc, B[1]);
  C[0] = opq(2147483647);
  const v7 = ++C[0];
  acc = mix(acc, v7); // 2147483648
  acc = mix(acc, C[0]); // -2147483648
  const v8 = (C[opq(1)] = opq(4294967296) + 5);
  acc = mix(acc, v8);
  acc = mix(acc, C[1]); // 5
  const v9 = (C[2] -= 1);
  acc = mix(acc, v9); // -1
  return acc;
}
