/**
 * Generate an assembler header from a TypeScript layout module (STYLE #9: offsets come from
 * the TS side, as Linux's and skiboot's asm-offsets.c do for C): every exported constant that
 * is an integer becomes `#define NAME value`, in the module's export order.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/gen-asm-offsets.ts LAYOUT.ts OUT.h
 *
 * scripts/build-image.sh runs it for arch/ppc64/<platform>/asm-offsets.ts when the platform
 * has one, and puts OUT.h on the assembler's include path.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The header text for the exports of `modulePath` (a path relative to the working directory). */
export function asmOffsets(modulePath: string): string {
  const file = path.resolve(modulePath);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const layout = require(file) as Record<string, unknown>;
  const rel = path.relative(process.cwd(), file);
  const guard = 'TSHYPE_' + rel.replace(/[^A-Za-z0-9]/g, '_').toUpperCase();
  const lines = [
    `/* Generated from ${rel} by scripts/gen-asm-offsets.ts: do not edit. */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
  ];
  for (const [name, value] of Object.entries(layout)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) continue;
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`${rel}: export ${name} is not an upper-case constant name`);
    lines.push(`#define ${name} ${value}`);
  }
  lines.push('#endif', '');
  return lines.join('\n');
}

function main(): void {
  const [layout, out] = process.argv.slice(2);
  if (!layout || !out) {
    console.error('usage: gen-asm-offsets.ts LAYOUT.ts OUT.h');
    process.exit(2);
  }
  const text = asmOffsets(layout);
  // rewrite only on change, so that make-style timestamps stay meaningful
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) fs.writeFileSync(out, text);
}

if (require.main === module) main();
