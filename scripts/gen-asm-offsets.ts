/**
 * Generate an assembler header from TypeScript layouts (STYLE #9: offsets come from the TS
 * side, as Linux's and skiboot's asm-offsets.c do for C). Two kinds of source:
 *
 *   LAYOUT.ts               every exported constant that is an integer (number, or bigint
 *                           written in hexadecimal) becomes `#define NAME value`, in the
 *                           module's export order;
 *   FILE.ts:Class:PREFIX    every field of the class becomes `#define PREFIX<FIELD> offset`
 *                           (FIELD in upper snake case: decTimebase -> DEC_TIMEBASE), plus
 *                           `PREFIX`BYTES, by tsnc's own layout rule (tsnc/src/driver.ts
 *                           classLayout), so that assembly addresses an object's fields.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts OUT.h SOURCE...
 *
 * scripts/build-image.sh runs it for arch/ppc64/bits.ts (bits.h: the MSR bits), lpar/vcpu.ts's
 * Vcpu (vcpu-offsets.h) and arch/ppc64/<platform>/asm-offsets.ts when the platform has one
 * (asm-offsets.h).
 */
import * as fs from 'fs';
import * as path from 'path';
import { classLayout } from './tsnc/src/driver';

/** `#ifndef` guard lines and the generated-from comment for a header made from `what`. */
function frame(what: string, body: string[]): string {
  const guard = 'TSHYPE_' + what.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
  return [`/* Generated from ${what} by scripts/gen-asm-offsets.ts: do not edit. */`,
    `#ifndef ${guard}`, `#define ${guard}`, ...body, '#endif', ''].join('\n');
}

/** The `#define` lines for the exported integer constants of `modulePath`. */
function constantLines(modulePath: string): string[] {
  const file = path.resolve(modulePath);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const layout = require(file) as Record<string, unknown>;
  const rel = path.relative(process.cwd(), file);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(layout)) {
    const isNumber = typeof value === 'number' && Number.isSafeInteger(value);
    if (!isNumber && typeof value !== 'bigint') continue;
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`${rel}: export ${name} is not an upper-case constant name`);
    lines.push(`#define ${name} ${isNumber ? value : `0x${(value as bigint).toString(16)}`}`);
  }
  return lines;
}

/** `decTimebase` -> `DEC_TIMEBASE`. */
export function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The `#define` lines for the fields of class `className` in `file`, prefixed `prefix`. */
function fieldLines(file: string, className: string, prefix: string): string[] {
  const fields = classLayout(file, className);
  const lines = fields.map(f => `#define ${prefix}${upperSnake(f.name)} ${f.offset}`);
  lines.push(`#define ${prefix}BYTES ${Math.max(8, 8 * fields.length)}`);
  return lines;
}

/** The header text for the exports of `modulePath` (a path relative to the working directory). */
export function asmOffsets(modulePath: string): string {
  return frame(path.relative(process.cwd(), path.resolve(modulePath)), constantLines(modulePath));
}

/** The header text for the fields of `className` in `file` (`prefix` before every name). */
export function classOffsets(file: string, className: string, prefix: string): string {
  return frame(`${path.relative(process.cwd(), path.resolve(file))}:${className}`, fieldLines(file, className, prefix));
}

function main(): void {
  const [out, source] = process.argv.slice(2);
  if (!out || !source || process.argv.length > 4) {
    console.error('usage: gen-asm-offsets.ts OUT.h LAYOUT.ts | OUT.h FILE.ts:Class:PREFIX');
    process.exit(2);
  }
  const parts = source.split(':');
  const text = parts.length === 3 ? classOffsets(parts[0], parts[1], parts[2]) : asmOffsets(source);
  // rewrite only on change, so that make-style timestamps stay meaningful
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) fs.writeFileSync(out, text);
}

if (require.main === module) main();
