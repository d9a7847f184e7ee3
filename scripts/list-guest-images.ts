/**
 * The external images a configuration names (system.addElf: image and initrd), as the
 * arguments of scripts/guest-bundle.ts pack, one per line: `--mem MiB` (the partition's memory,
 * which its ELF must fit) before each `NAME=PATH:elf`, and `NAME=PATH:data` for an initrd. A name is the path as
 * the configuration gives it, except for the one-off configuration of `make run GUEST=…`
 * (scripts/gen-guest-config.cjs), which maps short names to the files given with
 * `// tshype-image NAME=PATH` comments.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/list-guest-images.ts CONFIG.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { Program, SystemConfig } from '../lpar/config';

const file = process.argv[2];
if (!file) {
  console.error('usage: list-guest-images.ts CONFIG.ts');
  process.exit(2);
}
const abs = path.resolve(file);
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { system } = require(abs) as { system: SystemConfig };
const mapped = new Map<string, string>();
for (const m of fs.readFileSync(abs, 'utf8').matchAll(/^\/\/ tshype-image (\S+?)=(.+)$/gm)) mapped.set(m[1], m[2]);
const seen = new Set<string>();
for (let i = 0; i < system.count; i++) {
  const p = system.partitions[i];
  if (p.program !== Program.Elf) continue;
  for (const [name, kind] of [[p.image, 'elf'], [p.initrd, 'data']]) {
    if (name === '' || seen.has(name)) continue;
    seen.add(name);
    if (kind === 'elf') console.log(`--mem\n${p.memoryMiB}`);
    console.log(`${name}=${mapped.get(name) ?? name}:${kind}`);
  }
}
