/**
 * ELF64 image reader: the headers of a guest kernel or program that sits in physical memory,
 * checked and turned into a placement plan (which file bytes go to which partition-relative
 * physical addresses, and where to enter). It reads only the ELF header and the program
 * header table, with load8/16/32/64 in the image's own byte order, and copies nothing.
 *
 * Format (System V ABI, "ELF-64 Object File Format" 1.5; Power ELFv2 ABI for EM_PPC64): a
 * 64-byte header (e_ident[16], e_type u16 @16, e_machine u16 @18, e_version u32 @20, e_entry
 * u64 @24, e_phoff u64 @32, e_shoff @40, e_flags u32 @48, e_ehsize u16 @52, e_phentsize u16
 * @54, e_phnum u16 @56, ...) and e_phnum program headers of 56 bytes (p_type u32 @0, p_flags
 * @4, p_offset u64 @8, p_vaddr @16, p_paddr @24, p_filesz @32, p_memsz @40, p_align @48).
 *
 * What is accepted: ELF64 (EI_CLASS 2) of either byte order (EI_DATA 1 little, 2 big),
 * EI_VERSION and e_version 1, e_machine 21 (EM_PPC64), ET_EXEC or ET_DYN, e_ehsize 64 and
 * e_phentsize 56, the program header table inside the file, and 1..ELF_MAX_SEGMENTS PT_LOAD
 * segments (other program headers are ignored, as are PT_LOADs with p_memsz 0), each with its
 * file bytes inside the image, p_filesz <= p_memsz, no 64-bit wrap-around, its memory inside
 * [0, limit) and no two overlapping.
 *
 * Placement (partition-relative physical addresses):
 * - ET_EXEC: each segment at its p_paddr, as QEMU's pseries and PAPR firmware load a kernel.
 *   Debian's vmlinux has one PT_LOAD with p_paddr 0 and p_vaddr 0xc000000000000000.
 * - ET_DYN (position independent): at a 64 KiB-aligned base `loadBase`, each segment at
 *   loadBase + (p_vaddr - the lowest p_vaddr rounded down to 64 KiB). The base chosen is 0:
 *   a PAPR kernel expects to own real address 0 (its interrupt vectors live there).
 * - Entry: e_entry is a virtual address; it is translated through the PT_LOAD whose
 *   [p_vaddr, p_vaddr + p_memsz) holds it: entry = e_entry - p_vaddr + physical address.
 *   The entry is used as a code address (as firmware enters a kernel), never as an ELFv1
 *   function descriptor.
 *
 * Trust: `open` reads nothing outside [addr, addr + min(size, header table end)), and every
 * result it leaves in the object (only when it returns Ok) obeys the rules above. Nothing here
 * allocates after construction.
 */
import type { u64 } from "tsnc";
import { load8, load16, load32, load64, load16le, load32le, load64le } from "tsnc";

/** Result of `ElfImage.open`: Ok, or the first rule the image breaks. */
export const enum ElfStatus {
  Ok = 0,
  /** The image is shorter than its ELF header, or its program header table runs past its end. */
  Truncated,
  /** The first four bytes are not 0x7f 'E' 'L' 'F'. */
  BadMagic,
  /** EI_CLASS is not ELFCLASS64. */
  NotElf64,
  /** EI_DATA is neither ELFDATA2LSB (1) nor ELFDATA2MSB (2). */
  BadByteOrder,
  /** EI_VERSION or e_version is not EV_CURRENT (1). */
  BadVersion,
  /** e_machine is not EM_PPC64 (21). */
  WrongMachine,
  /** e_type is neither ET_EXEC (2) nor ET_DYN (3): a relocatable object, core file, ... */
  BadType,
  /** e_ehsize is not 64 or e_phentsize is not 56. */
  BadHeaderSize,
  /** No PT_LOAD segment with bytes to load. */
  NoSegments,
  /** More PT_LOAD segments than ELF_MAX_SEGMENTS (or e_phnum is PN_XNUM, 0xffff). */
  TooManySegments,
  /** A PT_LOAD's file bytes [p_offset, p_offset + p_filesz) are not inside the image. */
  SegmentOutsideFile,
  /** A PT_LOAD has p_filesz > p_memsz. */
  SegmentTooLarge,
  /** A PT_LOAD's memory is not inside [0, limit) of the partition (or its address wraps). */
  SegmentOutsidePartition,
  /** Two PT_LOAD segments share a byte of partition memory. */
  SegmentsOverlap,
  /** e_entry is inside no PT_LOAD segment. */
  EntryOutsideSegments,
}

