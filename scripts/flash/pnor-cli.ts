/**
 * tshype-flash's commands for the OpenPOWER formats: signing keys, secure-boot containers and
 * the PNOR image (docs/flash-image.md, "The PNOR image"). Messages are `FILE: message`; the
 * exit codes are tshype-flash's (image.ts EXIT) plus 8 for a container signed with keys other
 * than the trusted ones.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  generateKeys, HW_KEY_NAMES, hwKeyHash, privateKeyFromPem, signContainer, SigningKeys, SW_KEY_NAMES, Trust,
  verifyContainer,
} from './container';
import { describeTable, FfsError } from './ffs';
import { identifyForeign } from './foreign';
import { EXIT } from './image';
import { buildPnor, checkPnor, PNOR_SIZE, preservePartitions } from './pnor';
import { Args, defaultVersion, errorText, IoError, UsageError, writeAtomically } from './tshype-flash';
import { skibootEntryOffset } from './foreign';

/** Exit code for a container signed with other hardware keys than the trusted ones. */
export const EXIT_UNTRUSTED = 8;

function readFile(file: string): Buffer {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new IoError(`${file}: ${st.isDirectory() ? 'is a directory' : 'not a regular file'}`);
    return fs.readFileSync(file);
  } catch (e) {
    throw e instanceof IoError ? e : new IoError(`${file}: cannot read: ${errorText(e)}`);
  }
}

