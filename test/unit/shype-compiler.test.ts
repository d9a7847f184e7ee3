/**
 * The sHype policy compiler and the tshype command line: every refusal with its exact
 * `FILE:line: message` and no output file; the example policies compile; explain gives the
 * answers docs/policy-language.md documents.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compilePolicy, isBinaryPolicy, policyChecksum } from '../../scripts/tshype-cli/src/policy-compiler';
import { main } from '../../scripts/tshype-cli/src/cli';

const ROOT = path.join(__dirname, '..', '..');
const POLICIES = path.join(ROOT, 'shype', 'policies');

/** Run the CLI, capturing its output. */
function run(...args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, s => out.push(s), s => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const BASE = 'primary chinese-wall\nsecondary ste\ntype a b c\nlevels low high\nlabel x types a\nlabel y types b\n';

/** [what, source, expected errors] — line numbers count from the first line of source. */
const REFUSALS: [string, string, string[]][] = [
  ['unknown statement', BASE + 'lable z types a\n', ["p.pol:7: unknown statement 'lable' (policy, primary, secondary, type, levels, label, vdevice, vtpm, memory, lan, conflict, role, hcalls, configuration)"]],
  ['syntax: word before a section', BASE + 'label z a\n', ["p.pol:7: expected 'types' or 'level', found 'a'"]],
  ['bad name', BASE + 'label 9z types a\n', ["p.pol:7: bad label name '9z' (letters, digits, _ . -; a letter or _ first)"]],
  ['keyword as a name', BASE + 'label types types a\n', ["p.pol:7: label name 'types' is a keyword"]],
  ['unknown type in a label', BASE + 'label z types q\n', ["p.pol:7: unknown type 'q' in label 'z'"]],
  ['label without types', BASE + 'label z\n', ["p.pol:7: label 'z' has no types"]],
  ['label with an empty types list', BASE + 'label z types level low\n', ["p.pol:7: label 'z' has no types"]],
  ['duplicate label', BASE + 'label x types c\n', ["p.pol:7: duplicate label 'x' (first at line 5)"]],
  ['duplicate resource/label name', BASE + 'vtpm y types c\n', ["p.pol:7: duplicate label 'y' (first at line 6)"]],
  ['duplicate type', BASE + 'type a\n', ["p.pol:7: duplicate type 'a' (first at line 3)"]],
  ['duplicate primary', BASE + 'primary ste\n', ['p.pol:7: duplicate "primary" statement (first at line 1)']],
  ['unknown policy kind', 'primary mls\ntype a\nlabel x types a\n', ['p.pol:1: primary policy must be one of chinese-wall, ste, blp, none']],
  // found by test/unit/fuzz-policy.test.ts: the kind was looked up in an object literal, so the
  // names of Object.prototype's members compiled to a policy of kind "none"
  ['a policy kind named like an object member', 'primary toString\ntype a\nlabel x types a\n', ['p.pol:1: primary policy must be one of chinese-wall, ste, blp, none']],
  ['a secondary kind named constructor', 'primary ste\nsecondary constructor\ntype a\nlabel x types a\n', ['p.pol:2: secondary policy must be one of chinese-wall, ste, blp, none']],
  ['a policy kind named __proto__', 'primary __proto__\ntype a\nlabel x types a\n', ['p.pol:1: primary policy must be one of chinese-wall, ste, blp, none']],
  ['same primary and secondary', 'primary ste\nsecondary ste\ntype a\nlabel x types a\n', ['p.pol:2: secondary policy is the same as the primary']],
  ['conflict set naming nothing', BASE + 'conflict w\n', ["p.pol:7: conflict set 'w' names no types"]],
  ['conflict set naming one type', BASE + 'conflict w a\n', ["p.pol:7: conflict set 'w' needs at least two types"]],
  ['conflict set naming an unknown type', BASE + 'conflict w a zz\n', ["p.pol:7: unknown type 'zz' in conflict set 'w'"]],
  ['duplicate conflict set', BASE + 'conflict w a b\nconflict w b c\n', ["p.pol:8: duplicate conflict set 'w'"]],
  ['conflict set without chinese wall', 'primary ste\ntype a b\nlabel x types a\nconflict w a b\n', ["p.pol:4: conflict set 'w': chinese-wall is neither the primary nor the secondary policy"]],
  ['label with two conflicting types', BASE + 'label z types a b\nconflict w a b\n', ["p.pol:7: label 'z' has conflicting types 'a' and 'b' (conflict set 'w', line 8)"]],
  ['level out of range', BASE + 'label z types c level 2\n', ["p.pol:7: label 'z': level 2 out of range (0..1)"]],
  ['unknown level', BASE + 'label z types c level top\n', ["p.pol:7: label 'z': unknown level 'top'"]],
  ['blp without levels', 'primary blp\ntype a\nlabel x types a\n', ['p.pol:1: blp needs a levels statement']],
  ['too many labels', 'type a\n' + Array.from({ length: 65 }, (_, i) => `label l${i} types a\n`).join(''), ['p.pol:66: too many labels (at most 64)']],
  ['role naming an unknown label', BASE + 'role r labels nobody ops ReadAudit\n', ["p.pol:7: unknown label 'nobody'"]],
  ['role naming an unknown operation', BASE + 'role r labels x ops Reboot\n', ["p.pol:7: unknown operation 'Reboot'"]],
  ['role naming a non-management operation', BASE + 'role r labels x ops HcallConsole\n',
    ['p.pol:7: HcallConsole is not a management operation (CreatePartition, StartPartition, DestroyPartition, ReloadPolicy, ReadAudit)']],
  ['role naming a resource label', BASE + 'vtpm t types a\nrole r labels t ops ReadAudit\n', ["p.pol:8: 't' is a resource label, not a partition label"]],
  ['role without operations', BASE + 'role r labels x\n', ["p.pol:7: role 'r' names no operations"]],
  ['hcalls with an unknown class', BASE + 'hcalls deny x HcallFoo\n', ["p.pol:7: unknown operation 'HcallFoo'"]],
  ['hcalls with a management op', BASE + 'hcalls deny x ReadAudit\n',
    ['p.pol:7: ReadAudit is not an hcall class (HcallConsole, HcallProcessor, HcallPlatform, HcallMemory, HcallRtas, HcallLifecycle)']],
  ['hcalls default twice', BASE + 'hcalls default deny\nhcalls default allow\n', ['p.pol:8: duplicate "hcalls default" statement (first at line 7)']],
  ['hcalls default with a bad verdict', BASE + 'hcalls default maybe\n', ['p.pol:7: expected "hcalls default allow" or "hcalls default deny"']],
  ['no labels', 'type a\n', ['p.pol:1: policy defines no labels']],
  ['a label named like the configuration', BASE + 'label configuration types c\n',
    ["p.pol:7: 'configuration' is the built-in subject of the boot configuration, not a label name"]],
  ['a resource named like the configuration', BASE + 'vtpm configuration types c\n',
    ["p.pol:7: 'configuration' is the built-in subject of the boot configuration, not a label name"]],
  ['configuration without launches', BASE + 'configuration starts x\n',
    ['p.pol:7: expected "configuration launches LABEL...", "configuration launches *" or "configuration launches none"']],
  ['configuration launches naming nothing', BASE + 'configuration launches\n',
    ['p.pol:7: configuration launches names no labels (a label, *, or none)']],
  ['configuration launches twice', BASE + 'configuration launches x\nconfiguration launches y\n',
    ['p.pol:8: duplicate "configuration launches" statement (first at line 7)']],
  ['configuration launches an unknown label', BASE + 'configuration launches x z\n', ["p.pol:7: unknown label 'z'"]],
  ['configuration launches a resource label', BASE + 'vtpm t types a\nconfiguration launches t\n',
    ["p.pol:8: 't' is a resource label, not a partition label"]],
  ['configuration launches none and a label', BASE + 'configuration launches none x\n',
    ["p.pol:7: 'none' must be the only word after configuration launches"]],
  ['configuration launches * and a label', BASE + 'configuration launches x *\n',
    ["p.pol:7: '*' must be the only word after configuration launches"]],
  ['several errors, each reported', BASE + 'label x types a\nlabel z types q\n',
    ["p.pol:7: duplicate label 'x' (first at line 5)", "p.pol:8: unknown type 'q' in label 'z'"]],
];

describe('policy compiler', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shype-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [what, source, expected] of REFUSALS) {
    it(`compile: refuses ${what}`, () => {
      expect(compilePolicy(source, 'p.pol')).to.deep.equal({ errors: expected });
    });
  }

  it('compile: a refused policy gives FILE:line messages, exit 1 and no output file', () => {
    const src = path.join(dir, 'bad.pol');
    const out = path.join(dir, 'bad.bin');
    fs.writeFileSync(src, BASE + 'label z\n');
    const r = run('policy', 'compile', src, '-o', out);
    expect(r.code).to.equal(1);
    expect(r.err).to.equal(`${src}:7: label 'z' has no types`);
    expect(fs.existsSync(out)).to.equal(false);
    expect(fs.readdirSync(dir)).to.deep.equal(['bad.pol']);
  });

  it('compile: usage errors exit 2', () => {
    expect(run('policy', 'compile').code).to.equal(2);
    expect(run('policy', 'frobnicate').code).to.equal(2);
    expect(run('policy', 'compile', path.join(dir, 'missing.pol'), '-o', path.join(dir, 'x')).code).to.equal(2);
  });

  it('compile: every example policy compiles to a binary with a valid checksum', () => {
    const files = fs.readdirSync(POLICIES).filter(f => f.endsWith('.pol'));
    expect(files).to.include.members(['default.pol', 'wall.pol', 'deny.pol', 'ste.pol', 'blp.pol', 'roles.pol', 'launch.pol']);
    for (const f of files) {
      const out = path.join(dir, f.replace('.pol', '.bin'));
      const r = run('policy', 'compile', path.join(POLICIES, f), '-o', out);
      expect(r.code, r.err).to.equal(0);
      const bin = new Uint8Array(fs.readFileSync(out));
      expect(isBinaryPolicy(bin)).to.equal(true);
      expect(Buffer.from(bin).readUInt32BE(8)).to.equal(bin.length);
      expect(Buffer.from(bin).readUInt32BE(12)).to.equal(policyChecksum(bin));
    }
  });

  it('compile: output is deterministic', () => {
    const src = fs.readFileSync(path.join(POLICIES, 'wall.pol'), 'latin1');
    expect(compilePolicy(src, 'a')).to.deep.equal(compilePolicy(src, 'b'));
  });
});

