/**
 * A flattened-device-tree writer into physical memory (`FdtWriter`), and `StringList` for
 * string-list property values. Used to build each partition's tree (lpar/devtree.ts).
 *
 * Layout, as libfdt's sequential-write mode: header, reservation map, then the structure
 * block growing up from the map while the strings table grows down from addr + limit;
 * `finish` moves the strings to just after the structure block and writes the header.
 * Property names are deduplicated (a name that is the tail of a stored one shares its
 * bytes). Errors are sticky: the first one is kept, later calls do nothing, and `finish`
 * returns it; so a builder writes straight-line code and checks once. Nothing is stored
 * outside [addr, addr + limit).
 */
import type { u64 } from "tsnc";
import { load8, load32, store8, store32 } from "tsnc";
import {
  FdtStatus, FdtToken, fdtAlign4, FDT_MAGIC, FDT_HEADER_SIZE, FDT_VERSION,
  FDT_LAST_COMP_VERSION, FDT_MAX_DEPTH,
} from "./fdt";

const enum Phase { Idle = 0, Reserve = 1, Struct = 2, Done = 3 }

/** Longest node base name or property name (Devicetree spec 2.2.1, 2.2.4). */
const MAX_NAME = 31;
/**
 * Longest property name written. DTSpec recommends 31 characters, but PAPR's own names are
 * longer ("ibm,processor-radix-AP-encodings" has 32) and Linux, QEMU and libfdt have no limit.
 */
const MAX_PROP_NAME = 63;

/** Node-name characters [0-9a-zA-Z,._+-] (Devicetree spec table 2.1). */
function isNodeChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2c || c === 0x2e || c === 0x5f || c === 0x2b || c === 0x2d;
}

/** Property-name characters: the node-name ones plus '?' and '#' (spec table 2.2). */
function isPropChar(c: number): boolean {
  return isNodeChar(c) || c === 0x3f || c === 0x23;
}

/** Lower-case hex digit for 0..15. */
function hexDigit(v: number): number { return v < 10 ? 0x30 + v : 0x57 + v; }

/**
 * A list of distinct NUL-terminated strings in a fixed byte buffer: the value of a
 * string-list property such as `ibm,hypertas-functions`.
 */
export class StringList {
  readonly bytes: Uint8Array;
  /** Bytes used (every string plus its NUL). */
  used: number = 0;
  count: number = 0;

  constructor(capacity: number) { this.bytes = new Uint8Array(capacity); }

  /** Forget every string. */
  clear(): void { this.used = 0; this.count = 0; }

  /** Is `s` in the list? */
  has(s: string): boolean {
    let start = 0;
    while (start < this.used) {
      let end = start;
      while (this.bytes[end] !== 0) end++;
      if (end - start === s.length && this.matchAt(start, s)) return true;
      start = end + 1;
    }
    return false;
  }

  private matchAt(at: number, s: string): boolean {
    for (let i = 0; i < s.length; i++) {
      if (this.bytes[at + i] !== s.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * Append `s` unless it is already listed. Returns false (list unchanged) when `s` is
   * empty, holds a NUL or non-printable character, or does not fit.
   */
  add(s: string): boolean {
    if (s.length === 0) return false;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) return false;
    }
    if (this.has(s)) return true;
    if (this.used + s.length + 1 > this.bytes.length) return false;
    for (let i = 0; i < s.length; i++) this.bytes[this.used + i] = s.charCodeAt(i);
    this.bytes[this.used + s.length] = 0;
    this.used += s.length + 1;
    this.count++;
    return true;
  }
}

/**
 * Writes one flattened device tree (version 17) into physical memory. Call order:
 * start, addReservation*, beginNode("") (the root), then properties and nested
 * beginNode/endNode, the root's endNode, finish. Property values can be given whole
 * (propU32, propString, ...) or built piecewise between propBegin and propEnd.
 */
export class FdtWriter {
  private base: u64 = 0n;
  private limit: number = 0;
  private phase: Phase = Phase.Idle;
  private err: FdtStatus = FdtStatus.Ok;
  private cur: number = 0;
  private structStart: number = 0;
  private strLow: number = 0;
  private depth: number = 0;
  private rootDone: boolean = false;
  /** The current node has closed a child: no more properties for it (spec 5.4.2). */
  private afterChild: boolean = false;
  private propStart: number = -1;

