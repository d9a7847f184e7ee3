/**
 * Flattened device tree (FDT) reader: the tree the firmware hands tshype in r3 (QEMU pseries,
 * skiboot/powernv), read in place from physical memory with load8/load32.
 *
 * Format (Devicetree Specification v0.4, chapter 5): a 40-byte header of big-endian u32s, a
 * memory reservation map of (u64 address, u64 size) pairs ending in (0, 0), a structure block
 * of 4-byte aligned tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END) and a
 * strings block of NUL-terminated property names.
 *
 * Trust: `Fdt.open` validates the whole blob once (header, block layout, every token, every
 * name and string, nesting depth) and reads nothing outside [addr, addr + limit). Queries run
 * only on an opened tree and rely on that validation; each still stops at the end of the
 * structure block, so no call reads outside the blob or loops forever.
 *
 * Conventions: a node or property is named by its offset from the start of the blob (always
 * > 0). Functions that return an offset or a value return a negative `FdtStatus` on failure.
 * Results go into caller-provided containers (`MemRanges`, `CpuTable`, `Uint8Array`); nothing
 * here allocates after initialisation.
 */
import type { u64 } from "tsnc";
import { load8, load32, make64 } from "tsnc";

/** Result of FDT operations: 0 for success, a negative code naming what was wrong. */
export const enum FdtStatus {
  Ok = 0,
  /** The node or property asked for is absent. */
  NotFound = -1,
  /** The blob (its header, or its totalsize) is larger than the caller's readable limit. */
  Truncated = -2,
  /** Header magic is not 0xd00dfeed. */
  BadMagic = -3,
  /** version < 17 (no size_dt_struct) or last_comp_version > 17 (a format we cannot read). */
  BadVersion = -4,
  /** Header offsets or sizes misaligned, below the header or beyond totalsize. */
  BadLayout = -5,
  /** Two blocks (reservation map, structure, strings) overlap. */
  Overlap = -6,
  /** The reservation map runs past totalsize without its (0, 0) terminator. */
  BadRsvmap = -7,
  /** Unknown token, or a token where it may not be: a property outside a node or after a
   *  subnode, a second root node. */
  BadToken = -8,
  /** END_NODE without BEGIN_NODE, FDT_END inside a node, or no root node. */
  BadNesting = -9,
  /** The structure block ends without an FDT_END token. */
  NoEnd = -10,
  /** A node name is not NUL-terminated inside the structure block (writer: invalid name). */
  BadName = -11,
  /** A property header or value runs past the structure block. */
  BadProperty = -12,
  /** A property name offset is outside the strings block or its string is unterminated. */
  BadString = -13,
  /** Nodes nested deeper than FDT_MAX_DEPTH. */
  TooDeep = -14,
  /** A property exists but its length or contents do not fit the request. */
  BadValue = -15,
  /** The caller's container (reader) or size limit (writer) is too small. */
  NoSpace = -16,
  /** Query on an `Fdt` that holds no successfully opened blob. */
  NotOpen = -17,
  /** Writer call out of order (reservation after the first node, node after finish, ...). */
  BadState = -18,
}

/** One English phrase per status, for messages of the form `what: phrase`. */
export function fdtStatusText(s: FdtStatus): string {
  switch (s) {
    case FdtStatus.Ok: return "valid device tree";
    case FdtStatus.NotFound: return "device tree node or property not found";
    case FdtStatus.Truncated: return "device tree truncated (header or totalsize past the readable memory)";
    case FdtStatus.BadMagic: return "not a device tree (bad magic number)";
    case FdtStatus.BadVersion: return "unsupported device tree version";
    case FdtStatus.BadLayout: return "device tree header has misaligned or out-of-range block offsets";
    case FdtStatus.Overlap: return "device tree blocks overlap";
    case FdtStatus.BadRsvmap: return "device tree reservation map has no terminator";
    case FdtStatus.BadToken: return "device tree structure has an unknown or misplaced token";
    case FdtStatus.BadNesting: return "device tree nodes are not properly nested";
    case FdtStatus.NoEnd: return "device tree structure block has no end token";
    case FdtStatus.BadName: return "device tree node name is not terminated";
    case FdtStatus.BadProperty: return "device tree property runs past the structure block";
    case FdtStatus.BadString: return "device tree property name is outside the strings block";
    case FdtStatus.TooDeep: return "device tree nodes nested too deeply";
    case FdtStatus.BadValue: return "device tree property has an unexpected size or value";
    case FdtStatus.NoSpace: return "device tree result does not fit the space given";
    case FdtStatus.NotOpen: return "no device tree open";
    case FdtStatus.BadState: return "device tree writer call out of order";
  }
  return "unknown device tree status";
}

