/**
 * tshype-flash: create and check tshype flash images (docs/flash-image.md).
 *
 *   tshype-flash pack --machine pseries|powernv [--kind bios|skiboot-elf] --in PAYLOAD --out IMAGE
 *                     [--version STR] [--load ADDR] [--entry OFFSET]
 *   tshype-flash verify IMAGE [--machine M] [--kind K]
 *   tshype-flash info IMAGE
 *   tshype-flash keygen DIR
 *   tshype-flash sign --keys DIR --in PAYLOAD.elf --out CONTAINER
 *   tshype-flash verify-container CONTAINER [--keys DIR | --hw-key-hash HEX]
 *   tshype-flash pnor --keys DIR --bootkernel CONTAINER --out PNOR [--version STR] [--preserve-from OLD]
 *   tshype-flash verify-pnor PNOR [--keys DIR | --hw-key-hash HEX]
 *
 * Exit codes: 0 ok, 2 usage (or an unsuitable pack input), 3 I/O, 4 not a tshype image,
 * 5 corrupt (also a container with a bad hash or signature, or a damaged partition table),
 * 6 wrong machine or kind, 7 unsupported format version or flags, 8 signed with keys other
 * than the trusted ones.
 * verify and info only ever open the image for reading.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { decodeHeader, HEADER_SIZE_MAX, ImageKind, kindName, Machine, machineName, MAGIC, OFF, parseKind, parseMachine, PAYLOAD_MAX } from './format';
import { describeHeader, EXIT, exitCodeFor, MAX_IMAGE_BYTES, packImage, PackError, VerifyResult, VerifyStatus, verifyImage } from './image';
import { containerCommands } from './pnor-cli';

const USAGE = `usage:
  tshype-flash pack --machine pseries|powernv [--kind bios|skiboot-elf] --in PAYLOAD --out IMAGE
                    [--version STR] [--load ADDR] [--entry OFFSET]
  tshype-flash verify IMAGE [--machine pseries|powernv] [--kind bios|skiboot-elf]
  tshype-flash info IMAGE
  tshype-flash keygen DIR
  tshype-flash sign --keys DIR --in PAYLOAD.elf --out CONTAINER
  tshype-flash verify-container CONTAINER [--keys DIR | --hw-key-hash HEX]
  tshype-flash pnor --keys DIR --bootkernel CONTAINER --out PNOR [--version STR]
  tshype-flash verify-pnor PNOR [--keys DIR | --hw-key-hash HEX]
pack's build time is $SOURCE_DATE_EPOCH when set (reproducible builds), else now; its version
string defaults to the package version and git commit. Exit codes: 0 ok, 2 usage, 3 I/O,
4 not a tshype image (not a container, no partition table), 5 corrupt (bad hash or signature),
6 wrong machine/kind, 7 unsupported format version, 8 signed with untrusted keys.`;

/** A command-line mistake or an unsuitable pack input: exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint = true) { super(message); }
}
/** A file that cannot be read or written: exit 3. */
export class IoError extends Error {}

export interface Args {
  command: string;
  positional: string[];
  options: Map<string, string>;
}

const OPTIONS: Record<string, string[]> = {
  pack: ['--machine', '--kind', '--in', '--out', '--version', '--load', '--entry'],
  verify: ['--machine', '--kind'],
  info: [],
  keygen: [],
  sign: ['--keys', '--in', '--out'],
  'verify-container': ['--keys', '--hw-key-hash'],
  pnor: ['--keys', '--bootkernel', '--out', '--version', '--preserve-from'],
  'verify-pnor': ['--keys', '--hw-key-hash'],
};

