/**
 * A vTPM client's measured launch, from the hypervisor's side: H_TSHYPE_VTPM_LAUNCH
 * (hcalls/vtpm.ts) with its success and every refusal (nothing written, all memory compared),
 * BindVtpm deciding a vTPM pair at H_REG_CRQ (hcalls/crq.ts), the loader's event log (found
 * through the device tree's linux,sml-base/-size, reserved in the FDT, read back with the
 * independent reader of test/system/tpm-helpers.ts and replayed against the vTPM manager's
 * PCRs), the vtpm device nodes, the configuration checks (lpar/validate.ts, check-config) and
 * the scheduler's treatment of the vTPM service partition. The FDT is read with a small parser
 * written here, not with lpar/fdt.ts.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { host } from 'tsnc/host';
import { resetPlatform } from '../fake/platform';
import { H } from '../../hcalls/status';
import { H_TSHYPE_VTPM_LAUNCH } from '../../hcalls/table';
import { Program, SystemConfig } from '../../lpar/config';
import { LparState, Partition, partitions } from '../../lpar/partition';
import { CRQ_WINDOW_PAGES, REMOTE_LIOBN, VIO_UNIT_BASE, deviceOf, detachDevices, vdevices } from '../../lpar/vio';
import { LaunchItem } from '../../lpar/measure';
import { EVENTLOG_SPACE, FDT_SPACE, LoadStatus, RTAS_SPACE, eventLogAddress, fdtAddress, loadElfPartition, loadPartition, rtasAddress } from '../../lpar/loader';
import { GuestBundle } from '../../lpar/bundle';
import { ConfigError, ConfigItem, validateSystem } from '../../lpar/validate';
import { anyRunnable } from '../../hv/scheduler';
import { Op } from '../../shype/ops';
import { count as auditCount, objectOf, opOf, subjectOf } from '../../shype/audit';
import { applyLaunch, openInstance, runCommand } from '../../vtpm/manager';
import { buildCommand, CC, parseResponse, pcrSelection } from './vtpm-client';
import { parseEventLog, replayPcrs, ALG_SHA256, EV_IPL } from '../system/tpm-helpers';
import { OP, SIZE, hcall, launch, loadPolicy, mapWindow, read64, refused, resetVio, unit } from './vio-helpers';
import { makeElf } from './elf-helpers';
import { buildBundle } from '../../scripts/guest-bundle';
import { tempDir } from '../compiler/helpers';

const ROOT = path.join(__dirname, '..', '..');
const LAUNCH = H_TSHYPE_VTPM_LAUNCH;
const sha256 = (d: Uint8Array): Buffer => crypto.createHash('sha256').update(d).digest();

/** FNV-1a (32 bits) of a name, as the record's identity is defined (lpar/measure.ts). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s, 'latin1')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

/**
 * The vTPM partition (slot 0, label `vtpmLabel`) serving `client` (slot 1) over an IBM,vtpm20
 * pair; `plain` adds a third partition with an ordinary CRQ channel to the vTPM partition.
 */
function vtpmSystem(o: { clientLabel?: string; vtpmLabel?: string; plainChannel?: boolean; third?: boolean } = {}): Partition[] {
  const cfg = new SystemConfig('vtpmtest');
  cfg.add('vtpm', Program.Vtpm, 2, 10).label = o.vtpmLabel ?? 'vtpm';
  const c = cfg.add('client', Program.Hello, 2, 10);
  c.label = o.clientLabel ?? 'client';
  cfg.addVtpm(c, cfg.partitions[0]);
  if (o.plainChannel) cfg.addChannel(c, cfg.partitions[0]);
  if (o.third) cfg.add('plain', Program.Hello, 2, 10).label = 'plain';
  const ps = launch(cfg);
  ps[0].program = Program.Vtpm;   // launch() starts every partition as Program.Hello
  return ps;
}

const D = ['image', 'initrd', 'tree', 'label'].map(s => sha256(Buffer.from(`digest of ${s}`)));