/** Structure-block tokens. */
export const enum FdtToken { BeginNode = 1, EndNode = 2, Prop = 3, Nop = 4, End = 9 }

/** Which machine a tree describes, from the root node's compatible and device_type. */
export const enum Platform { Unknown = 0, Pseries = 1, PowerNV = 2 }

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_HEADER_SIZE = 40;
/** The version this code writes, and the newest last_comp_version it reads. */
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
/** Deepest node nesting accepted (the root is depth 1). Real trees stay below 10. */
export const FDT_MAX_DEPTH = 32;

/** Round a byte count up to the 4-byte token alignment. */
export function fdtAlign4(n: number): number {
  return n + ((4 - (n & 3)) & 3);
}

/** A fixed-capacity list of physical address ranges (memory, reservations). */
export class MemRanges {
  readonly base: BigUint64Array;
  readonly size: BigUint64Array;
  count: number = 0;

  constructor(capacity: number) {
    this.base = new BigUint64Array(capacity);
    this.size = new BigUint64Array(capacity);
  }

  /** Forget every range. */
  clear(): void { this.count = 0; }

  /** Append a range. Returns false (list unchanged) when the list is full. */
  add(base: u64, size: u64): boolean {
    if (this.count >= this.base.length) return false;
    this.base[this.count] = base;
    this.size[this.count] = size;
    this.count++;
    return true;
  }

  /** True when exactly this (base, size) pair is already listed. */
  has(base: u64, size: u64): boolean {
    for (let i = 0; i < this.count; i++) {
      if (this.base[i] === base && this.size[i] === size) return true;
    }
    return false;
  }
}

/** The CPU nodes of a tree: one row per /cpus child with device_type "cpu". */
export class CpuTable {
  /** Offset of the cpu node, for further property queries. */
  readonly node: Int32Array;
  /** `reg`: the first hardware thread (interrupt server) id of the core. */
  readonly reg: Uint32Array;
  /** Entries in `ibm,ppc-interrupt-server#s` (hardware threads); 1 when absent. */
  readonly threads: Uint32Array;
  /** `timebase-frequency` of the node or of /cpus, in Hz; 0 when neither has one. */
  readonly timebaseHz: BigUint64Array;
  count: number = 0;

  constructor(capacity: number) {
    this.node = new Int32Array(capacity);
    this.reg = new Uint32Array(capacity);
    this.threads = new Uint32Array(capacity);
    this.timebaseHz = new BigUint64Array(capacity);
  }

  /** Forget every row. */
  clear(): void { this.count = 0; }

  /** Append a row. Returns false (table unchanged) when the table is full. */
  add(node: number, reg: number, threads: number, timebaseHz: u64): boolean {
    if (this.count >= this.reg.length) return false;
    const i = this.count;
    this.node[i] = node;
    this.reg[i] = reg;
    this.threads[i] = threads;
    this.timebaseHz[i] = timebaseHz;
    this.count++;
    return true;
  }
}

/** True when [a, a+al) and [b, b+bl) share a byte. */
function overlaps(a: number, al: number, b: number, bl: number): boolean {
  return al > 0 && bl > 0 && a < b + bl && b < a + al;
}

/**
 * One flattened device tree in physical memory. `open` validates it; every other method
 * answers questions about the opened tree (NotOpen, or an empty answer, before that).
 */
