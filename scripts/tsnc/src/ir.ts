/**
 * Helpers for writing LLVM IR text (LLVM 19, opaque pointers).
 */

/** An LLVM operand with its type: `{ ty: 'i64', v: '%t3' }`. */
export interface Operand { ty: string; v: string }

/** Quote a symbol name for LLVM (`@"hv/gate.decide"`). */
export function sym(name: string): string {
  return /^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(name) ? `@${name}` : `@"${name.replace(/"/g, '\\22')}"`;
}

/** An i64 constant as LLVM text (two's complement of the value mod 2^64). */
export function i64(v: bigint | number): string { return BigInt.asIntN(64, BigInt(v)).toString(); }

/** Bytes as an LLVM `c"..."` string constant. */
export function cString(bytes: Uint8Array | number[]): string {
  let s = 'c"';
  for (const b of bytes) {
    s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : '\\' + b.toString(16).padStart(2, '0').toUpperCase();
  }
  return s + '"';
}

/**
 * The body of one LLVM function under construction: numbered temporaries, labelled blocks,
 * entry-block allocas, and tracking of whether the current block is already terminated
 * (code after `return` or `break` lands in a fresh unreachable block).
 */
export class FunctionBuilder {
  private lines: string[] = [];
  private allocas: string[] = [];
  private tmp = 0;
  private labels = 0;
  /** Label of the block being filled. */
  block = 'entry';
  /** The current block has its terminator already. */
  terminated = false;

  /** A fresh temporary name. */
  temp(): string { return `%t${this.tmp++}`; }
  /** A fresh block label with a readable prefix. */
  label(prefix: string): string { return `${prefix}.${this.labels++}`; }

  /** Emit an instruction without result. */
  emit(text: string): void {
    if (this.terminated) this.begin(this.label('dead'));
    this.lines.push('  ' + text);
  }
  /** Emit an instruction producing a value; returns the temporary. */
  value(text: string): string {
    const t = this.temp();
    this.emit(`${t} = ${text}`);
    return t;
  }
  /** Emit a terminator (br, ret, switch, unreachable). */
  terminate(text: string): void {
    this.emit(text);
    this.terminated = true;
  }
  /** Start a new block; falls through from the current one if it is open. */
  begin(label: string): void {
    if (!this.terminated) this.lines.push(`  br label %${label}`);
    this.lines.push(`${label}:`);
    this.block = label;
    this.terminated = false;
  }
  /** Branch to `label` unless the block is already terminated. */
  jump(label: string): void { if (!this.terminated) this.terminate(`br label %${label}`); }
  /** A stack slot in the entry block. */
  alloca(ty: string, name: string): string {
    // `v.` keeps variables apart from block labels (then.3, ok.7, …): LLVM names values and blocks
    // in one namespace, so a variable called `ok` must not become %ok.7
    const p = `%v.${name.replace(/[^A-Za-z0-9_]/g, '_')}.${this.tmp++}`;
    this.allocas.push(`  ${p} = alloca ${ty}, align 8`);
    return p;
  }
  /** The finished body text (without the `define` line). */
  body(): string[] { return ['entry:', ...this.allocas, ...this.lines]; }
}
