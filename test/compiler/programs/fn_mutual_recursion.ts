// Mutual recursion (isEven/isOdd, a tiny recursive-descent evaluator over a token array), calls before definition.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function isEven(n: number): boolean {
  return n === 0 ? true : isOdd(n - 1);
}

function isOdd(n: number): boolean {
  return n === 0 ? false : isEven(n - 1);
}

// tokens: 0..9 digits, 10 '+', 11 '*', 12 '(', 13 ')', 14 end
const TOKENS = new Uint8Array([12, 2, 10, 3, 13, 11, 4, 10, 5, 11, 12, 6, 10, 1, 11, 12, 2, 10, 2, 13, 13, 10, 9, 14]);
let pos = opq(0);

function expr(): number {
  let v = term();
  while (TOKENS[pos] === 10) {
    pos++;
    v += term();
  }
  return v;
}

function term(): number {
  let v = factor();
  while (TOKENS[pos] === 11) {
    pos++;
    v *= factor();
  }
  return v;
}

function factor(): number {
  const t = TOKENS[pos];
  pos++;
  if (t === 12) {
    const v = expr();
    pos++; // ')'
    return v;
  }
  return t;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < 300; i += 7) {
    acc = mix(acc, isEven(opq(i)) ? 1 : 0);
    acc = mix(acc, isOdd(i + 1) ? 1 : 0);
  }
  pos = opq(0);
  acc = mix(acc, expr()); // (2+3)*4 + 5*(6+1*(2+2)) + 9
  acc = mix(acc, pos);
  return acc;
}