export class Fdt {
  private base: u64 = 0n;
  private valid: boolean = false;
  private total: number = 0;
  private offStruct: number = 0;
  private structEnd: number = 0;
  private offStrings: number = 0;
  private sizeStrings: number = 0;
  private offRsv: number = 0;
  private bootCpu: number = 0;
  private rootNode: number = 0;

  /**
   * Validate the blob at physical address `addr`, of which the caller guarantees `limit`
   * bytes readable, and make it the tree the queries answer about. Reads only inside
   * [addr, addr + min(limit, totalsize)). Returns Ok, or the first problem found (the
   * object then holds no tree).
   */
  open(addr: u64, limit: number): FdtStatus {
    this.valid = false;
    this.base = addr;
    let st = this.checkHeader(limit);
    if (st === FdtStatus.Ok) st = this.checkRsvmap();
    if (st === FdtStatus.Ok) st = this.checkStruct();
    if (st !== FdtStatus.Ok) return st;
    this.rootNode = this.skipNops(this.offStruct);
    this.valid = true;
    return FdtStatus.Ok;
  }

  /** True when a blob has been opened successfully. */
  isOpen(): boolean { return this.valid; }
  /** The header's totalsize (0 when not open). */
  totalSize(): number { return this.valid ? this.total : 0; }
  /** The header's boot_cpuid_phys: hardware id of the CPU that entered the firmware (0 if not open). */
  bootCpuId(): number { return this.valid ? this.bootCpu : 0; }
  /** Offset of the root node, or NotOpen. */
  root(): number { return this.valid ? this.rootNode : FdtStatus.NotOpen; }

  // ---- validation -----------------------------------------------------------------------

  private u32(off: number): number { return load32(BigInt.asUintN(64, this.base + BigInt(off))); }
  private u8(off: number): number { return load8(BigInt.asUintN(64, this.base + BigInt(off))); }

  private checkHeader(limit: number): FdtStatus {
    if (limit < FDT_HEADER_SIZE) return FdtStatus.Truncated;
    if (this.u32(0) !== FDT_MAGIC) return FdtStatus.BadMagic;
    if (this.u32(20) < FDT_VERSION || this.u32(24) > FDT_VERSION) return FdtStatus.BadVersion;
    const total = this.u32(4);
    if (total > limit) return FdtStatus.Truncated;
    this.total = total;
    this.offStruct = this.u32(8);
    this.offStrings = this.u32(12);
    this.offRsv = this.u32(16);
    this.bootCpu = this.u32(28);
    this.sizeStrings = this.u32(32);
    const sizeStruct = this.u32(36);
    this.structEnd = this.offStruct + sizeStruct;
    return this.checkLayout(sizeStruct);
  }

  private checkLayout(sizeStruct: number): FdtStatus {
    if ((this.offStruct & 3) !== 0 || (sizeStruct & 3) !== 0 || (this.offRsv & 7) !== 0) {
      return FdtStatus.BadLayout;
    }
    if (this.offStruct < FDT_HEADER_SIZE || this.offStrings < FDT_HEADER_SIZE ||
        this.offRsv < FDT_HEADER_SIZE) {
      return FdtStatus.BadLayout;
    }
    if (this.structEnd > this.total || this.offStrings + this.sizeStrings > this.total) {
      return FdtStatus.BadLayout;
    }
    if (overlaps(this.offStruct, sizeStruct, this.offStrings, this.sizeStrings)) {
      return FdtStatus.Overlap;
    }
    return FdtStatus.Ok;
  }

  private checkRsvmap(): FdtStatus {
    let off = this.offRsv;
    for (;;) {
      if (off + 16 > this.total) return FdtStatus.BadRsvmap;
      const zero = (this.u32(off) | this.u32(off + 4) | this.u32(off + 8) | this.u32(off + 12)) === 0;
      off += 16;
      if (zero) break;
    }
    const len = off - this.offRsv;
    if (overlaps(this.offRsv, len, this.offStruct, this.structEnd - this.offStruct) ||
        overlaps(this.offRsv, len, this.offStrings, this.sizeStrings)) {
      return FdtStatus.Overlap;
    }
    return FdtStatus.Ok;
  }

