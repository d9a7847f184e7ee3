/**
 * Test helpers for the ELF reader and the guest bundle: real ppc64 ELF images built with
 * clang-19 and ld.lld (a vmlinux-like ET_EXEC with p_paddr 0 and a position-independent
 * ET_DYN, in either byte order, and an x86-64 program), and a writer of hand-made ELF64
 * images for the refusals a linker would never produce. Not restricted code.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const START_S = `
        .section .text
        .globl _start
_start:
        li 3, 42
        b .
        .section .data
        .globl value
value:  .quad 0x1122334455667788
        .section .bss
        .space 4096
`;

/** Like Linux's vmlinux.lds: linked at 0xc000000000000000, loaded at physical 0 (AT). */
const KERNEL_LDS = `
ENTRY(_start)
PHDRS { text PT_LOAD; data PT_LOAD; }
SECTIONS {
  . = 0xc000000000000000;
  .text : AT(0) { *(.text*) } :text
  . = ALIGN(0x10000);
  .data : AT(ADDR(.data) - 0xc000000000000000) { *(.data*) } :data
  .bss : { *(.bss*) } :data
  /DISCARD/ : { *(.eh_frame*) *(.comment) *(.note*) }
}
`;

export type ElfKind = 'exec-be' | 'exec-le' | 'dyn-be' | 'dyn-le' | 'x86';

let workDir = '';
const built = new Map<ElfKind, string>();

/** Path of a real ELF of the given kind, built once per test run with clang-19. */
export function realElfPath(kind: ElfKind): string {
  const done = built.get(kind);
  if (done) return done;
  if (!workDir) {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tshype-elf-'));
    fs.writeFileSync(path.join(workDir, 'start.S'), START_S);
    fs.writeFileSync(path.join(workDir, 'kernel.lds'), KERNEL_LDS);
    fs.writeFileSync(path.join(workDir, 'x86.c'), 'void _start(void) { for (;;) { } }\n');
    process.on('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
  }
  const out = path.join(workDir, `${kind}.elf`);
  const triple = kind.endsWith('-le') ? 'powerpc64le-unknown-linux-gnu' : 'powerpc64-unknown-linux-gnu';
  const common = ['-nostdlib', '-fuse-ld=lld', '-Wl,--build-id=none', '-o', out];
  let args: string[];
  if (kind === 'x86') {
    args = ['--target=x86_64-unknown-linux-gnu', '-static', '-O1', ...common, path.join(workDir, 'x86.c')];
  } else if (kind.startsWith('exec')) {
    args = [`--target=${triple}`, '-static', `-Wl,-T,${path.join(workDir, 'kernel.lds')}`, '-Wl,--no-dynamic-linker',
      ...common, path.join(workDir, 'start.S')];
  } else {
    // linked at a base that is not 64 KiB aligned, so the placement's rounding shows
    args = [`--target=${triple}`, '-shared', '-Wl,-e,_start', '-Wl,--image-base=0x12345000', ...common,
      path.join(workDir, 'start.S')];
  }
  execFileSync('clang-19', args, { stdio: 'pipe' });
  built.set(kind, out);
  return out;
}

/** The bytes of a real ELF of the given kind. */
export function realElf(kind: ElfKind): Uint8Array {
  return new Uint8Array(fs.readFileSync(realElfPath(kind)));
}

/** One program header of a hand-made image. */
export interface Phdr {
  type?: number; flags?: number; offset: bigint; vaddr: bigint; paddr: bigint; filesz: bigint; memsz: bigint;
}

/** A hand-made ELF64 image: header fields and program headers (table right after the header). */
export interface ElfSpec {
  le?: boolean; cls?: number; data?: number; identVersion?: number; version?: number;
  type?: number; machine?: number; entry: bigint; ehsize?: number; phentsize?: number;
  phnum?: number; phoff?: bigint; phdrs: Phdr[]; size?: number;
}

/** Write `spec` as bytes: ELF header, program header table at 64, zero-filled to `size`. */
export function makeElf(spec: ElfSpec): Uint8Array {
  const le = spec.le ?? false;
  const size = spec.size ?? Math.max(0x20000, 64 + 56 * spec.phdrs.length);
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, spec.cls ?? 2, spec.data ?? (le ? 1 : 2), spec.identVersion ?? 1], 0);
  v.setUint16(16, spec.type ?? 2, le);
  v.setUint16(18, spec.machine ?? 21, le);
  v.setUint32(20, spec.version ?? 1, le);
  v.setBigUint64(24, spec.entry, le);
  v.setBigUint64(32, spec.phoff ?? 64n, le);
  v.setUint16(52, spec.ehsize ?? 64, le);
  v.setUint16(54, spec.phentsize ?? 56, le);
  v.setUint16(56, spec.phnum ?? spec.phdrs.length, le);
  spec.phdrs.forEach((p, i) => {
    const o = 64 + 56 * i;
    if (o + 56 > size) return;
    v.setUint32(o, p.type ?? 1, le);
    v.setUint32(o + 4, p.flags ?? 7, le);
    v.setBigUint64(o + 8, p.offset, le);
    v.setBigUint64(o + 16, p.vaddr, le);
    v.setBigUint64(o + 24, p.paddr, le);
    v.setBigUint64(o + 32, p.filesz, le);
    v.setBigUint64(o + 40, p.memsz, le);
    v.setBigUint64(o + 48, 0x10000n, le);
  });
  return b;
}

/** A valid vmlinux-like spec: one PT_LOAD at p_paddr 0, virtual 0xc000000000000000. */
export function kernelSpec(le = true): ElfSpec {
  return {
    le, entry: 0xc000000000000000n,
    phdrs: [{ offset: 0x10000n, vaddr: 0xc000000000000000n, paddr: 0n, filesz: 0x8000n, memsz: 0x10000n }],
  };
}

/** Offset of the program header table and the number of entries, from the header. */
export function phdrTable(b: Uint8Array): { phoff: number; phnum: number; le: boolean } {
  const le = b[5] === 1;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { phoff: Number(v.getBigUint64(32, le)), phnum: v.getUint16(56, le), le };
}