/** The answers docs/policy-language.md documents, as `explain` prints them. */
const EXPLAINED: [string, string[], string][] = [
  ['default.pol', ['--subject', 'alpha', '--object', '-', '--op', 'HcallConsole'],
    'ALLOW: subject alpha (ssidref 1), object none, op HcallConsole\nrule 10 (FILE:15): hcalls default allow'],
  ['default.pol', ['--subject', 'beta', '--object', 'alpha', '--op', 'OpenChannel'],
    'DENY: subject beta (ssidref 2), object alpha (ssidref 1), op OpenChannel\nrule 4 (FILE:5): ste: subject and object labels have no common type'],
  ['default.pol', ['--subject', 'beta', '--object', 'vtpm', '--op', 'BindVtpm'],
    'ALLOW: subject beta (ssidref 2), object vtpm (ssidref 3), op BindVtpm\nrule 14 (FILE:7): ste: common type beta_t'],
  ['default.pol', ['--subject', 'beta', '--object', 'alpha', '--op', 'CreatePartition'],
    'DENY: subject beta (ssidref 2), object alpha (ssidref 1), op CreatePartition\nrule 11 (built in): roles: no role grants this operation to the subject'],
  ['deny.pol', ['--subject', 'beta', '--object', 'none', '--op', 'HcallConsole'],
    'DENY: subject beta (ssidref 2), object none, op HcallConsole\nrule 12 (FILE:11): hcalls deny beta HcallConsole'],
  ['wall.pol', ['--subject', 'alpha', '--object', 'gamma', '--op', 'CreatePartition', '--running', 'alpha,beta'],
    'DENY: subject alpha (ssidref 1), object gamma (ssidref 3), op CreatePartition\n' +
    'rule 12 (FILE:14): chinese wall: conflict banks bank_a bank_b\nchinese wall: bank_b conflicts with running bank_a (conflict set banks)'],
  ['wall.pol', ['--subject', 'alpha', '--object', 'gamma', '--op', 'CreatePartition', '--running', 'beta'],
    'ALLOW: subject alpha (ssidref 1), object gamma (ssidref 3), op CreatePartition\n' +
    'rule 13 (FILE:16): role admin labels alpha ops CreatePartition StartPartition DestroyPartition ReloadPolicy ReadAudit'],
  ['blp.pol', ['--subject', 'kiosk', '--object', 'intel', '--op', 'ReadShared'],
    'DENY: subject kiosk (ssidref 3), object intel (ssidref 1), op ReadShared\nrule 5 (FILE:4): blp: no read up (subject level below object level)'],
  ['blp.pol', ['--subject', 'intel', '--object', 'drop', '--op', 'ShareMemory'],
    'DENY: subject intel (ssidref 1), object drop (ssidref 4), op ShareMemory\nrule 6 (FILE:4): blp: no write down (subject level above object level)'],
  ['blp.pol', ['--subject', 'kiosk', '--object', 'drop', '--op', 'SendFrame'],
    'ALLOW: subject kiosk (ssidref 3), object drop (ssidref 4), op SendFrame\nrule 8 (FILE:4): blp: write at or above own level'],
  ['ste.pol', ['--subject', 'web', '--object', 'db', '--op', 'OpenChannel'],
    'ALLOW: subject web (ssidref 1), object db (ssidref 2), op OpenChannel\nrule 12 (FILE:6): ste: common type orders'],
  ['ste.pol', ['--subject', 'mail', '--object', 'db', '--op', 'OpenChannel'],
    'DENY: subject mail (ssidref 3), object db (ssidref 2), op OpenChannel\nrule 4 (FILE:4): ste: subject and object labels have no common type'],
  ['roles.pol', ['--subject', 'app', '--object', '-', '--op', 'ReloadPolicy'],
    'DENY: subject app (ssidref 3), object none, op ReloadPolicy\nrule 11 (built in): roles: no role grants this operation to the subject'],
  ['roles.pol', ['--subject', 'sec', '--object', '-', '--op', 'ReadAudit'],
    'ALLOW: subject sec (ssidref 2), object none, op ReadAudit\nrule 13 (FILE:14): role security labels sec ops ReadAudit ReloadPolicy'],
  ['roles.pol', ['--subject', 'app', '--object', '-', '--op', 'HcallRtas'],
    'DENY: subject app (ssidref 3), object none, op HcallRtas\nrule 10 (FILE:16): hcalls default deny'],
  ['default.pol', ['--subject', '255', '--object', 'beta', '--op', 'CreatePartition'],
    'ALLOW: subject configuration (ssidref 255), object beta (ssidref 2), op CreatePartition\nrule 0 (built in): default: no policy restricts this operation'],
  ['default.pol', ['--subject', '255', '--object', '-', '--op', 'ReloadPolicy'],
    'DENY: subject configuration (ssidref 255), object none, op ReloadPolicy\nrule 11 (built in): roles: no role grants this operation to the subject'],
  ['launch.pol', ['--subject', '255', '--object', 'alpha', '--op', 'StartPartition'],
    'ALLOW: subject configuration (ssidref 255), object alpha (ssidref 1), op StartPartition\nrule 12 (FILE:12): configuration launches alpha'],
  ['launch.pol', ['--subject', '255', '--object', 'beta', '--op', 'StartPartition'],
    'DENY: subject configuration (ssidref 255), object beta (ssidref 2), op StartPartition\nrule 12 (FILE:12): configuration launches alpha'],
  ['wall.pol', ['--subject', '255', '--object', 'gamma', '--op', 'StartPartition', '--running', 'alpha,beta'],
    'DENY: subject configuration (ssidref 255), object gamma (ssidref 3), op StartPartition\n' +
    'rule 12 (FILE:14): chinese wall: conflict banks bank_a bank_b\nchinese wall: bank_b conflicts with running bank_a (conflict set banks)'],
  ['wall.pol', ['--subject', 'gamma', '--object', '-', '--op', 'StartPartition'],
    'ALLOW: subject gamma (ssidref 3), object none, op StartPartition\nrule 0 (built in): default: no policy restricts this operation'],
  ['wall.pol', ['--subject', 'gamma', '--object', '-', '--op', 'StartPartition', '--running', 'alpha,beta'],
    'DENY: subject gamma (ssidref 3), object none, op StartPartition\nrule 12 (FILE:14): chinese wall: conflict banks bank_a bank_b'],
  ['wall.pol', ['--subject', 'configuration', '--object', 'gamma', '--op', 'CreatePartition'],
    'ALLOW: subject configuration (ssidref 255), object gamma (ssidref 3), op CreatePartition\nrule 0 (built in): default: no policy restricts this operation'],
];