  /** Walk every token once: nesting, names, property bounds and name strings. */
  private checkStruct(): FdtStatus {
    const end = this.structEnd;
    let off = this.offStruct;
    let depth = 0;
    let rootSeen = false;
    let propsOk = false;
    for (;;) {
      if (off + 4 > end) return FdtStatus.NoEnd;
      const tag = this.u32(off);
      if (tag === FdtToken.BeginNode) {
        if (depth === 0 && rootSeen) return FdtStatus.BadToken;
        if (depth >= FDT_MAX_DEPTH) return FdtStatus.TooDeep;
        const next = this.checkName(off + 4);
        if (next < 0) return next;
        depth++;
        rootSeen = true;
        propsOk = true;
        off = next;
      } else if (tag === FdtToken.EndNode) {
        if (depth === 0) return FdtStatus.BadNesting;
        depth--;
        propsOk = false;
        off += 4;
      } else if (tag === FdtToken.Prop) {
        if (!propsOk) return FdtStatus.BadToken;
        const next = this.checkProp(off);
        if (next < 0) return next;
        off = next;
      } else if (tag === FdtToken.Nop) {
        off += 4;
      } else if (tag === FdtToken.End) {
        return depth === 0 && rootSeen ? FdtStatus.Ok : FdtStatus.BadNesting;
      } else {
        return FdtStatus.BadToken;
      }
    }
  }

  /** A node name starting at `off`: offset of the next token, or BadName if unterminated. */
  private checkName(off: number): number {
    for (let p = off; p < this.structEnd; p++) {
      if (this.u8(p) === 0) return fdtAlign4(p + 1);
    }
    return FdtStatus.BadName;
  }

  /** A PROP token at `off`: offset of the next token, or BadProperty / BadString. */
  private checkProp(off: number): number {
    if (off + 12 > this.structEnd) return FdtStatus.BadProperty;
    const len = this.u32(off + 4);
    if (len > this.structEnd - off - 12) return FdtStatus.BadProperty;
    const nameoff = this.u32(off + 8);
    if (nameoff >= this.sizeStrings) return FdtStatus.BadString;
    const strEnd = this.offStrings + this.sizeStrings;
    for (let p = this.offStrings + nameoff; p < strEnd; p++) {
      if (this.u8(p) === 0) return fdtAlign4(off + 12 + len);
    }
    return FdtStatus.BadString;
  }

  // ---- walking --------------------------------------------------------------------------

  private skipNops(off: number): number {
    let p = off;
    while (p < this.structEnd && this.u32(p) === FdtToken.Nop) p += 4;
    return p;
  }

  /** Offset of the token after the one at `off` (END and unknown tokens: the block end). */
  private nextToken(off: number): number {
    const tag = this.u32(off);
    if (tag === FdtToken.EndNode || tag === FdtToken.Nop) return off + 4;
    if (tag === FdtToken.Prop) return fdtAlign4(off + 12 + this.u32(off + 4));
    if (tag === FdtToken.BeginNode) {
      let p = off + 4;
      while (p < this.structEnd && this.u8(p) !== 0) p++;
      return fdtAlign4(p + 1);
    }
    return this.structEnd;
  }

  /** Offset of the first token after the node's name (its first property or child). */
  private nodeBody(node: number): number { return this.nextToken(node); }

  /** Offset of the token following the END_NODE that closes `node`. */
  private skipNode(node: number): number {
    let depth = 0;
    let p = node;
    while (p < this.structEnd) {
      const tag = this.u32(p);
      if (tag === FdtToken.BeginNode) depth++;
      else if (tag === FdtToken.EndNode) depth--;
      p = this.nextToken(p);
      if (depth === 0) return p;
    }
    return this.structEnd;
  }

  /** True when `node` is a BEGIN_NODE offset of the opened tree (cheap sanity check). */
  private isNode(node: number): boolean {
    return this.valid && node >= this.offStruct && node + 4 <= this.structEnd &&
      (node & 3) === 0 && this.u32(node) === FdtToken.BeginNode;
  }