/** The keys in DIR: hw-a.pem, hw-b.pem, hw-c.pem, sw-p.pem and optionally sw-q.pem, sw-r.pem. */
export function loadKeys(dir: string): SigningKeys {
  const load = (name: string): ReturnType<typeof privateKeyFromPem> => {
    const file = path.join(dir, `${name}.pem`);
    const pem = readFile(file);
    try {
      return privateKeyFromPem(pem);
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message.replace(/^error:[0-9A-F]+:/, '')}`, false);
    }
  };
  const hw = HW_KEY_NAMES.map(load) as SigningKeys['hw'];
  const sw = [load(SW_KEY_NAMES[0])];
  for (const n of SW_KEY_NAMES.slice(1)) if (fs.existsSync(path.join(dir, `${n}.pem`))) sw.push(load(n));
  return { hw, sw };
}

/** The trust anchor from --keys DIR (the hash of its HW keys) or --hw-key-hash (hex, or a file holding it). */
function trustOption(args: Args): Trust {
  const dir = args.options.get('--keys');
  const h = args.options.get('--hw-key-hash');
  if (dir !== undefined && h !== undefined) throw new UsageError('give --keys or --hw-key-hash, not both');
  if (dir !== undefined) return { hwKeyHash: hwKeyHash(loadKeys(dir)) };
  if (h === undefined) return {};
  const text = /^[0-9a-f]{128}$/i.test(h) ? h : readFile(h).toString('ascii').trim();
  if (!/^[0-9a-f]{128}$/i.test(text)) throw new UsageError(`--hw-key-hash ${h}: expected 128 hex digits (SHA-512), or a file holding them`);
  return { hwKeyHash: Buffer.from(text, 'hex') };
}

function one(args: Args, what: string): string {
  if (args.positional.length !== 1) throw new UsageError(`${args.command}: expected exactly one ${what}`);
  return args.positional[0];
}

function keygen(args: Args): number {
  const dir = one(args, 'DIR');
  const names = [...HW_KEY_NAMES, SW_KEY_NAMES[0]].map(n => path.join(dir, `${n}.pem`));
  const existing = names.filter(f => fs.existsSync(f));
  if (existing.length) throw new UsageError(`${existing[0]}: a key is already there; keygen never overwrites keys (delete the directory to start afresh)`, false);
  const keys = generateKeys(1);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    [...keys.hw, ...keys.sw].forEach((k, i) => {
      fs.writeFileSync(names[i], k.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
    });
    fs.writeFileSync(path.join(dir, 'hw-key-hash'), `${hwKeyHash(keys).toString('hex')}\n`);
  } catch (e) {
    throw new IoError(`${dir}: cannot write keys: ${errorText(e)}`);
  }
  console.log(`${dir}: generated ECDSA P-521 keys hw-a, hw-b, hw-c (hardware) and sw-p (software); hw-key-hash ${hwKeyHash(keys).toString('hex').slice(0, 32)}…`);
  return EXIT.ok;
}

function sign(args: Args): number {
  if (args.positional.length) throw new UsageError(`sign: unexpected argument ${args.positional[0]}`);
  const dir = args.options.get('--keys'), input = args.options.get('--in'), out = args.options.get('--out');
  if (!dir || !input || !out) throw new UsageError('sign needs --keys, --in and --out');
  if (path.resolve(input) === path.resolve(out)) throw new UsageError('sign: --in and --out are the same file');
  const keys = loadKeys(dir);
  const payload = readFile(input);
  const entry = skibootEntryOffset(payload);
  if (typeof entry === 'string') {
    const what = identifyForeign(payload);
    throw new UsageError(`${input}: not a skiboot payload (${what && !what.startsWith('an ELF') ? what : entry}); BOOTKERNEL holds a 64-bit big-endian ppc64 ELF`, false);
  }
  let container: Buffer;
  try {
    container = signContainer(payload, keys);
  } catch (e) {
    throw new UsageError(`${input}: ${(e as Error).message}`, false);
  }
  const v = verifyContainer(container, { hwKeyHash: hwKeyHash(keys) });
  if (!v.ok) throw new Error(`the container just signed does not verify: ${v.message}`);
  writeAtomically(out, container);
  const back = verifyContainer(readFile(out), { hwKeyHash: hwKeyHash(keys) });
  if (!back.ok) throw new IoError(`${out}: the written container does not read back intact: ${back.message}`);
  console.log(`${out}: signed ${payload.length}-byte payload, sha512 ${v.info!.payloadSha512.toString('hex')}`);
  return EXIT.ok;
}

/** Exit code for a refused container message. */
function refusalCode(r: { notContainer?: boolean; message: string }): number {
  if (r.notContainer) return EXIT.notImage;
  if (r.message.startsWith('signed with other hardware keys')) return EXIT_UNTRUSTED;
  return EXIT.corrupt;
}

function verifyContainerCmd(args: Args): number {
  const file = one(args, 'CONTAINER');
  const trust = trustOption(args);
  const r = verifyContainer(readFile(file), trust);
  if (!r.ok) {
    console.error(`${file}: ${r.message}`);
    return refusalCode(r);
  }
  const i = r.info!;
  console.log(`${file}: OpenPOWER secure-boot container`);
  console.log(`  payload       ${i.payloadSize} bytes, component ${i.componentId || '(none)'}`);
  console.log(`  sha512        ${i.payloadSha512.toString('hex')}`);
  console.log(`  hw-key-hash   ${i.hwKeyHash.toString('hex')}`);
  console.log(`  keys          3 hardware, ${i.swKeyCount} software; prefix flags 0x${i.prefixFlags.toString(16).padStart(8, '0')}, software flags 0x${i.swFlags.toString(16).padStart(8, '0')}`);
  console.log(r.message);
  return EXIT.ok;
}

function pnor(args: Args): number {
  if (args.positional.length) throw new UsageError(`pnor: unexpected argument ${args.positional[0]}`);
  const dir = args.options.get('--keys'), input = args.options.get('--bootkernel'), out = args.options.get('--out');
  if (!dir || !input || !out) throw new UsageError('pnor needs --keys, --bootkernel and --out');
  const version = args.options.get('--version') ?? defaultVersion();
  if (!/^[\x21-\x7e]{1,72}$/.test(version)) throw new UsageError(`--version ${version}: 1–72 printable ASCII characters without spaces`);
  const trust = { hwKeyHash: hwKeyHash(loadKeys(dir)) };
  const container = readFile(input);
  const v = verifyContainer(container, trust);
  if (!v.ok) {
    console.error(`${input}: ${v.message}`);
    return refusalCode(v);
  }
  let img: Buffer;
  try {
    img = buildPnor(container, version, trust);
  } catch (e) {
    throw new UsageError(`${input}: ${(e as Error).message}`, false);
  }
  const from = args.options.get('--preserve-from');
  const kept = from !== undefined && fs.existsSync(from) ? preservePartitions(img, readFile(from)) : [];
  writeAtomically(out, img);
  const back = checkPnor(readFile(out), trust);
  console.log(`${out}: ${PNOR_SIZE >> 20} MiB PNOR, version ${version}, BOOTKERNEL container ${container.length} bytes, sha512 ${v.info!.payloadSha512.toString('hex').slice(0, 32)}…`
    + (kept.length ? `; kept ${kept.join(', ')} from ${from}` : ''));
  for (const line of describeTable(back.table)) console.log(`  ${line}`);
  return EXIT.ok;
}

function verifyPnor(args: Args): number {
  const file = one(args, 'PNOR');
  const trust = trustOption(args);
  const img = readFile(file);
  let r: ReturnType<typeof checkPnor>;
  try {
    r = checkPnor(img, trust);
  } catch (e) {
    const msg = (e as Error).message;
    console.error(`${file}: ${msg}`);
    if (e instanceof FfsError) return msg.startsWith('no partition table') ? EXIT.notImage : EXIT.corrupt;
    if (/signed with other hardware keys/.test(msg)) return EXIT_UNTRUSTED;
    return EXIT.corrupt;
  }
  console.log(`${file}: PNOR flash image, ${img.length >> 20} MiB, ${r.table.partitions.length} partitions, version ${r.version ?? '(no VERSION text)'}`);
  for (const line of describeTable(r.table)) console.log(`  ${line}`);
  console.log(r.message);
  return EXIT.ok;
}

/** The commands by name, for tshype-flash's main. */
export const containerCommands: Record<string, (args: Args) => number> = {
  keygen, sign, 'verify-container': verifyContainerCmd, pnor, 'verify-pnor': verifyPnor,
};
