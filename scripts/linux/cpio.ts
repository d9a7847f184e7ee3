/**
 * Write a directory tree as a "newc" cpio archive (the format the Linux kernel unpacks as an
 * initramfs, Documentation/driver-api/early-userspace/buffer-format.rst), reproducibly: entries
 * sorted by path, owner root, mtime 0, inode numbers in order. Adds device nodes named on the
 * command line, since an unprivileged build cannot mknod them in the tree.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/linux/cpio.ts DIR OUT.cpio [--nod PATH:c|b:MAJOR:MINOR:MODE]...
 *
 * Regular files, directories and symbolic links are archived; anything else in DIR is refused.
 * The archive is written to a temporary file and renamed, so OUT is whole or absent.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One archive member. */
interface Entry {
  name: string;          // path inside the archive, without a leading '/'
  mode: number;          // file type and permission bits, as st_mode
  data: Buffer;          // file contents or symlink target; empty for directories and nodes
  rdevMajor: number;
  rdevMinor: number;
}

const S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

/** The 110-byte newc header of `e` (inode `ino`), hex fields of 8 digits. */
function header(e: Entry, ino: number): Buffer {
  const nameSize = Buffer.byteLength(e.name) + 1;
  const isDir = (e.mode & 0o170000) === S_IFDIR;
  const fields = [ino, e.mode, 0, 0, isDir ? 2 : 1, 0, e.data.length, 0, 0, e.rdevMajor, e.rdevMinor, nameSize, 0];
  return Buffer.from('070701' + fields.map(v => v.toString(16).padStart(8, '0')).join(''), 'ascii');
}

/** Zero bytes that bring `n` up to a multiple of 4. */
function pad4(n: number): Buffer { return Buffer.alloc((4 - (n % 4)) % 4); }

/** Every member of the tree under `root`, parents before children, sorted by path. */
function walk(root: string): Entry[] {
  const out: Entry[] = [];
  const visit = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const full = path.join(root, r);
      const st = fs.lstatSync(full);
      const perm = st.mode & 0o7777;
      if (st.isDirectory()) {
        out.push({ name: r, mode: S_IFDIR | perm, data: Buffer.alloc(0), rdevMajor: 0, rdevMinor: 0 });
        visit(r);
      } else if (st.isSymbolicLink()) {
        out.push({ name: r, mode: S_IFLNK | 0o777, data: Buffer.from(fs.readlinkSync(full)), rdevMajor: 0, rdevMinor: 0 });
      } else if (st.isFile()) {
        out.push({ name: r, mode: S_IFREG | perm, data: fs.readFileSync(full), rdevMajor: 0, rdevMinor: 0 });
      } else {
        throw new Error(`${full}: not a file, directory or symbolic link`);
      }
    }
  };
  visit('');
  return out;
}

/** A device node from "PATH:c|b:MAJOR:MINOR:MODE" (MODE octal), e.g. "dev/console:c:5:1:600". */
function parseNode(spec: string): Entry {
  const m = /^\/?([^:]+):([cb]):(\d+):(\d+):([0-7]{3,4})$/.exec(spec);
  if (!m) throw new Error(`--nod ${spec}: expected PATH:c|b:MAJOR:MINOR:MODE`);
  const type = m[2] === 'c' ? S_IFCHR : S_IFBLK;
  return { name: m[1], mode: type | parseInt(m[5], 8), data: Buffer.alloc(0), rdevMajor: +m[3], rdevMinor: +m[4] };
}

/** The whole archive: every entry, then the TRAILER!!! record. */
export function newcArchive(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  const push = (b: Buffer): void => { parts.push(b); size += b.length; };
  const trailer: Entry = { name: 'TRAILER!!!', mode: 0, data: Buffer.alloc(0), rdevMajor: 0, rdevMinor: 0 };
  [...entries, trailer].forEach((e, i) => {
    push(header(e, e === trailer ? 0 : i + 1));
    push(Buffer.from(e.name + '\0', 'ascii'));
    push(pad4(size));
    push(e.data);
    push(pad4(size));
  });
  return Buffer.concat(parts);
}

function main(): void {
  const args = process.argv.slice(2);
  const nodes: Entry[] = [];
  const plain: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--nod') nodes.push(parseNode(args[++i] ?? ''));
    else plain.push(args[i]);
  }
  if (plain.length !== 2) {
    console.error('usage: cpio.ts DIR OUT.cpio [--nod PATH:c|b:MAJOR:MINOR:MODE]...');
    process.exit(2);
  }
  const [dir, out] = plain;
  const entries = walk(dir);
  const names = new Set(entries.map(e => e.name));
  for (const n of nodes) {
    if (names.has(n.name)) throw new Error(`--nod ${n.name}: already in ${dir}`);
    entries.push(n);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, newcArchive(entries));
  fs.renameSync(tmp, out);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`cpio.ts: ${(e as Error).message}`);
    process.exit(1);
  }
}
