// Recursion: naive fib, recursive sum with deep recursion, recursive gcd, bigint-returning recursion.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

function fib(n: number): number {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

function sumTo(n: number): number {
  return n === 0 ? 0 : n + sumTo(n - 1);
}

function gcd(a: number, b: number): number {
  if (b === 0) return a;
  return gcd(b, a % b);
}

function fib64(n: number): u64 {
  if (n < 2) return BigInt(n);
  return BigInt.asUintN(64, fib64(n - 1) + fib64(n - 2));
}

function fastFib(n: number, a: u64, b: u64): u64 {
  if (n === 0) return a;
  return fastFib(n - 1, b, BigInt.asUintN(64, a + b));
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < 22; i++) acc = mix(acc, fib(opq(i)));
  acc = mix(acc, sumTo(opq(2000)));
  for (let i = 1; i < 50; i++) acc = mix(acc, gcd(i * 1071, 462 * (50 - i)));
  acc = BigInt.asUintN(64, (acc ^ fib64(opq(20))) * 0x100000001b3n);
  acc = BigInt.asUintN(64, (acc ^ fastFib(opq(200), 0n, 1n)) * 0x100000001b3n); // wraps mod 2^64
  return acc;
}
