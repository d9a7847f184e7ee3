// Helper module (no main): an exported class with methods, an exported function taking it, a pool.
import type { u64 } from "tsnc";
import { pool } from "tsnc";

export class Rect {
  w: number;
  h: number;
  tag: u64;
  constructor(i: number) {
    this.w = i + 1;
    this.h = 2 * i + 3;
    this.tag = BigInt.asUintN(64, BigInt(i) << 56n);
  }
  area(): number {
    return this.w * this.h;
  }
  grow(d: number): void {
    this.w += d;
    this.h += d;
  }
  contains(other: Rect): boolean {
    return other.w <= this.w && other.h <= this.h;
  }
}

export function perimeter(r: Rect): number {
  return 2 * (r.w + r.h);
}

export const RECTS = pool(5, Rect);

export function resetRects(): void {
  for (let i = 0; i < RECTS.length; i++) {
    RECTS[i].w = i + 1;
    RECTS[i].h = 2 * i + 3;
  }
}