  /** Offset of the first child node of `node`, or NotFound (NotOpen if not a node). */
  firstChild(node: number): number {
    if (!this.isNode(node)) return FdtStatus.NotOpen;
    let p = this.nodeBody(node);
    while (p < this.structEnd) {
      const tag = this.u32(p);
      if (tag === FdtToken.BeginNode) return p;
      if (tag !== FdtToken.Prop && tag !== FdtToken.Nop) return FdtStatus.NotFound;
      p = this.nextToken(p);
    }
    return FdtStatus.NotFound;
  }

  /** Offset of the next sibling of `node`, or NotFound (NotOpen if not a node). */
  nextSibling(node: number): number {
    if (!this.isNode(node)) return FdtStatus.NotOpen;
    const p = this.skipNops(this.skipNode(node));
    if (p < this.structEnd && this.u32(p) === FdtToken.BeginNode) return p;
    return FdtStatus.NotFound;
  }

  /**
   * Does the name of `node` match `s[start, end)`? As in libfdt, a name without '@' also
   * matches a node named "name@unit".
   */
  private nameMatches(node: number, s: string, start: number, end: number): boolean {
    const n = node + 4;
    let hasAt = false;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x40) hasAt = true;
      if (c === 0 || this.u8(n + i - start) !== c) return false;
    }
    const after = this.u8(n + end - start);
    return after === 0 || (!hasAt && after === 0x40);
  }

  /** Child of `parent` named `s[start, end)`, or NotFound. */
  private subnodeRange(parent: number, s: string, start: number, end: number): number {
    for (let c = this.firstChild(parent); c >= 0; c = this.nextSibling(c)) {
      if (this.nameMatches(c, s, start, end)) return c;
    }
    return FdtStatus.NotFound;
  }

  /** Child of `parent` called `name` ("cpus", "memory@0"; "memory" matches "memory@0"). */
  subnode(parent: number, name: string): number {
    return this.subnodeRange(parent, name, 0, name.length);
  }

  /**
   * The node at an absolute path ("/", "/cpus", "/memory@0", "/ibm,opal/firmware"). Empty
   * components are skipped. Returns its offset, NotFound, BadValue (relative path) or NotOpen.
   */
  pathOffset(path: string): number {
    if (!this.valid) return FdtStatus.NotOpen;
    if (path.length === 0 || path.charCodeAt(0) !== 0x2f) return FdtStatus.BadValue;
    let node = this.rootNode;
    let i = 1;
    while (i < path.length && node >= 0) {
      let j = i;
      while (j < path.length && path.charCodeAt(j) !== 0x2f) j++;
      if (j > i) node = this.subnodeRange(node, path, i, j);
      i = j + 1;
    }
    return node;
  }

  // ---- properties -----------------------------------------------------------------------

  /** Is the name of the property at `prop` equal to `name`? */
  private propNameIs(prop: number, name: string): boolean {
    const s = this.offStrings + this.u32(prop + 8);
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 0 || this.u8(s + i) !== c) return false;
    }
    return this.u8(s + name.length) === 0;
  }

  /** Offset of the PROP token of `node`'s property `name`, or NotFound (NotOpen). */
  findProp(node: number, name: string): number {
    if (!this.isNode(node)) return FdtStatus.NotOpen;
    let p = this.nodeBody(node);
    while (p < this.structEnd) {
      const tag = this.u32(p);
      if (tag === FdtToken.Prop) {
        if (this.propNameIs(p, name)) return p;
      } else if (tag !== FdtToken.Nop) {
        return FdtStatus.NotFound;
      }
      p = this.nextToken(p);
    }
    return FdtStatus.NotFound;
  }

  /** Length in bytes of the value of the property at `prop` (from findProp). */
  propLen(prop: number): number { return this.u32(prop + 4); }

  /** Byte `i` of the value of `prop`; BadValue when `i` is outside the value. */
  propByte(prop: number, i: number): number {
    if (i < 0 || i >= this.propLen(prop)) return FdtStatus.BadValue;
    return this.u8(prop + 12 + i);
  }

  /** 32-bit cell `i` of the value of `prop` (unsigned); BadValue when outside the value. */
  propCell(prop: number, i: number): number {
    if (i < 0 || (i + 1) * 4 > this.propLen(prop)) return FdtStatus.BadValue;
    return this.u32(prop + 12 + i * 4);
  }

  /**
   * The value of `cells` (1 or 2) cells of `prop` starting at cell `i`, as a 64-bit value.
   * Precondition: the cells are inside the value (check propLen); otherwise returns 0n.
   */
  propCells(prop: number, i: number, cells: number): u64 {
    if (cells < 1 || cells > 2 || i < 0 || (i + cells) * 4 > this.propLen(prop)) return 0n;
    const at = prop + 12 + i * 4;
    if (cells === 1) return BigInt(this.u32(at));
    return make64(this.u32(at), this.u32(at + 4));
  }

  /** Does the value of `prop` hold exactly the string `s` (with its NUL)? */
  propIsString(prop: number, s: string): boolean {
    if (this.propLen(prop) !== s.length + 1) return false;
    return this.bytesEqual(prop + 12, s) && this.u8(prop + 12 + s.length) === 0;
  }

  /** Are the `s.length` bytes at `at` the characters of `s`? (Stops at the first mismatch.) */
  private bytesEqual(at: number, s: string): boolean {
    for (let i = 0; i < s.length; i++) {
      if (this.u8(at + i) !== s.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * Is `s` one of the NUL-separated strings of `prop` (a compatible list)? With `prefix`
   * true, a string merely starting with `s` counts too.
   */
  propListHas(prop: number, s: string, prefix: boolean): boolean {
    const len = this.propLen(prop);
    const v = prop + 12;
    let start = 0;
    while (start < len) {
      let end = start;
      while (end < len && this.u8(v + end) !== 0) end++;
      const n = end - start;
      if ((n === s.length || (prefix && n > s.length)) && this.bytesEqual(v + start, s)) return true;
      start = end + 1;
    }
    return false;
  }

  /**
   * Copy the string value of `prop` (without its NUL) into `out`. Returns its length, BadValue
   * if the value is not NUL-terminated, NoSpace (nothing copied) if `out` is too short.
   */
  propCopyString(prop: number, out: Uint8Array): number {
    const len = this.propLen(prop);
    if (len === 0 || this.u8(prop + 12 + len - 1) !== 0) return FdtStatus.BadValue;
    if (len - 1 > out.length) return FdtStatus.NoSpace;
    for (let i = 0; i < len - 1; i++) out[i] = this.u8(prop + 12 + i);
    return len - 1;
  }

  /** `node`'s single-cell property `name`: its value, `dflt` if absent, BadValue if not 4 bytes. */
  getU32(node: number, name: string, dflt: number): number {
    const p = this.findProp(node, name);
    if (p < 0) return p === FdtStatus.NotFound ? dflt : p;
    return this.propLen(p) === 4 ? this.u32(p + 12) : FdtStatus.BadValue;
  }

  /** Is `node`'s property `name` exactly the string `s`? */
  stringIs(node: number, name: string, s: string): boolean {
    const p = this.findProp(node, name);
    return p >= 0 && this.propIsString(p, s);
  }

  /** Does `node`'s `compatible` list contain `s` (or, with `prefix`, a string starting with it)? */
  isCompatible(node: number, s: string, prefix: boolean): boolean {
    const p = this.findProp(node, "compatible");
    return p >= 0 && this.propListHas(p, s, prefix);
  }

  /** Copy `node`'s string property `name` into `out`: length, or NotFound/BadValue/NoSpace. */
  copyString(node: number, name: string, out: Uint8Array): number {
    const p = this.findProp(node, name);
    return p < 0 ? p : this.propCopyString(p, out);
  }

  /** A node without `status`, or with "okay"/"ok", is available (Devicetree spec 2.3.4). */
  isAvailable(node: number): boolean {
    const p = this.findProp(node, "status");
    return p < 0 || this.propIsString(p, "okay") || this.propIsString(p, "ok");
  }

  /** A 1- or 2-cell frequency property of `node`; 0n when absent or of another size. */
  private frequency(node: number, name: string): u64 {
    const p = this.findProp(node, name);
    if (p < 0) return 0n;
    const len = this.propLen(p);
    return len === 4 || len === 8 ? this.propCells(p, 0, len >> 2) : 0n;
  }

  // ---- the hypervisor's queries ---------------------------------------------------------

  /**
   * Which machine the tree describes: PowerNV when the root is compatible with "ibm,powernv"
   * or "qemu,powernv*", Pseries for "qemu,pseries" or a root device_type "chrp" (PAPR).
   */
  platform(): Platform {
    if (!this.valid) return Platform.Unknown;
    const r = this.rootNode;
    if (this.isCompatible(r, "ibm,powernv", false) || this.isCompatible(r, "qemu,powernv", true)) {
      return Platform.PowerNV;
    }
    if (this.isCompatible(r, "qemu,pseries", false) || this.stringIs(r, "device_type", "chrp")) {
      return Platform.Pseries;
    }
    return Platform.Unknown;
  }

  /** The root `model` string into `out`: its length, or NotFound/BadValue/NoSpace/NotOpen. */
  model(out: Uint8Array): number {
    return this.valid ? this.copyString(this.rootNode, "model", out) : FdtStatus.NotOpen;
  }

  /** /chosen `bootargs` into `out`: its length, or NotFound/BadValue/NoSpace/NotOpen. */
  bootargs(out: Uint8Array): number {
    const chosen = this.pathOffset("/chosen");
    return chosen < 0 ? chosen : this.copyString(chosen, "bootargs", out);
  }

  /**
   * Append to `out` the (base, size) entries of `node`'s `reg` with the given cell counts,
   * skipping zero sizes. Returns Ok, NotFound (no reg), BadValue or NoSpace.
   */
  private addRegs(node: number, ac: number, sc: number, out: MemRanges): FdtStatus {
    const p = this.findProp(node, "reg");
    if (p < 0) return p;
    const entry = ac + sc;
    const len = this.propLen(p);
    if (len === 0 || len % (entry * 4) !== 0) return FdtStatus.BadValue;
    for (let i = 0; i < (len >> 2); i += entry) {
      const base = this.propCells(p, i, ac);
      const size = this.propCells(p, i + ac, sc);
      if (size === 0n || out.has(base, size)) continue;
      if (!out.add(base, size)) return FdtStatus.NoSpace;
    }
    return FdtStatus.Ok;
  }

  /** #address-cells and #size-cells of `node` for its children's reg: 1 or 2 each, or BadValue. */
  private regCells(node: number, dfltAc: number, dfltSc: number): number {
    const ac = this.getU32(node, "#address-cells", dfltAc);
    const sc = this.getU32(node, "#size-cells", dfltSc);
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return FdtStatus.BadValue;
    return ac * 4 + sc;
  }

  private isMemoryNode(node: number): boolean {
    if (this.findProp(node, "device_type") >= 0) return this.stringIs(node, "device_type", "memory");
    return this.nameMatches(node, "memory", 0, 6);
  }

  /**
   * The RAM: the `reg` ranges of every available top-level memory node (device_type
   * "memory", or named memory[@unit] without a device_type), decoded with the root's
   * #address-cells/#size-cells (1 or 2 each; defaults 2 and 1). `out` is cleared first.
   * Returns Ok, or the first problem (BadValue for a malformed reg, NoSpace when `out` is
   * full); ranges read before and after a BadValue are kept.
   */
  memory(out: MemRanges): FdtStatus {
    out.clear();
    if (!this.valid) return FdtStatus.NotOpen;
    const cells = this.regCells(this.rootNode, 2, 1);
    if (cells < 0) return cells;
    let st = FdtStatus.Ok;
    for (let n = this.firstChild(this.rootNode); n >= 0; n = this.nextSibling(n)) {
      if (!this.isMemoryNode(n) || !this.isAvailable(n)) continue;
      const r = this.addRegs(n, cells >> 2, cells & 3, out);
      if (r === FdtStatus.NoSpace) return r;
      if (r !== FdtStatus.Ok && st === FdtStatus.Ok) st = r === FdtStatus.NotFound ? FdtStatus.BadValue : r;
    }
    return st;
  }

  /**
   * Reserved memory: the header's reservation map, then the `reg` of each child of
   * /reserved-memory (skiboot lists its regions in both; exact duplicates are listed once).
   * `out` is cleared first. Returns Ok, NoSpace, or BadValue for a malformed reg.
   */
  reserved(out: MemRanges): FdtStatus {
    out.clear();
    if (!this.valid) return FdtStatus.NotOpen;
    for (let off = this.offRsv; ; off += 16) {
      const base = make64(this.u32(off), this.u32(off + 4));
      const size = make64(this.u32(off + 8), this.u32(off + 12));
      if (base === 0n && size === 0n) break;
      if (size === 0n || out.has(base, size)) continue;
      if (!out.add(base, size)) return FdtStatus.NoSpace;
    }
    const rm = this.subnode(this.rootNode, "reserved-memory");
    if (rm < 0) return FdtStatus.Ok;
    const rootCells = this.regCells(this.rootNode, 2, 1);
    if (rootCells < 0) return rootCells;
    const cells = this.regCells(rm, rootCells >> 2, rootCells & 3);
    if (cells < 0) return cells;
    let st = FdtStatus.Ok;
    for (let n = this.firstChild(rm); n >= 0; n = this.nextSibling(n)) {
      const r = this.addRegs(n, cells >> 2, cells & 3, out);
      if (r === FdtStatus.NoSpace) return r;
      if (r === FdtStatus.BadValue) st = r;
    }
    return st;
  }

  /**
   * The CPUs: every available child of /cpus with device_type "cpu", in tree order, with its
   * `reg` (first hardware thread id; /cpus #address-cells 1, or 2 with a zero high cell), the
   * number of `ibm,ppc-interrupt-server#s` entries (1 when absent) and the node's or /cpus'
   * `timebase-frequency` (1 or 2 cells; 0 when absent). `out` is cleared first. Returns Ok,
   * NotFound (no /cpus), BadValue (a cpu without a usable reg or server list) or NoSpace.
   */
  cpus(out: CpuTable): FdtStatus {
    out.clear();
    if (!this.valid) return FdtStatus.NotOpen;
    const cpusNode = this.subnode(this.rootNode, "cpus");
    if (cpusNode < 0) return cpusNode;
    const ac = this.getU32(cpusNode, "#address-cells", 1);
    if (ac < 1 || ac > 2) return FdtStatus.BadValue;
    const parentTb = this.frequency(cpusNode, "timebase-frequency");
    for (let n = this.firstChild(cpusNode); n >= 0; n = this.nextSibling(n)) {
      if (!this.stringIs(n, "device_type", "cpu") || !this.isAvailable(n)) continue;
      const reg = this.findProp(n, "reg");
      if (reg < 0 || this.propLen(reg) < ac * 4) return FdtStatus.BadValue;
      if (ac === 2 && this.propCell(reg, 0) !== 0) return FdtStatus.BadValue;
      const servers = this.findProp(n, "ibm,ppc-interrupt-server#s");
      const slen = servers < 0 ? 4 : this.propLen(servers);
      if (slen === 0 || (slen & 3) !== 0) return FdtStatus.BadValue;
      const tb = this.frequency(n, "timebase-frequency");
      if (!out.add(n, this.propCell(reg, ac - 1), slen >> 2, tb !== 0n ? tb : parentTb)) {
        return FdtStatus.NoSpace;
      }
    }
    return FdtStatus.Ok;
  }
}

const scratch = new Fdt();

/**
 * Validate the flattened device tree at physical address `addr` (at most `limit` bytes
 * readable there). Returns Ok or the first problem; never reads outside the blob.
 */
export function fdtValidate(addr: u64, limit: number): FdtStatus {
  return scratch.open(addr, limit);
}