/** Give the client a launch record of four entries (PCRs 17..20). */
function measure(c: Partition): void {
  c.launch.begin(c.name);
  c.launch.add(LaunchItem.Image, 17, D[0]);
  c.launch.add(LaunchItem.Initrd, 18, D[1]);
  c.launch.add(LaunchItem.DeviceTree, 19, D[2]);
  c.launch.add(LaunchItem.Label, 20, D[3]);
}

/** The record H_TSHYPE_VTPM_LAUNCH must write for `entries`: PCR (be32), 0 (be32), digest, each. */
function expectedRecord(entries: [number, Buffer][]): Buffer {
  return Buffer.concat(entries.map(([pcr, d]) => {
    const b = Buffer.alloc(40);
    b.writeUInt32BE(pcr, 0);
    d.copy(b, 8);
    return b;
  }));
}

const BUF = 0x10000n;

describe('vTPM launch: H_TSHYPE_VTPM_LAUNCH, BindVtpm, the event log, configuration', () => {
  beforeEach(() => {
    host.reset();
    resetPlatform();
    loadPolicy(null);
    resetVio();
  });
  after(() => { loadPolicy(null); resetVio(); });

  describe('H_TSHYPE_VTPM_LAUNCH', () => {
    it('H_TSHYPE_VTPM_LAUNCH: writes the client\'s entries; r4 generation, r5 count, r6 identity; nothing past the record', () => {
      const [v, c] = vtpmSystem();
      measure(c);
      host.writeBytes(v.memBase + BUF, new Uint8Array(256).fill(0xee));
      expect(hcall(v, LAUNCH, unit(0), BUF, 160)).to.equal(H.SUCCESS);
      expect([v.vcpu.gpr[4], v.vcpu.gpr[5], v.vcpu.gpr[6]]).to.deep.equal([BigInt(c.launch.generation), 4n, BigInt(fnv1a('client'))]);
      expect(c.launch.generation).to.be.greaterThan(0);
      const got = Buffer.from(host.readBytes(v.memBase + BUF, 256));
      expect(got.subarray(0, 160).toString('hex')).to.equal(expectedRecord([[17, D[0]], [18, D[1]], [19, D[2]], [20, D[3]]]).toString('hex'));
      expect(got.subarray(160).every(b => b === 0xee), 'nothing after the record').to.equal(true);
      // a new launch of the client takes a new generation
      const g = c.launch.generation;
      c.launch.begin('client');
      c.launch.add(LaunchItem.Image, 17, D[3]);
      expect(hcall(v, LAUNCH, unit(0), BUF + 0x1000n, 40)).to.equal(H.SUCCESS);
      expect([v.vcpu.gpr[4], v.vcpu.gpr[5]]).to.deep.equal([BigInt(g + 1), 1n]);
      expect(Buffer.from(host.readBytes(v.memBase + BUF + 0x1000n, 40)).toString('hex')).to.equal(expectedRecord([[17, D[3]]]).toString('hex'));
    });

    it('H_TSHYPE_VTPM_LAUNCH: a client with no launch yet (count 0) needs no buffer', () => {
      const [v, c] = vtpmSystem();
      c.launch.count = 0;
      c.launch.generation = 0;
      expect(hcall(v, LAUNCH, unit(0), 0xfffffffffffff000n, 0)).to.equal(H.SUCCESS);
      expect([v.vcpu.gpr[4], v.vcpu.gpr[5]]).to.deep.equal([0n, 0n]);
    });

    it('H_TSHYPE_VTPM_LAUNCH: H_PRIVILEGE unless the caller runs Program.Vtpm; nothing written', () => {
      const [v, c] = vtpmSystem();
      measure(c);
      refused(c, H.PRIVILEGE, LAUNCH, unit(0), BUF, 160);   // the client asking about its own device
      v.program = Program.Hello;
      refused(v, H.PRIVILEGE, LAUNCH, unit(0), BUF, 160);
    });

    it('H_TSHYPE_VTPM_LAUNCH: H_NOT_FOUND for a unit that is not one of the caller\'s vTPM server ends', () => {
      const [v, c] = vtpmSystem({ plainChannel: true });
      measure(c);
      expect(vdevices[deviceOf(v, unit(1))].kind, 'unit 1 is a plain CRQ server').to.not.equal(vdevices[deviceOf(v, unit(0))].kind);
      refused(v, H.NOT_FOUND, LAUNCH, unit(1), BUF, 160);
      refused(v, H.NOT_FOUND, LAUNCH, unit(2), BUF, 160);
      refused(v, H.NOT_FOUND, LAUNCH, 0x30000000, BUF, 160);   // the vty
      refused(v, H.NOT_FOUND, LAUNCH, BigInt(REMOTE_LIOBN) | unit(0), BUF, 160);
    });

    it('H_TSHYPE_VTPM_LAUNCH: H_PARAMETER for too little room or a buffer outside the caller\'s memory; nothing written', () => {
      const [v, c] = vtpmSystem();
      measure(c);
      refused(v, H.PARAMETER, LAUNCH, unit(0), BUF, 159);
      refused(v, H.PARAMETER, LAUNCH, unit(0), BUF, 0);
      refused(v, H.PARAMETER, LAUNCH, unit(0), SIZE - 159n, 160);   // the last entry would cross the end
      refused(v, H.PARAMETER, LAUNCH, unit(0), SIZE, 160);
      refused(v, H.PARAMETER, LAUNCH, unit(0), 0xffffffffffffff00n, 160);
      expect(hcall(v, LAUNCH, unit(0), SIZE - 160n, 160), 'the last bytes of its memory are fine').to.equal(H.SUCCESS);
    });

    it('H_TSHYPE_VTPM_LAUNCH: a client that is not linked (stopped) gives success with r4..r6 = 0, nothing written', () => {
      const [v, c] = vtpmSystem();
      measure(c);
      detachDevices(1);
      const before = host.readBytes(v.memBase + BUF, 256);
      expect(hcall(v, LAUNCH, unit(0), BUF, 160)).to.equal(H.SUCCESS);
      expect([v.vcpu.gpr[4], v.vcpu.gpr[5], v.vcpu.gpr[6]]).to.deep.equal([0n, 0n, 0n]);
      expect(Buffer.from(host.readBytes(v.memBase + BUF, 256)).equals(Buffer.from(before))).to.equal(true);
    });
  });

  describe('BindVtpm', () => {
    /** STE: the client and the vTPM partition share a type only when `shared`. */
    const ste = (shared: boolean): string => `policy t
primary ste
type c_t v_t
label client types c_t
label vtpm types v_t${shared ? ' c_t' : ''}
label plain types c_t
hcalls default allow
`;
    const Q = 0x1000;

    it('policy: STE labels with no common type refuse the vTPM pair at H_REG_CRQ (H_CLOSED, audited as BindVtpm) and H_TSHYPE_VTPM_LAUNCH (H_AUTHORITY, audited)', () => {
      loadPolicy(ste(false));
      const [v, c] = vtpmSystem();
      measure(c);
      mapWindow(v, 0);
      mapWindow(c, 0);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      const audits = auditCount();
      expect(hcall(v, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      expect(auditCount()).to.equal(audits + 1);
      expect([opOf(audits), subjectOf(audits), objectOf(audits)]).to.deep.equal([Op.BindVtpm, c.ssidref, v.ssidref]);
      expect(vdevices[deviceOf(c, unit(0))].denied).to.equal(1);
      expect(vdevices[deviceOf(c, unit(0))].connected).to.equal(false);
      expect(vdevices[deviceOf(v, unit(0))].connected).to.equal(false);
      refused(c, H.CLOSED, OP.SEND_CRQ, unit(0), 0xc0n << 56n | 0x01n << 48n, 0);
      const a2 = auditCount();
      refused(v, H.AUTHORITY, LAUNCH, unit(0), BUF, 160);
      expect(auditCount()).to.equal(a2 + 1);
      expect([opOf(a2), subjectOf(a2), objectOf(a2)]).to.deep.equal([Op.BindVtpm, c.ssidref, v.ssidref]);
    });

    it('policy: with a common type the vTPM pair connects and H_TSHYPE_VTPM_LAUNCH answers', () => {
      loadPolicy(ste(true));
      const [v, c] = vtpmSystem();
      measure(c);
      mapWindow(v, 0);
      mapWindow(c, 0);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      const audits = auditCount();
      expect(hcall(v, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.SUCCESS);
      expect(auditCount()).to.equal(audits);
      expect(hcall(v, LAUNCH, unit(0), BUF, 160)).to.equal(H.SUCCESS);
      expect(v.vcpu.gpr[5]).to.equal(4n);
    });

    it('policy: a vTPM pair is BindVtpm (BLP: no flow, allowed), a plain pair between the same partitions OpenChannel+SendFrame (BLP: denied)', () => {
      loadPolicy(`policy b
primary blp
levels low high
type t
label client types t level low
label vtpm types t level high
hcalls default allow
`);
      const [v, c] = vtpmSystem({ plainChannel: true });
      for (const p of [v, c]) { mapWindow(p, 0); mapWindow(p, 1); }
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      expect(hcall(v, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.SUCCESS);
      // messages flow both ways on the vTPM pair: nothing asks SendFrame per message
      expect(hcall(c, OP.SEND_CRQ, unit(0), 0xc001000000000000n, 0)).to.equal(H.SUCCESS);
      expect(read64(v, 0, Q)).to.equal(0xc001000000000000n);
      expect(hcall(v, OP.SEND_CRQ, unit(0), 0xc001000000000000n, 0)).to.equal(H.SUCCESS);
      expect(read64(c, 0, Q)).to.equal(0xc001000000000000n);
      expect(hcall(c, OP.REG_CRQ, unit(1), Q, 0x1000)).to.equal(H.CLOSED);
      const audits = auditCount();
      expect(hcall(v, OP.REG_CRQ, unit(1), Q, 0x1000)).to.equal(H.CLOSED);
      expect(auditCount()).to.equal(audits + 1);
      expect(opOf(audits)).to.be.oneOf([Op.OpenChannel, Op.SendFrame]);
    });
  });

  describe('the loader: event log, device tree, reservation', () => {
    const IMAGE = 0x20000000n;

    /** Load partition p with a built-in image of `bytes` at IMAGE. */
    function load(p: Partition, bytes: Uint8Array): LoadStatus {
      host.writeBytes(IMAGE, bytes);
      return loadPartition(p, IMAGE, BigInt(bytes.length));
    }

    const imageBytes = (n: number, seed: number): Uint8Array => {
      const b = new Uint8Array(n);
      let s = seed;
      for (let i = 0; i < n; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; b[i] = s >>> 24; }
      return b;
    };

    it('loadPartition: a vTPM client\'s event log is where sml-base says, sml-size long, reserved; it replays to the vTPM\'s PCRs', () => {
      const [v, c] = vtpmSystem();
      const img = imageBytes(3000, 1);
      expect(load(c, img)).to.equal(LoadStatus.Ok);
      const tree = readTree(c);
      const node = tree.nodes.get(`/vdevice/vtpm@${(VIO_UNIT_BASE).toString(16)}`);
      expect(node, 'the vtpm node').to.not.equal(undefined);
      expect(str(node!.get('device_type'))).to.equal('IBM,vtpm');
      expect(str(node!.get('compatible'))).to.equal('IBM,vtpm20');
      const base = node!.get('linux,sml-base')!, size = node!.get('linux,sml-size')!;
      expect([base.length, size.length]).to.deep.equal([8, 4]);
      const smlBase = base.readBigUInt64BE(0), smlSize = size.readUInt32BE(0);   // a built-in program is big-endian
      expect(hex64(smlBase)).to.equal(hex64(SIZE - BigInt(FDT_SPACE + RTAS_SPACE + EVENTLOG_SPACE)));
      expect(smlBase).to.equal(eventLogAddress(c));
      expect(tree.reserved.map(([a, s]) => [hex64(a), hex64(s)])).to.deep.include([hex64(smlBase), hex64(BigInt(EVENTLOG_SPACE))]);
      // the log: three events, each digest what was launched
      const area = Buffer.from(host.readBytes(c.memBase + smlBase, smlSize));
      const log = parseEventLog(area);
      expect(log.zeroTail).to.equal(16);
      expect(log.events.map(e => [e.pcrIndex, e.eventType, e.data.toString('latin1')])).to.deep.equal([
        [17, EV_IPL, 'tshype image built-in'], [19, EV_IPL, 'tshype device tree client'], [20, EV_IPL, 'tshype label client']]);
      expect(log.events.map(e => e.digests.map(d => [d.algorithmId, d.digest.toString('hex')]))).to.deep.equal(
        [img, tree.blob, Buffer.from('client')].map(b => [[ALG_SHA256, sha256(b).toString('hex')]]));
      const rest = host.readBytes(c.memBase + smlBase + BigInt(smlSize), EVENTLOG_SPACE - smlSize);
      expect(rest.every(b => b === 0), 'the rest of the area is zero').to.equal(true);
      // the vTPM partition reads the record and applies it: its PCRs are the log's replay
      expect(hcall(v, LAUNCH, unit(0), BUF, 160)).to.equal(H.SUCCESS);
      expect(v.vcpu.gpr[5]).to.equal(3n);
      const rec = host.readBytes(v.memBase + BUF, 120);
      expect(openInstance(6, new Uint8Array(48).fill(0x61), 48)).to.equal(true);
      expect(applyLaunch(6, Number(v.vcpu.gpr[4]) + 0x10000, 3, rec)).to.equal(3);
      const replay = replayPcrs(log);
      expect([...replay.keys()]).to.deep.equal([17, 19, 20]);
      const cmd = buildCommand(CC.PCR_Read, [], pcrSelection([17, 18, 19, 20]));
      const out = new Uint8Array(4096);
      const r = parseResponse(Buffer.from(out.subarray(0, runCommand(6, cmd, cmd.length, out))), false).r;
      r.u32(); r.u32(); r.u16(); r.bytes(r.u8());
      expect(r.u32()).to.equal(4);
      const values = [17, 18, 19, 20].map(() => r.b2().toString('hex'));
      expect(values).to.deep.equal([replay.get(17)!, Buffer.alloc(32), replay.get(19)!, replay.get(20)!].map(b => b.toString('hex')));
    });

    it('loadPartition: the vTPM partition\'s v-vtpm-server node has its own window and its client\'s (REMOTE_LIOBN | unit)', () => {
      const [v, c] = vtpmSystem();
      expect(load(v, imageBytes(100, 2))).to.equal(LoadStatus.Ok);
      const tree = readTree(v);
      const node = tree.nodes.get(`/vdevice/v-vtpm-server@${VIO_UNIT_BASE.toString(16)}`);
      expect(node, 'the server node').to.not.equal(undefined);
      expect(str(node!.get('compatible'))).to.equal('tshype,vtpm-server');
      const win = CRQ_WINDOW_PAGES * 4096;
      expect(cells(node!.get('ibm,my-dma-window')!)).to.deep.equal([VIO_UNIT_BASE, 0, 0, 0, win, (VIO_UNIT_BASE | REMOTE_LIOBN) >>> 0, 0, 0, 0, win]);
      expect(node!.has('linux,sml-base')).to.equal(false);
      expect(tree.reserved.some(([a]) => a === eventLogAddress(v)), 'no event log for the vTPM partition').to.equal(false);
      // the client's node: reg, interrupts, one window
      expect(load(c, imageBytes(100, 3))).to.equal(LoadStatus.Ok);
      const cn = readTree(c).nodes.get(`/vdevice/vtpm@${VIO_UNIT_BASE.toString(16)}`)!;
      expect(cells(cn.get('reg')!)).to.deep.equal([VIO_UNIT_BASE]);
      expect(cells(cn.get('interrupts')!).length).to.equal(2);
      expect(cells(cn.get('ibm,my-dma-window')!)).to.deep.equal([VIO_UNIT_BASE, 0, 0, 0, win]);
    });

    it('loadPartition: a partition without a vTPM has no sml properties, no log reservation and a zero log area', () => {
      const ps = vtpmSystem({ third: true });
      const p = ps[2];
      host.writeBytes(p.memBase + eventLogAddress(p), new Uint8Array(16).fill(0x77));   // an earlier tenant's bytes
      expect(load(p, imageBytes(3000, 4))).to.equal(LoadStatus.Ok);
      const tree = readTree(p);
      for (const [name, props] of tree.nodes) {
        expect(name.includes('vtpm'), name).to.equal(false);
        expect(props.has('linux,sml-base') || props.has('linux,sml-size'), name).to.equal(false);
      }
      expect(tree.reserved.map(([a, s]) => [hex64(a), hex64(s)])).to.not.deep.include([hex64(eventLogAddress(p)), hex64(BigInt(EVENTLOG_SPACE))]);
      expect(host.readBytes(p.memBase + eventLogAddress(p), EVENTLOG_SPACE).every(b => b === 0)).to.equal(true);
      expect(p.launch.count, 'measured all the same').to.equal(3);
    });

    it('loadPartition: an image reaching into the log area is ImageTooLarge and changes nothing; one ending at it loads', () => {
      const [, c] = vtpmSystem();
      const limit = Number(eventLogAddress(c));
      expect(limit).to.equal(Number(rtasAddress(c)) - EVENTLOG_SPACE);
      host.write(c.memBase + 0x100n, 8, 0xabcdn);
      const gen = c.launch.generation;
      host.writeBytes(IMAGE, new Uint8Array(limit + 1).fill(0x11));
      expect(loadPartition(c, IMAGE, BigInt(limit + 1))).to.equal(LoadStatus.ImageTooLarge);
      expect(host.read(c.memBase + 0x100n, 8), 'memory untouched').to.equal(0xabcdn);
      expect(c.launch.generation, 'nothing measured').to.equal(gen);
      expect(loadPartition(c, IMAGE, BigInt(limit))).to.equal(LoadStatus.Ok);
      const tree = readTree(c);
      const node = tree.nodes.get(`/vdevice/vtpm@${VIO_UNIT_BASE.toString(16)}`)!;
      const base = node.get('linux,sml-base')!.readBigUInt64BE(0);
      const log = parseEventLog(host.readBytes(c.memBase + base, node.get('linux,sml-size')!.readUInt32BE(0)));
      expect(log.events[0].digests[0].digest.toString('hex')).to.equal(sha256(new Uint8Array(limit).fill(0x11)).toString('hex'));
    });

    it('loadElfPartition: a little-endian guest gets sml-base and sml-size little-endian', () => {
      const [, c] = vtpmSystem();
      c.program = Program.Elf;
      c.image = 'k.elf';
      const code = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const elf = makeElf({ le: true, entry: 0xc000000000000000n, phdrs: [{ offset: 0x10000n, vaddr: 0xc000000000000000n, paddr: 0n, filesz: 8n, memsz: 0x1000n }] });
      elf.set(code, 0x10000);
      const dir = tempDir('vtpm-elf');
      const file = path.join(dir, 'k.elf');
      fs.writeFileSync(file, elf);
      const bytes = buildBundle([{ name: 'k.elf', path: file, kind: 1, limit: SIZE }]);
      host.writeBytes(IMAGE, bytes);
      const b = new GuestBundle();
      expect(b.open(IMAGE, BigInt(bytes.length))).to.equal(0);
      expect(loadElfPartition(c, b)).to.equal(LoadStatus.Ok);
      const node = readTree(c).nodes.get(`/vdevice/vtpm@${VIO_UNIT_BASE.toString(16)}`)!;
      const base = node.get('linux,sml-base')!.readBigUInt64LE(0), size = node.get('linux,sml-size')!.readUInt32LE(0);
      expect(base).to.equal(eventLogAddress(c));
      const log = parseEventLog(host.readBytes(c.memBase + base, size));
      expect(log.events.map(e => [e.pcrIndex, e.data.toString('latin1')])).to.deep.equal(
        [[17, 'tshype image k.elf'], [19, 'tshype device tree client'], [20, 'tshype label client']]);
      expect(log.events[0].digests[0].digest.toString('hex')).to.equal(sha256(elf).toString('hex'));
    });
  });

  describe('configuration', () => {
    function system(): { s: SystemConfig; v: ReturnType<SystemConfig['add']>; c: ReturnType<SystemConfig['add']>; h: ReturnType<SystemConfig['add']> } {
      const s = new SystemConfig('t');
      const v = s.add('v', Program.Vtpm, 32, 10);
      const c = s.add('c', Program.Hello, 32, 10);
      const h = s.add('h', Program.Hello, 32, 10);
      return { s, v, c, h };
    }

    it('validateSystem: accepts one vTPM per client served by Program.Vtpm', () => {
      const { s, v, c, h } = system();
      s.addVtpm(c, v);
      s.addVtpm(h, v);
      expect(validateSystem(s, 1024).error).to.equal(ConfigError.Ok);
    });

    it('validateSystem: refuses a vTPM whose server is not Program.Vtpm, or whose client is (NotVtpmServer)', () => {
      const a = system();
      a.s.addVtpm(a.c, a.v);
      a.s.addVtpm(a.h, a.c);
      let r = validateSystem(a.s, 1024);
      expect([r.error, r.itemKind, r.item]).to.deep.equal([ConfigError.NotVtpmServer, ConfigItem.Channel, 1]);
      const b = system();
      b.c.program = Program.Vtpm;
      b.s.addVtpm(b.c, b.v);
      r = validateSystem(b.s, 1024);
      expect([r.error, r.itemKind, r.item]).to.deep.equal([ConfigError.NotVtpmServer, ConfigItem.Channel, 0]);
    });

    it('validateSystem: refuses a second vTPM for one client (DuplicateVtpm, naming the first)', () => {
      const { s, v, c, h } = system();
      s.addVtpm(c, v);
      s.addChannel(h, v);
      s.addVtpm(c, v);
      const r = validateSystem(s, 1024);
      expect([r.error, r.itemKind, r.item, r.other]).to.deep.equal([ConfigError.DuplicateVtpm, ConfigItem.Channel, 2, 0]);
    });

    it('validateSystem: refuses a second partition running Program.Vtpm (SecondVtpmPartition, naming the first)', () => {
      const { s } = system();
      s.add('v2', Program.Vtpm, 32, 10);
      const r = validateSystem(s, 1024);
      expect([r.error, r.partition, r.other]).to.deep.equal([ConfigError.SecondVtpmPartition, 3, 0]);
    });

    function check(source: string): { status: number | null; stderr: string; file: string } {
      const file = path.join(tempDir('vtpm-config'), 'bad.ts');
      fs.writeFileSync(file, source.replace(/CONFIG/g, JSON.stringify(path.join(ROOT, 'lpar', 'config'))));
      const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'scripts/tsnc/register.cjs'), path.join(ROOT, 'scripts/check-config.ts'), file], { encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr, file };
    }
    const HEAD = "import { Program, SystemConfig } from CONFIG;\nexport const system = new SystemConfig('x');\n" +
      "const v = system.add('v', Program.Vtpm, 32, 10);\nconst c = system.add('c', Program.Hello, 32, 10);\nconst h = system.add('h', Program.Hello, 32, 10);\n";

    it('check-config: a vTPM served by a partition not running Program.Vtpm is file:line: message', function () {
      this.timeout(60_000);
      const r = check(HEAD + 'system.addVtpm(c, v);\nsystem.addChannel(h, c);\nsystem.addVtpm(h, c);\n');
      expect(r.status).to.equal(1);
      expect(r.stderr.trim()).to.equal(`${r.file}:8: channel 3 (client 'h', server 'c'): a vTPM's server must run Program.Vtpm and its client must not`);
    });

    it('check-config: a second vTPM for one client is file:line: message', function () {
      this.timeout(60_000);
      const r = check(HEAD + 'system.addVtpm(c, v);\n\nsystem.addVtpm(c, v);\n');
      expect(r.status).to.equal(1);
      expect(r.stderr.trim()).to.equal(`${r.file}:8: channel 2 (client 'c', server 'v'): the client has a vTPM already (channel 1)`);
    });
  });

  it('anyRunnable: the vTPM service partition alone does not keep the machine running', () => {
    const [v, c] = vtpmSystem();
    expect([v.state, c.state]).to.deep.equal([LparState.Running, LparState.Running]);
    expect(anyRunnable()).to.equal(true);
    c.state = LparState.Halted;
    expect(anyRunnable()).to.equal(false);
    v.program = Program.Hello;   // the same partition not running the vTPM program counts
    expect(anyRunnable()).to.equal(true);
    v.program = Program.Vtpm;
    c.state = LparState.Crashed;
    expect(anyRunnable()).to.equal(false);
    for (const p of partitions) expect(p.state === LparState.Running && p !== v).to.equal(false);
  });
});

// ---- a small FDT reader (big-endian flattened device tree, version 17) ----

interface Tree { blob: Buffer; nodes: Map<string, Map<string, Buffer>>; reserved: [bigint, bigint][] }

/** Read partition p's device tree from its memory: every node by path, its properties, the reservation map. */
function readTree(p: Partition): Tree {
  const at = p.memBase + fdtAddress(p);
  const head = Buffer.from(host.readBytes(at, 40));
  expect(head.readUInt32BE(0), 'FDT magic').to.equal(0xd00dfeed);
  const blob = Buffer.from(host.readBytes(at, head.readUInt32BE(4)));
  const offStruct = blob.readUInt32BE(8), offStrings = blob.readUInt32BE(12), offRsv = blob.readUInt32BE(16);
  const reserved: [bigint, bigint][] = [];
  for (let o = offRsv; ; o += 16) {
    const a = blob.readBigUInt64BE(o), s = blob.readBigUInt64BE(o + 8);
    if (a === 0n && s === 0n) break;
    reserved.push([a, s]);
  }
  const nodes = new Map<string, Map<string, Buffer>>();
  const stack: string[] = [];
  let o = offStruct;
  for (;;) {
    const tok = blob.readUInt32BE(o);
    o += 4;
    if (tok === 1) {
      const end = blob.indexOf(0, o);
      const name = blob.toString('latin1', o, end);
      o = (end + 4) & ~3;
      stack.push(name);
      nodes.set(stack.length === 1 ? '/' : '/' + stack.slice(1).join('/'), new Map());
    } else if (tok === 2) {
      stack.pop();
    } else if (tok === 3) {
      const len = blob.readUInt32BE(o), nameOff = blob.readUInt32BE(o + 4);
      const nend = blob.indexOf(0, offStrings + nameOff);
      const pname = blob.toString('latin1', offStrings + nameOff, nend);
      nodes.get(stack.length === 1 ? '/' : '/' + stack.slice(1).join('/'))!.set(pname, blob.subarray(o + 8, o + 8 + len));
      o = (o + 8 + len + 3) & ~3;
    } else if (tok === 4) {
      continue;
    } else {
      expect(tok, 'FDT_END').to.equal(9);
      break;
    }
  }
  return { blob, nodes, reserved };
}

const str = (b: Buffer | undefined): string => {
  expect(b, 'property').to.not.equal(undefined);
  expect(b![b!.length - 1], 'NUL-terminated').to.equal(0);
  return b!.toString('latin1', 0, b!.length - 1);
};
const cells = (b: Buffer): number[] => Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32BE(4 * i));
const hex64 = (v: bigint): string => '0x' + v.toString(16);