describe('tshype policy explain', () => {
  for (const [file, args, expected] of EXPLAINED) {
    it(`explain: ${file} ${args.join(' ')}`, () => {
      const f = path.join(POLICIES, file);
      const r = run('policy', 'explain', f, ...args);
      expect(r.code, r.err).to.equal(0);
      expect(r.out).to.equal(expected.replace('FILE', f));
    });
  }

  it('explain: reads a compiled binary as well as source', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shype-'));
    const out = path.join(dir, 'deny.bin');
    expect(run('policy', 'compile', path.join(POLICIES, 'deny.pol'), '-o', out).code).to.equal(0);
    const r = run('policy', 'explain', out, '--subject', 'beta', '--object', '-', '--op', 'HcallConsole');
    expect(r.out).to.equal('DENY: subject beta (ssidref 2), object none, op HcallConsole\nrule 12 (source line 11): hcalls deny beta HcallConsole');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('explain: an unknown label is the engine\'s unknown-subject denial; an unknown op is an error', () => {
    const f = path.join(POLICIES, 'default.pol');
    expect(run('policy', 'explain', f, '--subject', 'nobody', '--op', 'HcallConsole').out)
      .to.equal('DENY: subject nobody (unknown), object none, op HcallConsole\nrule 1 (built in): unknown subject: not a partition label of this policy');
    const r = run('policy', 'explain', f, '--subject', 'alpha', '--op', 'Fly');
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/unknown operation 'Fly'/);
  });
});