  /**
   * Begin a tree at physical address `addr`, using at most `limit` bytes there
   * (72 <= limit < 2^31). Returns Ok or BadValue (then every later call is refused).
   */
  start(addr: u64, limit: number): FdtStatus {
    this.base = addr;
    this.limit = limit;
    this.err = FdtStatus.Ok;
    this.depth = 0;
    this.rootDone = false;
    this.afterChild = false;
    this.propStart = -1;
    this.cur = FDT_HEADER_SIZE;
    this.strLow = limit;
    this.phase = Phase.Reserve;
    if (limit < FDT_HEADER_SIZE + 32 || limit > 0x7fffffff) this.fail(FdtStatus.BadValue);
    return this.err;
  }

  /** The first error so far, or Ok. */
  status(): FdtStatus { return this.err; }

  private fail(st: FdtStatus): void {
    if (this.err === FdtStatus.Ok) this.err = st;
  }

  private at(off: number): u64 { return BigInt.asUintN(64, this.base + BigInt(off)); }

  /** Reserve `n` bytes of structure space; false (NoSpace recorded) if they do not fit. */
  private room(n: number): boolean {
    if (this.err !== FdtStatus.Ok) return false;
    if (this.cur + n > this.strLow) {
      this.fail(FdtStatus.NoSpace);
      return false;
    }
    return true;
  }

  private put32(v: number): void {
    if (!this.room(4)) return;
    store32(this.at(this.cur), v);
    this.cur += 4;
  }

  private put8(v: number): void {
    if (!this.room(1)) return;
    store8(this.at(this.cur), v);
    this.cur += 1;
  }

  /** Zero-pad the structure block to the next 4-byte boundary. */
  private pad(): void {
    while ((this.cur & 3) !== 0 && this.err === FdtStatus.Ok) this.put8(0);
  }

  /**
   * Add a memory reservation map entry. Only before the first node (else BadState).
   * Zero-size entries are skipped (a (0, 0) entry would end the map).
   */
  addReservation(base: u64, size: u64): void {
    if (this.err !== FdtStatus.Ok) return;
    if (this.phase !== Phase.Reserve) return this.fail(FdtStatus.BadState);
    if (size === 0n) return;
    this.put64(base);
    this.put64(size);
  }

  private put64(v: u64): void {
    this.put32(Number(v >> 32n));
    this.put32(Number(v & 0xffffffffn));
  }

  /** Leave the reservation phase: write the (0, 0) terminator. False when not allowed. */
  private enterStruct(): boolean {
    if (this.err !== FdtStatus.Ok) return false;
    if (this.phase === Phase.Reserve) {
      this.put64(0n);
      this.put64(0n);
      this.structStart = this.cur;
      this.phase = Phase.Struct;
    }
    if (this.phase !== Phase.Struct || this.propStart >= 0) {
      this.fail(FdtStatus.BadState);
      return false;
    }
    return this.err === FdtStatus.Ok;
  }

