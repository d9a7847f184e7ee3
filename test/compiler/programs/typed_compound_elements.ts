// Compound assignment and ++/-- on number typed-array elements: the stored result wraps to the element type.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const U8 = new Uint8Array(4);
const I8 = new Int8Array(4);
const U16 = new Uint16Array(4);
const I32 = new Int32Array(4);
const U32 = new Uint32Array(4);

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  U8.fill(0);
  I8.fill(0);
  U16.fill(0);
  I32.fill(0);
  U32.fill(0);
  for (let i = 0; i < 300; i++) {
    const k = i & 3;
    U8[k] += 200;
    acc = mix(acc, U8[k]);
    U8[k] -= i;
    acc = mix(acc, U8[k]);
    U8[k] *= 3;
    acc = mix(acc, U8[k]);
    I8[k] += 100;
    acc = mix(acc, I8[k]);
    I8[k] ^= 0x55;
    acc = mix(acc, I8[k]);
    I8[k] <<= 1;
    acc = mix(acc, I8[k]);
    I8[k] >>= 1;
    acc = mix(acc, I8[k]);
    U16[k] |= i << 9;
    acc = mix(acc, U16[k]);
    U16[k] &= 0xfff0 | i;
    acc = mix(acc, U16[k]);
    U16[k] >>>= 1;
    acc = mix(acc, U16[k]);
    I32[k] += 0x7fffffff;
    acc = mix(acc, I32[k]);
    I32[k] %= 1000 + i;
    acc = mix(acc, I32[k]);
    I32[k] *= -65537;
    acc = mix(acc, I32[k]);
    U32[k] -= 0x12345;
    acc = mix(acc, U32[k]);
    U32[k] <<= 3;
    acc = mix(acc, U32[k]);
  }
  // ++/-- as statements and as values
  U8[0] = opq(255);
  U8[0]++;
  acc = mix(acc, U8[0]); // 0
  U8[1] = 0;
  U8[1]--;
  acc = mix(acc, U8[1]); // 255
  I8[0] = opq(127);
  const old = I8[0]++;
  acc = mix(acc, old); // 127
  acc = mix(acc, I8[0]); // -128
  I8[1] = opq(-128);
  acc = mix(acc, I8[1]--); // -128
  acc = mix(acc, I8[1]); // 127
  I32[0] = opq(2147483647);
  ++I32[0];
  acc = mix(acc, I32[0]);
  U32[0] = 0;
  --U32[0];
  acc = mix(acc, U32[0]);
  U16[2] = opq(65535);
  acc = mix(acc, U16[2]++ + U16[2]++); // 65535 + 0
  acc = mix(acc, U16[2]);
  return acc;
}