function parseArgs(argv: string[]): Args {
  const [command = 'help', ...rest] = argv;
  const known = OPTIONS[command] ?? [];
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--') || a === '--') { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!known.includes(name)) throw new UsageError(`${command}: unknown option ${name}`);
    const value = eq < 0 ? rest[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${command}: ${name} needs a value`);
    if (options.has(name)) throw new UsageError(`${command}: ${name} given twice`);
    options.set(name, value);
  }
  return { command, positional, options };
}

function machineOption(args: Args): Machine | undefined {
  const v = args.options.get('--machine');
  if (v === undefined) return undefined;
  const m = parseMachine(v);
  if (m === undefined) throw new UsageError(`--machine ${v}: expected pseries or powernv`);
  return m;
}

function kindOption(args: Args): ImageKind | undefined {
  const v = args.options.get('--kind');
  if (v === undefined) return undefined;
  const k = parseKind(v);
  if (k === undefined) throw new UsageError(`--kind ${v}: expected bios or skiboot-elf`);
  return k;
}

function addressOption(args: Args, name: string): bigint | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(v) || BigInt(v) >= 1n << 64n) throw new UsageError(`${name} ${v}: expected a 64-bit number (decimal or 0x hex)`);
  return BigInt(v);
}

function onlyFile(args: Args): string {
  if (args.positional.length !== 1) throw new UsageError(`${args.command}: expected exactly one IMAGE file`);
  return args.positional[0];
}

/** Build time for pack: SOURCE_DATE_EPOCH (a decimal count of seconds) when set and not empty. */
export function buildTimeFromEnv(env: NodeJS.ProcessEnv, now: () => number = Date.now): bigint {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde === undefined || sde === '') return BigInt(Math.floor(now() / 1000));
  if (!/^[0-9]+$/.test(sde) || BigInt(sde) >= 1n << 64n) throw new UsageError(`SOURCE_DATE_EPOCH=${sde} is not a number of seconds`);
  return BigInt(sde);
}

/**
 * The default version string: `git describe --tags` when the tree has a tag, else
 * "<package.json version>+g<commit>", with "-dirty" when tracked files differ from the commit;
 * just the package version outside a git checkout. Runs git read-only (no index refresh).
 */
export function defaultVersion(root = path.resolve(__dirname, '..', '..')): string {
  const pkg: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const git = (...a: string[]): string | undefined => {
    const r = spawnSync('git', ['--no-optional-locks', '-C', root, ...a], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const described = git('describe', '--tags', '--always', '--abbrev=12');
  if (!described) return pkg;
  const base = /^[0-9a-f]{12}$/.test(described) ? `${pkg}+g${described}` : described;
  return git('status', '--porcelain', '--untracked-files=no') ? `${base}-dirty` : base;
}

/** "no such file or directory (ENOENT)" for a Node file-system error. */
export function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return String(err.message ?? e);
  return `${err.message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+ '.*'$/, '')} (${err.code})`;
}

/** Read an image for checking: the whole file, or only its first HEADER_SIZE_MAX bytes if it is too big to be valid. */
function readImage(file: string): { bytes: Buffer; size: number } {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch (e) { throw new IoError(`${file}: cannot open: ${errorText(e)}`); }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new IoError(`${file}: ${st.isDirectory() ? 'is a directory' : 'not a regular file'}`);
    const bytes = Buffer.alloc(st.size > MAX_IMAGE_BYTES ? HEADER_SIZE_MAX : st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = fs.readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), size: st.size > MAX_IMAGE_BYTES ? st.size : got };
  } catch (e) {
    throw e instanceof IoError ? e : new IoError(`${file}: cannot read: ${errorText(e)}`);
  } finally {
    fs.closeSync(fd);
  }
}

function check(file: string, machine?: Machine, kind?: ImageKind): { r: VerifyResult; bytes: Buffer } {
  const { bytes, size } = readImage(file);
  return { r: verifyImage(bytes, { name: file, machine, kind, fileSize: size }), bytes };
}

function pack(args: Args): number {
  if (args.positional.length) throw new UsageError(`pack: unexpected argument ${args.positional[0]}`);
  const machine = machineOption(args);
  const kind = kindOption(args) ?? ImageKind.Bios;
  const input = args.options.get('--in');
  const out = args.options.get('--out');
  if (machine === undefined || !input || !out) throw new UsageError('pack needs --machine, --in and --out');
  if (path.resolve(input) === path.resolve(out)) throw new UsageError('pack: --in and --out are the same file');
  const buildTime = buildTimeFromEnv(process.env);
  const version = args.options.get('--version') ?? defaultVersion();
  const loadAddress = addressOption(args, '--load');
  const entryOffset = addressOption(args, '--entry');
  let payload: Buffer;
  try {
    const st = fs.statSync(input);
    if (st.isFile() && st.size > PAYLOAD_MAX) throw new PackError(`${st.size} bytes, more than the ${PAYLOAD_MAX >> 20} MiB limit`);
    payload = fs.readFileSync(input);
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(`cannot pack ${input}: ${e.message}`, false);
    throw new IoError(`${input}: cannot read: ${errorText(e)}`);
  }
  let image: Buffer;
  try {
    image = packImage({ machine, kind, payload, version, buildTime, loadAddress, entryOffset });
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(`cannot pack ${input}: ${e.message}`, false);
    throw e;
  }
  writeAtomically(out, image);
  const { r } = check(out, machine, kind);
  if (r.status !== VerifyStatus.Ok) throw new IoError(`${out}: the written image does not read back intact: ${r.message}`);
  console.log(`${out}: packed ${machineName(machine)} ${kindName(kind)} image, ${payload.length}-byte payload, `
    + `version ${version}, sha256 ${r.header!.payloadSha256.toString('hex')}`);
  return EXIT.ok;
}

/** Write `bytes` to `file` through a temporary file and rename, so `file` is never half-written. */
export function writeAtomically(file: string, bytes: Buffer): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new IoError(`${file}: cannot write: ${errorText(e)}`);
  }
}

function verify(args: Args): number {
  const file = onlyFile(args);
  const { r } = check(file, machineOption(args), kindOption(args));
  for (const n of r.notes) console.error(n);
  if (r.status !== VerifyStatus.Ok) {
    console.error(r.message);
    return exitCodeFor(r.status);
  }
  console.log(`${file}: tshype flash image`);
  for (const line of describeHeader(r.header!, r.version)) console.log(`  ${line}`);
  console.log(r.message);
  return EXIT.ok;
}

function info(args: Args): number {
  const file = onlyFile(args);
  const { r, bytes } = check(file);
  let header = r.header;
  if (!header && bytes.subarray(0, MAGIC.length).equals(MAGIC) && bytes.length >= OFF.reservedTail) {
    console.log(`${file}: tshype flash image? the fields below are UNVERIFIED (the header does not check out)`);
    header = decodeHeader(bytes);
  } else if (header) {
    console.log(`${file}: tshype flash image`);
  }
  if (header) for (const line of describeHeader(header, r.version)) console.log(`  ${line}`);
  for (const n of r.notes) console.log(n);
  console.log(r.message);
  return exitCodeFor(r.status);
}

/** Run tshype-flash with `argv` (without node and the script); returns the exit code. */
export function main(argv: string[]): number {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'pack': return pack(args);
      case 'verify': return verify(args);
      case 'info': return info(args);
      case 'keygen': case 'sign': case 'verify-container': case 'pnor': case 'verify-pnor':
        return containerCommands[args.command](args);
      case 'help': case '--help': case '-h':
        console.log(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`tshype-flash: ${e.message}${e.hint ? ' (see tshype-flash help)' : ''}`);
      return EXIT.usage;
    }
    if (e instanceof IoError) {
      console.error(e.message);
      return EXIT.io;
    }
    throw e;
  }
}