  /**
   * Checks a node name: 1..31 name characters, optionally '@' and a non-empty unit address
   * of the same characters. "" is allowed (and required) only for the root.
   */
  private nodeNameOk(name: string): boolean {
    if (this.depth === 0) return !this.rootDone && name.length === 0;
    let at = -1;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 0x40 && at < 0) at = i;
      else if (!isNodeChar(c)) return false;
    }
    const baseLen = at < 0 ? name.length : at;
    return baseLen >= 1 && baseLen <= MAX_NAME && (at < 0 || at < name.length - 1);
  }

  private openNode(name: string): boolean {
    if (!this.enterStruct()) return false;
    if (!this.nodeNameOk(name)) {
      this.fail(this.depth === 0 ? FdtStatus.BadState : FdtStatus.BadName);
      return false;
    }
    if (this.depth >= FDT_MAX_DEPTH) {
      this.fail(FdtStatus.TooDeep);
      return false;
    }
    this.put32(FdtToken.BeginNode);
    this.putChars(name);
    this.depth++;
    this.afterChild = false;
    return true;
  }

  private putChars(s: string): void {
    for (let i = 0; i < s.length; i++) this.put8(s.charCodeAt(i));
  }

  private putHex(v: u64): void {
    let shift = 60;
    while (shift > 0 && ((v >> BigInt(shift)) & 0xfn) === 0n) shift -= 4;
    for (; shift >= 0; shift -= 4) this.put8(hexDigit(Number((v >> BigInt(shift)) & 0xfn)));
  }

  /**
   * Open a node called `name`: [0-9a-zA-Z,._+-], 1..31 characters, optionally "@unit"
   * ("" for the root, which comes first and only once). Errors: BadName, BadState (a root
   * name other than "", a second root, inside a property), TooDeep, NoSpace.
   */
  beginNode(name: string): void {
    if (!this.openNode(name)) return;
    this.put8(0);
    this.pad();
  }

  /** Open a node called `name@<unit in lower-case hex>` ("memory@0", "vty@30000000"). */
  beginNodeAt(name: string, unit: u64): void {
    if (this.err !== FdtStatus.Ok) return;
    if (this.depth === 0) return this.fail(FdtStatus.BadState);
    for (let i = 0; i < name.length; i++) {
      if (name.charCodeAt(i) === 0x40) return this.fail(FdtStatus.BadName);
    }
    if (!this.openNode(name)) return;
    this.put8(0x40);
    this.putHex(unit);
    this.put8(0);
    this.pad();
  }

  /** Close the innermost open node (BadNesting if none, BadState inside a property). */
  endNode(): void {
    if (this.err !== FdtStatus.Ok) return;
    if (this.phase !== Phase.Struct || this.propStart >= 0) return this.fail(FdtStatus.BadState);
    if (this.depth === 0) return this.fail(FdtStatus.BadNesting);
    this.put32(FdtToken.EndNode);
    this.depth--;
    this.afterChild = true;
    if (this.depth === 0) this.rootDone = true;
  }

  // ---- strings table --------------------------------------------------------------------

  /** Offset in the working area of a stored string equal to `name`, or -1. */
  private findString(name: string): number {
    const n = name.length;
    for (let i = this.strLow; i + n < this.limit; i++) {
      let j = 0;
      while (j < n && load8(this.at(i + j)) === name.charCodeAt(j)) j++;
      if (j === n && load8(this.at(i + n)) === 0) return i;
    }
    return -1;
  }

  /**
   * The provisional name offset of `name`: its distance from the top of the working area
   * (finish turns it into an offset in the strings block). -1 on NoSpace.
   */
  private nameRef(name: string): number {
    const found = this.findString(name);
    if (found >= 0) return this.limit - found;
    const n = name.length + 1;
    if (this.strLow - n < this.cur) {
      this.fail(FdtStatus.NoSpace);
      return -1;
    }
    this.strLow -= n;
    for (let i = 0; i < name.length; i++) store8(this.at(this.strLow + i), name.charCodeAt(i));
    store8(this.at(this.strLow + name.length), 0);
    return this.limit - this.strLow;
  }

  private propNameOk(name: string): boolean {
    if (name.length === 0 || name.length > MAX_PROP_NAME) return false;
    for (let i = 0; i < name.length; i++) {
      if (!isPropChar(name.charCodeAt(i))) return false;
    }
    return true;
  }

  // ---- properties -----------------------------------------------------------------------

  /**
   * Start property `name` of the current node; append its value with the append* methods,
   * then propEnd. Errors: BadName, BadState (no open node, a property already open, or
   * after a child node of the same node), NoSpace.
   */
  propBegin(name: string): void {
    if (!this.enterStruct()) return;
    if (this.depth === 0) return this.fail(FdtStatus.BadState);
    if (!this.propNameOk(name)) return this.fail(FdtStatus.BadName);
    if (this.afterChild) return this.fail(FdtStatus.BadState);
    const ref = this.nameRef(name);
    if (ref < 0) return;
    const start = this.cur;
    this.put32(FdtToken.Prop);
    this.put32(0);
    this.put32(ref);
    if (this.err === FdtStatus.Ok) this.propStart = start;
  }

  private inProp(): boolean {
    if (this.err !== FdtStatus.Ok) return false;
    if (this.propStart < 0) {
      this.fail(FdtStatus.BadState);
      return false;
    }
    return true;
  }

  /** Append one byte to the open property. */
  appendByte(v: number): void { if (this.inProp()) this.put8(v); }
  /** Append a big-endian 32-bit cell to the open property. */
  appendU32(v: number): void { if (this.inProp()) this.put32(v); }
  /** Append a big-endian 64-bit value (two cells) to the open property. */
  appendU64(v: u64): void { if (this.inProp()) this.put64(v); }
  /** Append the characters of `s` (no NUL) to the open property. */
  appendChars(s: string): void { if (this.inProp()) this.putChars(s); }
  /** Append `v` in lower-case hex, no leading zeros (no NUL). */
  appendHex(v: u64): void { if (this.inProp()) this.putHex(v); }
  /** Append the first `length` bytes of `bytes`. */
  appendBytes(bytes: Uint8Array, length: number): void {
    if (!this.inProp()) return;
    if (length < 0 || length > bytes.length) return this.fail(FdtStatus.BadValue);
    for (let i = 0; i < length; i++) this.put8(bytes[i]);
  }

  /** Close the open property: fill in its length and pad the block. */
  propEnd(): void {
    if (!this.inProp()) return;
    store32(this.at(this.propStart + 4), this.cur - this.propStart - 12);
    this.propStart = -1;
    this.pad();
  }

  /** An empty (boolean) property. */
  propEmpty(name: string): void { this.propBegin(name); this.propEnd(); }

  /** A one-cell property. */
  propU32(name: string, v: number): void {
    this.propBegin(name);
    this.appendU32(v);
    this.propEnd();
  }

  /** A two-cell property. */
  propU64(name: string, v: u64): void {
    this.propBegin(name);
    this.appendU64(v);
    this.propEnd();
  }

  /** A property of the first `count` cells of `cells`. */
  propCells(name: string, cells: Uint32Array, count: number): void {
    this.propBegin(name);
    if (count < 0 || count > cells.length) this.fail(FdtStatus.BadValue);
    for (let i = 0; i < count && this.err === FdtStatus.Ok; i++) this.appendU32(cells[i]);
    this.propEnd();
  }

  /** A string property (`s` and its NUL). */
  propString(name: string, s: string): void {
    this.propBegin(name);
    this.appendChars(s);
    this.appendByte(0);
    this.propEnd();
  }

  /** A string-list property: the strings of `list`, each with its NUL. */
  propStrings(name: string, list: StringList): void {
    this.propBegin(name);
    this.appendBytes(list.bytes, list.used);
    this.propEnd();
  }

  /** A byte-string property of the first `length` bytes of `bytes`. */
  propBytes(name: string, bytes: Uint8Array, length: number): void {
    this.propBegin(name);
    this.appendBytes(bytes, length);
    this.propEnd();
  }

  // ---- finish ---------------------------------------------------------------------------

  /**
   * Close the tree: FDT_END, the strings block after the structure block, the header (with
   * `bootCpuId` as boot_cpuid_phys). Returns the total size in bytes (> 0), or the first
   * error: BadNesting if nodes are still open or there is no root, BadState after finish,
   * NoSpace, or any earlier error.
   */
  finish(bootCpuId: number): number {
    if (this.err !== FdtStatus.Ok) return this.err;
    if (this.phase === Phase.Reserve) return FdtStatus.BadNesting;
    if (this.phase !== Phase.Struct) return FdtStatus.BadState;
    if (this.propStart >= 0) return FdtStatus.BadState;
    if (this.depth !== 0 || !this.rootDone) return FdtStatus.BadNesting;
    this.put32(FdtToken.End);
    if (this.err !== FdtStatus.Ok) return this.err;
    const sizeStrings = this.limit - this.strLow;
    this.fixNameOffsets(sizeStrings);
    const offStrings = this.cur;
    for (let i = 0; i < sizeStrings; i++) store8(this.at(offStrings + i), load8(this.at(this.strLow + i)));
    const total = offStrings + sizeStrings;
    this.writeHeader(total, offStrings, sizeStrings, bootCpuId);
    this.phase = Phase.Done;
    return total;
  }

  /** Turn every PROP's provisional name reference into an offset in the strings block. */
  private fixNameOffsets(sizeStrings: number): void {
    let p = this.structStart;
    while (p < this.cur) {
      const tag = load32(this.at(p));
      if (tag === FdtToken.Prop) {
        const len = load32(this.at(p + 4));
        store32(this.at(p + 8), sizeStrings - load32(this.at(p + 8)));
        p = fdtAlign4(p + 12 + len);
      } else if (tag === FdtToken.BeginNode) {
        p += 4;
        while (load8(this.at(p)) !== 0) p++;
        p = fdtAlign4(p + 1);
      } else {
        p += 4;
      }
    }
  }

  private writeHeader(total: number, offStrings: number, sizeStrings: number, bootCpuId: number): void {
    store32(this.at(0), FDT_MAGIC);
    store32(this.at(4), total);
    store32(this.at(8), this.structStart);
    store32(this.at(12), offStrings);
    store32(this.at(16), FDT_HEADER_SIZE);
    store32(this.at(20), FDT_VERSION);
    store32(this.at(24), FDT_LAST_COMP_VERSION);
    store32(this.at(28), bootCpuId);
    store32(this.at(32), sizeStrings);
    store32(this.at(36), offStrings - this.structStart);
  }
}