/** One English phrase per status, for messages of the form `file: phrase`. */
export function elfStatusText(s: ElfStatus): string {
  switch (s) {
    case ElfStatus.Ok: return "valid ELF64 PowerPC image";
    case ElfStatus.Truncated: return "truncated ELF image (header or program header table past the end of the file)";
    case ElfStatus.BadMagic: return "not an ELF image (bad magic number)";
    case ElfStatus.NotElf64: return "not a 64-bit ELF image";
    case ElfStatus.BadByteOrder: return "ELF image of unknown byte order";
    case ElfStatus.BadVersion: return "unsupported ELF version";
    case ElfStatus.WrongMachine: return "ELF image for another machine (not EM_PPC64)";
    case ElfStatus.BadType: return "ELF image is neither an executable nor a position-independent executable";
    case ElfStatus.BadHeaderSize: return "ELF header or program header entry of unexpected size";
    case ElfStatus.NoSegments: return "ELF image has no loadable segment";
    case ElfStatus.TooManySegments: return "ELF image has too many loadable segments";
    case ElfStatus.SegmentOutsideFile: return "ELF segment extends past the end of the file";
    case ElfStatus.SegmentTooLarge: return "ELF segment has more file bytes than memory bytes";
    case ElfStatus.SegmentOutsidePartition: return "ELF segment does not fit in the partition's memory";
    case ElfStatus.SegmentsOverlap: return "ELF segments overlap";
    case ElfStatus.EntryOutsideSegments: return "ELF entry point is outside every loadable segment";
  }
  return "unknown ELF status";
}

/** Most PT_LOAD segments an image may have (Linux has 1, small programs 2 to 4). */
export const ELF_MAX_SEGMENTS = 16;
/** Alignment of the base an ET_DYN image is loaded at. */
export const ELF_DYN_ALIGN = 0x10000n;

export const ELF_HEADER_SIZE = 64;
export const ELF_PHDR_SIZE = 56;
export const EM_PPC64 = 21;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
const PN_XNUM = 0xffff;

/** True when a + b does not fit 64 bits. */
function wraps(a: u64, b: u64): boolean {
  return BigInt.asUintN(64, a + b) < a;
}

/** True when [a, a+al) and [b, b+bl) share a byte (lengths > 0, ends known not to wrap). */
function overlaps(a: u64, al: u64, b: u64, bl: u64): boolean {
  return a < BigInt.asUintN(64, b + bl) && b < BigInt.asUintN(64, a + al);
}

/**
 * One ELF image in physical memory. `open` validates it and fills the public fields; they
 * describe the image only after `open` returned Ok (otherwise `count` is 0).
 */
export class ElfImage {
  /** EI_DATA was ELFDATA2LSB: every field is read little-endian. */
  littleEndian: boolean = false;
  /** e_type: ET_EXEC (2) or ET_DYN (3). */
  type: number = 0;
  /** Entry point: partition-relative physical address, after placement. */
  entry: u64 = 0n;
  /** PT_LOAD segments kept (those with p_memsz > 0), in program header order. */
  count: number = 0;
  /** Offset of each segment's file bytes in the image. */
  readonly fileOffset: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  /** Bytes to copy from the file (the rest of memSize is zeroed). */
  readonly fileSize: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  /** Partition-relative physical address of each segment. */
  readonly memAddr: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  /** Bytes each segment occupies in memory. */
  readonly memSize: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  /** 0 for ET_EXEC; the 64 KiB-aligned base chosen for ET_DYN (0, see the file comment). */
  loadBase: u64 = 0n;
  /** Lowest physical address any segment occupies. */
  lowest: u64 = 0n;
  /** End (exclusive) of the highest segment's memory. */
  highest: u64 = 0n;

  /** p_vaddr of each kept segment, for the entry translation. */
  private readonly vaddr: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  /** p_paddr of each kept segment (ET_EXEC placement). */
  private readonly paddr: BigUint64Array = new BigUint64Array(ELF_MAX_SEGMENTS);
  private base: u64 = 0n;

  /**
   * Validate the image of `size` bytes at physical address `addr`, for a partition whose
   * memory is [0, limit), and compute its placement. Returns Ok (fields filled) or the first
   * problem found (count 0). Reads only the ELF header and the program header table.
   */
  open(addr: u64, size: u64, limit: u64): ElfStatus {
    this.count = 0;
    this.base = addr;
    let st = this.checkIdent(size);
    if (st === ElfStatus.Ok) st = this.checkHeader(size);
    if (st === ElfStatus.Ok) st = this.readSegments(size);
    if (st === ElfStatus.Ok) st = this.place(limit);
    if (st === ElfStatus.Ok) st = this.checkOverlap();
    if (st === ElfStatus.Ok) st = this.translateEntry();
    if (st !== ElfStatus.Ok) this.count = 0;
    return st;
  }

  /** Index of the segment whose memory holds physical address `pa`, or -1. */
  segmentAt(pa: u64): number {
    for (let i = 0; i < this.count; i++) {
      if (pa >= this.memAddr[i] && BigInt.asUintN(64, pa - this.memAddr[i]) < this.memSize[i]) return i;
    }
    return -1;
  }

  // ---- field access in the image's byte order ---------------------------------------------

  private at(off: u64): u64 { return BigInt.asUintN(64, this.base + off); }
  private u8(off: u64): number { return load8(this.at(off)); }
  private u16(off: u64): number { return this.littleEndian ? load16le(this.at(off)) : load16(this.at(off)); }
  private u32(off: u64): number { return this.littleEndian ? load32le(this.at(off)) : load32(this.at(off)); }
  private u64(off: u64): u64 { return this.littleEndian ? load64le(this.at(off)) : load64(this.at(off)); }

  // ---- checks -------------------------------------------------------------------------------

  /** e_ident: magic, class, byte order, version. */
  private checkIdent(size: u64): ElfStatus {
    if (size < BigInt(ELF_HEADER_SIZE)) return ElfStatus.Truncated;
    if (this.u8(0n) !== 0x7f || this.u8(1n) !== 0x45 || this.u8(2n) !== 0x4c || this.u8(3n) !== 0x46) {
      return ElfStatus.BadMagic;
    }
    if (this.u8(4n) !== 2) return ElfStatus.NotElf64;
    const data = this.u8(5n);
    if (data !== 1 && data !== 2) return ElfStatus.BadByteOrder;
    this.littleEndian = data === 1;
    if (this.u8(6n) !== 1) return ElfStatus.BadVersion;
    return ElfStatus.Ok;
  }

  /** The rest of the ELF header and the program header table's bounds. */
  private checkHeader(size: u64): ElfStatus {
    if (this.u32(20n) !== 1) return ElfStatus.BadVersion;
    if (this.u16(18n) !== EM_PPC64) return ElfStatus.WrongMachine;
    const type = this.u16(16n);
    if (type !== ET_EXEC && type !== ET_DYN) return ElfStatus.BadType;
    this.type = type;
    if (this.u16(52n) !== ELF_HEADER_SIZE || this.u16(54n) !== ELF_PHDR_SIZE) return ElfStatus.BadHeaderSize;
    const phnum = this.u16(56n);
    if (phnum === PN_XNUM) return ElfStatus.TooManySegments;
    const phoff = this.u64(32n);
    const tableSize: u64 = BigInt(phnum * ELF_PHDR_SIZE);
    if (phoff > size || tableSize > BigInt.asUintN(64, size - phoff)) return ElfStatus.Truncated;
    return ElfStatus.Ok;
  }

  /** Collect the PT_LOAD segments and check each against the file. */
  private readSegments(size: u64): ElfStatus {
    const phoff = this.u64(32n);
    const phnum = this.u16(56n);
    for (let i = 0; i < phnum; i++) {
      const ph = BigInt.asUintN(64, phoff + BigInt(i * ELF_PHDR_SIZE));
      if (this.u32(ph) !== PT_LOAD) continue;
      const st = this.addSegment(ph, size);
      if (st !== ElfStatus.Ok) return st;
    }
    return this.count === 0 ? ElfStatus.NoSegments : ElfStatus.Ok;
  }

  /** One PT_LOAD program header at image offset `ph`. */
  private addSegment(ph: u64, size: u64): ElfStatus {
    const offset = this.u64(BigInt.asUintN(64, ph + 8n));
    const vaddr = this.u64(BigInt.asUintN(64, ph + 16n));
    const paddr = this.u64(BigInt.asUintN(64, ph + 24n));
    const filesz = this.u64(BigInt.asUintN(64, ph + 32n));
    const memsz = this.u64(BigInt.asUintN(64, ph + 40n));
    if (offset > size || filesz > BigInt.asUintN(64, size - offset)) return ElfStatus.SegmentOutsideFile;
    if (filesz > memsz) return ElfStatus.SegmentTooLarge;
    if (memsz === 0n) return ElfStatus.Ok;
    if (wraps(vaddr, memsz) || wraps(paddr, memsz)) return ElfStatus.SegmentOutsidePartition;
    if (this.count >= ELF_MAX_SEGMENTS) return ElfStatus.TooManySegments;
    const i = this.count;
    this.fileOffset[i] = offset;
    this.fileSize[i] = filesz;
    this.memSize[i] = memsz;
    this.vaddr[i] = vaddr;
    this.paddr[i] = paddr;
    this.count++;
    return ElfStatus.Ok;
  }

  /** Physical addresses: p_paddr (ET_EXEC) or base + offset from the lowest vaddr (ET_DYN). */
  private place(limit: u64): ElfStatus {
    let lowV = this.vaddr[0];
    for (let i = 1; i < this.count; i++) {
      if (this.vaddr[i] < lowV) lowV = this.vaddr[i];
    }
    const bias = lowV & ~0xffffn; // rounded down to ELF_DYN_ALIGN
    this.loadBase = 0n;
    this.lowest = 0xffffffffffffffffn;
    this.highest = 0n;
    for (let i = 0; i < this.count; i++) {
      const pa = this.type === ET_EXEC ? this.paddr[i] : BigInt.asUintN(64, this.loadBase + this.vaddr[i] - bias);
      const size = this.memSize[i];
      if (pa > limit || size > BigInt.asUintN(64, limit - pa)) return ElfStatus.SegmentOutsidePartition;
      this.memAddr[i] = pa;
      if (pa < this.lowest) this.lowest = pa;
      if (BigInt.asUintN(64, pa + size) > this.highest) this.highest = BigInt.asUintN(64, pa + size);
    }
    return ElfStatus.Ok;
  }

  /** No two segments share a byte of partition memory. */
  private checkOverlap(): ElfStatus {
    for (let i = 0; i < this.count; i++) {
      for (let j = i + 1; j < this.count; j++) {
        if (overlaps(this.memAddr[i], this.memSize[i], this.memAddr[j], this.memSize[j])) {
          return ElfStatus.SegmentsOverlap;
        }
      }
    }
    return ElfStatus.Ok;
  }

  /** e_entry through the segment whose virtual range holds it. */
  private translateEntry(): ElfStatus {
    const e = this.u64(24n);
    for (let i = 0; i < this.count; i++) {
      const v = this.vaddr[i];
      if (e >= v && BigInt.asUintN(64, e - v) < this.memSize[i]) {
        this.entry = BigInt.asUintN(64, e - v + this.memAddr[i]);
        return ElfStatus.Ok;
      }
    }
    return ElfStatus.EntryOutsideSegments;
  }
}
