/**
 * System test of the boot skeleton: build the images from the current sources, boot each
 * platform configuration under QEMU 7.2 and check the console and QEMU's exit status.
 *
 *   pseries -bios, powernv9/powernv10 -bios, powernv9/powernv10 as skiboot's payload;
 *   the non-volatile store on pseries: the boot count and a test root's 16 KiB images
 *   (test/system/roots/nvstore.ts) kept in one NVRAM file across two boots;
 *   a root that powers off with status 42 (test/system/roots/panic.ts) on pseries, powernv9
 *   -bios and skiboot, booted with its BSS pre-filled with junk (QEMU's generic loader) where
 *   the firmware leaves memory alone, to see the entry code zero it.
 *
 * Images go to build/test/system/; QEMU runs through scripts/run-image.sh (its command lines,
 * each under `timeout`). Builds run two at a time, boots three (skiboot's start-up, ~7 s of
 * each of its boots, is mostly waiting): about 30 s in all on 2 otherwise idle cores.
 * Run with `make test-system` (mocha --config test/system/mocharc.json).
 */
import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Run, TOP, run, show } from './helpers';
import { RTC_BASE_SECONDS, RTC_OPTION, TimedRun, expectDefaultClocks, timedRun } from './clock';

const BUILD = 'build/test/system';
const MiB = 0x100000;

/** At most `n` of the functions given to the returned runner run at once. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>(r => waiting.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** One image: a root file built for one platform under a name. */
interface Image { name: string; platform: 'pseries' | 'powernv'; root: string }
const IMAGES: Image[] = [
  { name: 'tshype', platform: 'pseries', root: 'hv/main.ts' },
  { name: 'tshype', platform: 'powernv', root: 'hv/main.ts' },
  { name: 'panic', platform: 'pseries', root: 'test/system/roots/panic.ts' },
  { name: 'panic', platform: 'powernv', root: 'test/system/roots/panic.ts' },
  { name: 'nvstore', platform: 'pseries', root: 'test/system/roots/nvstore.ts' },
];

async function buildImage(img: Image): Promise<void> {
  const r = await run('bash', ['scripts/build-image.sh', img.platform], { ROOT: img.root, NAME: img.name, BUILD });
  if (r.status !== 0) throw new Error(`building ${img.name}-${img.platform} failed (${r.status}):\n${r.stderr}${r.stdout}`);
}

/** scripts/run-image.sh machines and the image each boots. */
function imageFile(name: string, machine: string): string {
  if (machine === 'pseries') return `${BUILD}/${name}-pseries.bin`;
  return `${BUILD}/${name}-powernv.${machine.endsWith('-skiboot') ? 'elf' : 'bin'}`;
}

const MACHINES = ['pseries', 'powernv9', 'powernv10', 'powernv9-skiboot', 'powernv10-skiboot'];
const PANIC_MACHINES = ['pseries', 'powernv9', 'powernv9-skiboot'];
const boots = new Map<string, Promise<Run>>();
/** Two pseries boots, one after the other, with the same NVRAM file (started in before()). */
let nvramBoots: Promise<Run[]>;
const NVRAM_FILE = `${BUILD}/nvram.bin`;
/** Two boots of the store's test root (test/system/roots/nvstore.ts) with one NVRAM file. */
let storeBoots: Promise<Run[]>;
const STORE_NVRAM = `${BUILD}/nvstore-nvram.bin`;

/** The boot of image `name` on `machine`, started in before(). */
function booted(name: string, machine: string): Promise<Run> {
  const b = boots.get(`${name}@${machine}`);
  if (!b) throw new Error(`no boot of ${name} on ${machine} was started`);
  return b;
}

/** Symbol values from `llvm-readelf -s` output. */
function symbol(readelf: string, name: string): number {
  const m = new RegExp(`^\\s*\\d+:\\s+([0-9a-f]+)\\s.*\\s${name.replace(/\./g, '\\.')}$`, 'm').exec(readelf);
  if (!m) throw new Error(`no symbol ${name}`);
  return parseInt(m[1], 16);
}

/**
 * QEMU options that fill the panic image's BSS with 0xa5 before it starts (the generic
 * loader), so that the `[hv] bss:` line shows whether the entry code zeroed it.
 */
function junkLoader(platform: string): string {
  const elf = path.join(TOP, `${BUILD}/panic-${platform}.elf`);
  const syms = execFileSync('llvm-readelf-19', ['-s', '-W', elf], { encoding: 'latin1' });
  const start = symbol(syms, '__bss_start');
  const junk = path.join(TOP, `${BUILD}/bss-junk-${platform}.bin`);
  fs.writeFileSync(junk, Buffer.alloc(symbol(syms, '__bss_end') - start, 0xa5));
  return `-device loader,file=${junk},addr=0x${start.toString(16)},force-raw=on`;
}

/** The lines tshype printed (skiboot's own start with a "[  time,level]" stamp). */
function hvLines(out: string): string[] {
  return out.split(/\r?\n/).filter(l => l.startsWith('[hv]'));
}

/** Index of the line of `out` containing `text`, -1 if none. */
function lineIndex(out: string, text: string): number {
  return out.split(/\r?\n/).findIndex(l => l.includes(text));
}


describe('boot: tshype images under QEMU', function () {
  this.timeout(300_000);

  before(async function () {
    this.timeout(300_000);
    const twoAtOnce = limiter(2);
    await Promise.all(IMAGES.map(img => twoAtOnce(() => buildImage(img))));
    const threeAtOnce = limiter(3);
    const start = (name: string, machine: string, env: Record<string, string> = {}): void => {
      boots.set(`${name}@${machine}`, threeAtOnce(() => run('scripts/run-image.sh', [machine, imageFile(name, machine)], env)));
    };
    // the slow skiboot boots first, so the quick ones fill in around them
    const skibootFirst = (a: string, b: string): number => Number(b.endsWith('-skiboot')) - Number(a.endsWith('-skiboot'));
    for (const m of [...MACHINES].sort(skibootFirst)) start('tshype', m);
    fs.rmSync(path.join(TOP, NVRAM_FILE), { force: true });
    const nvramBoot = (): Promise<Run> => threeAtOnce(() => run('scripts/run-image.sh', ['pseries', imageFile('tshype', 'pseries')], { NVRAM: NVRAM_FILE }));
    nvramBoots = nvramBoot().then(async first => [first, await nvramBoot()]);
    fs.rmSync(path.join(TOP, STORE_NVRAM), { force: true });
    const storeBoot = (): Promise<Run> => threeAtOnce(() => run('scripts/run-image.sh', ['pseries', imageFile('nvstore', 'pseries')], { NVRAM: STORE_NVRAM }));
    storeBoots = storeBoot().then(async first => [first, await storeBoot()]);
    for (const m of [...PANIC_MACHINES].sort(skibootFirst)) {
      // skiboot owns low memory until it starts the payload: no junk there
      start('panic', m, m.endsWith('-skiboot') ? {} : { QEMU_EXTRA: junkLoader(m === 'pseries' ? 'pseries' : 'powernv') });
    }
  });

  it('pseries -bios: banner through H_PUT_TERM_CHAR, RTAS power-off, exit 0', async () => {
    const r = await booted('tshype', 'pseries');
    expect(r.stdout.split('\n')[0], show(r)).to.equal('[hv] tshype on pseries, configuration default');
    expect(r.status, show(r)).to.equal(0);
  });

  it('pseries NVRAM: a fresh per-run NVRAM counts boot 1; with the same NVRAM=file the count goes up from one boot to the next', async () => {
    const fresh = await booted('tshype', 'pseries');
    expect(hvLines(fresh.stdout)[1], show(fresh)).to.equal(
      '[hv] non-volatile store: pseries NVRAM, 512 KiB, 8 vTPM slots; boot 1 (no valid copy; copy A: blank; copy B: blank; saved copy A seq 1)');
    const [first, second] = await nvramBoots;
    expect(first.status, show(first)).to.equal(0);
    expect(second.status, show(second)).to.equal(0);
    expect(hvLines(first.stdout)[1], show(first)).to.match(/^\[hv\] non-volatile store: pseries NVRAM, 512 KiB, 8 vTPM slots; boot 1 \(/);
    expect(hvLines(second.stdout)[1], show(second)).to.equal(
      '[hv] non-volatile store: pseries NVRAM, 512 KiB, 8 vTPM slots; boot 2 (read copy A seq 1; copy B: blank; saved copy B seq 2)');
    expect(fs.statSync(path.join(TOP, NVRAM_FILE)).size, 'run-image.sh made a 512 KiB file').to.equal(512 * 1024);
  });

  it('pseries store root: a largest image (16448 bytes) in each of the 8 vTPM slots saved and loaded back, found by the next boot; a save cut short loses nothing', async () => {
    const [first, second] = await storeBoots;
    const slots = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(first.status, show(first)).to.equal(0);
    expect(hvLines(first.stdout), show(first)).to.deep.equal([
      '[hv] nvstore test on pseries', '[hv] nvstore: 9 slots', '[hv] nvstore: boot 1',
      ...slots.map(s => `[hv] nvstore: slot ${s}: blank`),
      ...slots.map(s => `[hv] nvstore: slot ${s}: saved 16448 bytes in copy A, loaded back intact`),
      '[hv] nvstore: slot 1: a save cut after 100 bytes, the image before it loads']);
    expect(second.status, show(second)).to.equal(0);
    expect(hvLines(second.stdout), show(second)).to.deep.equal([
      '[hv] nvstore test on pseries', '[hv] nvstore: 9 slots', '[hv] nvstore: boot 2',
      ...slots.map(s => `[hv] nvstore: slot ${s}: found 16448 bytes, the previous boot's image`),
      ...slots.map(s => `[hv] nvstore: slot ${s}: saved 16448 bytes in copy B, loaded back intact`),
      '[hv] nvstore: slot 1: a save cut after 100 bytes, the image before it loads']);
  });

  for (const machine of ['powernv9', 'powernv10']) {
    it(`${machine} -bios: banner and device tree through the LPC UART, IPMI power-off, exit 0`, async () => {
      const r = await booted('tshype', machine);
      expect(r.stdout.split('\n')[0], show(r)).to.equal('[hv] tshype on powernv, configuration default');
      expect(r.stdout.split('\n')[1], show(r)).to.equal('[hv] non-volatile store: none on this platform; vTPM instance state is kept in hypervisor memory, 8 vTPM slots (across vTPM partition restarts, not across a power cycle)');
      expect(r.status, show(r)).to.equal(0);
    });
  }

  for (const machine of ['powernv9-skiboot', 'powernv10-skiboot']) {
    it(`${machine}: runs as skiboot's payload, prints through OPAL, OPAL power-off, exit 0`, async () => {
      const r = await booted('tshype', machine);
      const out = r.stdout;
      expect(hvLines(out)[0], show(r)).to.equal('[hv] tshype on powernv, configuration default');
      const started = lineIndex(out, 'INIT: Starting kernel at 0x20010020');
      const banner = lineIndex(out, '[hv] tshype on powernv');
      const shutdown = lineIndex(out, 'OPAL: Shutdown request');
      expect(started, show(r)).to.be.at.least(0);
      expect(banner, 'banner after skiboot started the payload').to.be.greaterThan(started);
      expect(shutdown, 'OPAL_CEC_POWER_DOWN after the banner (the entry recorded OPAL)').to.be.greaterThan(banner);
      expect(r.status, show(r)).to.equal(0);
    });
  }

  it('pseries panic: BSS zeroed over junk, marker, ibm,os-term with the marker as message, exit 1', async () => {
    const r = await booted('panic', 'pseries');
    expect(hvLines(r.stdout), show(r)).to.deep.equal(
      ['[hv] panic test on pseries', '[hv] bss: 0 of 256 probe bytes set', '[hv] PANIC: exit status 42']);
    expect(r.stderr, show(r)).to.contain('OS terminated: [hv] PANIC: exit status 42');
    expect(r.status, show(r)).to.equal(1);
  });

  it('powernv9 -bios panic: BSS zeroed over junk, marker before the IPMI power-off (QEMU cannot exit non-zero)', async () => {
    const r = await booted('panic', 'powernv9');
    expect(r.stdout, show(r)).to.equal(
      '[hv] panic test on powernv\n[hv] bss: 0 of 256 probe bytes set\n[hv] PANIC: exit status 42\n');
    expect(r.status, show(r)).to.equal(0);
  });

  it('powernv9 skiboot panic: marker through OPAL, then OPAL power-off', async () => {
    const r = await booted('panic', 'powernv9-skiboot');
    expect(hvLines(r.stdout), show(r)).to.deep.equal(
      ['[hv] panic test on powernv', '[hv] bss: 0 of 256 probe bytes set', '[hv] PANIC: exit status 42']);
    expect(lineIndex(r.stdout, 'OPAL: Shutdown request'), show(r))
      .to.be.greaterThan(lineIndex(r.stdout, '[hv] PANIC: exit status 42'));
    expect(r.status, show(r)).to.equal(0);
  });

  for (const platform of ['pseries', 'powernv']) {
    it(`${platform} image layout: one segment from 0, all of it below 8 MiB, BSS and stack after the loaded bytes`, async () => {
      const elf = `${BUILD}/tshype-${platform}.elf`;
      const r = await run('llvm-readelf-19', ['-S', '-l', '-s', '-W', elf]);
      expect(r.status, show(r)).to.equal(0);
      const sections = parseSections(r.stdout).filter(s => s.flags.includes('A'));
      const loads = r.stdout.split('\n').filter(l => /^\s+LOAD\s/.test(l)).map(l => l.trim().split(/\s+/));
      expect(loads, 'exactly one PT_LOAD').to.have.length(1);
      const [, , vaddr, , filesz, memsz] = loads[0].map(x => Number(x));
      expect(vaddr).to.equal(0);
      expect(memsz).to.be.at.most(8 * MiB);
      for (const s of sections) {
        expect(s.addr + s.size, `${s.name} inside the segment`).to.be.at.most(memsz);
        if (s.type === 'NOBITS') expect(s.addr, `${s.name} after the loaded bytes`).to.be.at.least(filesz);
        else expect(s.addr + s.size, `${s.name} loaded`).to.be.at.most(filesz);
      }
      expect(sections.map(s => s.name)).to.include.members(['.head', '.text', '.got', '.bss', '.stack']);
      const bin = fs.statSync(path.join(TOP, `${BUILD}/tshype-${platform}.bin`)).size;
      expect(bin, '-bios binary = the loaded bytes').to.equal(filesz);
      const sym = (name: string): number => symbol(r.stdout, name);
      const bss = sections.find(s => s.name === '.bss')!;
      expect(sym('__bss_start')).to.equal(bss.addr);
      expect(sym('__bss_end')).to.equal(bss.addr + bss.size);
      expect(sym('.TOC.') - 0x8000).to.equal(sections.find(s => s.name === '.got')!.addr);
    });
  }
});

interface Section { name: string; type: string; addr: number; size: number; flags: string }

/** Section headers from `llvm-readelf -S -W`. */
function parseSections(text: string): Section[] {
  const out: Section[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s/.exec(line);
    if (m) out.push({ name: m[1], type: m[2], addr: parseInt(m[3], 16), size: parseInt(m[4], 16), flags: m[5] });
  }
  return out;
}

/**
 * Partitions on powernv: tshype in hypervisor mode on the bare machine (arch/ppc64/powernv:
 * partition table and PTCR, LPIDR, LPCR, HDEC, hrfid; vectors.S and switch.S bring a guest
 * back). The default and fault configurations must behave as on pseries, on POWER9 and
 * POWER10, as -bios and as skiboot's payload (where OPAL must keep working after tshype took
 * the partitioning registers and the vectors); an interrupt of the hypervisor itself must be
 * reported, not lost. The default configuration boots with a host time far from today
 * (-rtc base, test/system/clock.ts): the wall clock and the hcall tour's time of day must be
 * that time under -bios (the LPC RTC); under skiboot they must be the host's real time, since
 * skiboot's OPAL_RTC_READ on QEMU asks the BMC (IPMI Get SEL Time), whose clock is QEMU's host
 * clock whatever -rtc says (hw/ipmi/ipmi_bmc_sim.c).
 */
describe('powernv partitions: hypervisor mode on the bare machine', function () {
  this.timeout(300_000);
  const IMAGES_PNV = [
    { name: 'pnv-default', config: 'default', root: 'hv/main.ts' },
    { name: 'pnv-faults', config: 'faults', root: 'hv/main.ts' },
    { name: 'pnv-hvtrap', config: 'default', root: 'test/system/roots/hv-trap.ts' },
    { name: 'pnv-overlap', config: 'zz-test-pnv-overlap', root: 'hv/main.ts' },
  ];
  /** A partition right above a hypervisor region that ends inside skiboot's first reserved range. */
  const OVERLAP_CONFIG = "import { Program, SystemConfig } from '../config';\n" +
    "export const system = new SystemConfig('overlap');\nsystem.hypervisorMiB = 770;\nsystem.add('alpha', Program.Hello, 2, 40);\n";
  const BIOS = ['powernv9', 'powernv10'];
  const SKIBOOT = ['powernv9-skiboot', 'powernv10-skiboot'];
  const runs = new Map<string, Promise<TimedRun>>();
  const booted = (name: string, machine: string): Promise<TimedRun> => {
    const b = runs.get(`${name}@${machine}`);
    if (!b) throw new Error(`no boot of ${name} on ${machine} was started`);
    return b;
  };
  /** The lines of `out` with prefix `[name] `, without the prefix. */
  const linesOf = (out: string, name: string): string[] =>
    out.split('\n').filter(l => l.startsWith(`[${name}] `)).map(l => l.slice(name.length + 3));

  before(async function () {
    this.timeout(300_000);
    const overlapConfig = path.join(TOP, 'lpar/configs/zz-test-pnv-overlap.ts');
    fs.writeFileSync(overlapConfig, OVERLAP_CONFIG);
    const twoAtOnce = limiter(2);
    try {
      await Promise.all(IMAGES_PNV.map(img => twoAtOnce(async () => {
        const r = await run('bash', ['scripts/build-image.sh', 'powernv'], { ROOT: img.root, NAME: img.name, CONFIG: img.config, BUILD });
        if (r.status !== 0) throw new Error(`building ${img.name} failed (${r.status}):\n${r.stderr}${r.stdout}`);
      })));
    } finally {
      fs.rmSync(overlapConfig, { force: true });
    }
    const threeAtOnce = limiter(3);
    const start = (name: string, machine: string): void => {
      const env: Record<string, string> = name === 'pnv-default' ? { QEMU_EXTRA: RTC_OPTION } : {};
      runs.set(`${name}@${machine}`, threeAtOnce(() => timedRun('scripts/run-image.sh', [machine, imageFile(name, machine)], env)));
    };
    // the slow skiboot boots first, so the quick ones fill in around them
    for (const m of SKIBOOT) start('pnv-default', m);
    start('pnv-hvtrap', 'powernv9-skiboot');
    start('pnv-overlap', 'powernv9-skiboot');
    for (const m of BIOS) {
      start('pnv-default', m);
      start('pnv-faults', m);
    }
    start('pnv-hvtrap', 'powernv9');
  });

  for (const machine of [...BIOS, ...SKIBOOT]) {
    it(`${machine}: the default partitions print with their prefix and halt, summary, exit 0`, async () => {
      const r = await booted('pnv-default', machine);
      const out = r.stdout;
      expect(linesOf(out, 'alpha'), show(r)).to.deep.equal(
        ['hello from a tshype partition', 'device tree magic check: 1', '1 + 2 + ... + 100 = 5050', 'goodbye']);
      expect(linesOf(out, 'beta')).to.include.members(['hcall tour', 'checks: 36', 'failures: 0']);
      expect(out).to.match(/\[hv\] {3}'alpha' halted, status 0, hcalls \d+/);
      expect(out).to.match(/\[hv\] {3}'beta' halted, status 0, hcalls \d+/);
      expect(out).to.not.contain('PANIC');
      expect(r.status, show(r)).to.equal(0);
    });
  }

  for (const machine of BIOS) {
    it(`${machine}: the wall clock and RTAS get-time-of-day answer the host time QEMU was given (LPC RTC)`, async () => {
      expectDefaultClocks(await booted('pnv-default', machine), RTC_BASE_SECONDS);
    });
  }

  for (const machine of SKIBOOT) {
    it(`${machine}: the wall clock and RTAS get-time-of-day answer OPAL_RTC_READ (the BMC's host time)`, async () => {
      const r = await booted('pnv-default', machine);
      expectDefaultClocks(r, Math.floor(r.startMs / 1000));
    });
  }

  for (const machine of BIOS) {
    it(`${machine}: memory map: partitions from 64 MiB, the page pool past the device tree at 16 MiB`, async () => {
      const r = await booted('pnv-default', machine);
      expect(hvLines(r.stdout), show(r)).to.include.members([
        '[hv] 2048 MiB usable, timebase 512000000 Hz, page pool 49084 KiB',
        "[hv] partition 'alpha' started: 32 MiB at 0x04000000, share 40%",
        "[hv] partition 'beta' started: 32 MiB at 0x06000000, share 40%"]);
      for (const l of r.stdout.split('\n').filter(l => l.length > 0)) expect(l).to.match(/^\[(hv|alpha|beta)\] /);
    });
  }

  for (const machine of SKIBOOT) {
    it(`${machine}: partitions stop below skiboot's reserved memory; OPAL works after the switch (power-off)`, async () => {
      const r = await booted('pnv-default', machine);
      expect(hvLines(r.stdout), show(r)).to.include('[hv] 768 MiB usable, timebase 512000000 Hz, page pool 49148 KiB');
      expect(lineIndex(r.stdout, 'OPAL: Shutdown request'), 'OPAL_CEC_POWER_DOWN after the summary')
        .to.be.greaterThan(lineIndex(r.stdout, '[hv] gate:'));
    });
  }

  it('powernv9-skiboot: a partition placed over skiboot\'s reserved memory is refused, naming the range', async () => {
    const r = await booted('pnv-overlap', 'powernv9-skiboot');
    expect(hvLines(r.stdout), show(r)).to.deep.equal([
      '[hv] tshype on powernv, configuration overlap',
      '[hv] non-volatile store: none on this platform; vTPM instance state is kept in hypervisor memory, 8 vTPM slots (across vTPM partition restarts, not across a power cycle)',
      "[hv] PANIC: configuration refused for this machine: partition 'alpha' at 0x30200000 overlaps " +
        'firmware-reserved memory [0x30000000, 0x30600000)',
      '[hv] PANIC: exit status 1']);
    expect(r.stdout).to.not.contain('[alpha]');
  });

  for (const machine of BIOS) {
    it(`${machine} faults: illegal instruction → program interrupt, trespass 0xe00 with the address, runaway stopped by HDEC`, async () => {
      const r = await booted('pnv-faults', machine);
      const out = r.stdout;
      expect(out, show(r)).to.match(/\[hv\]   'illegal' halted, status 1792,/);
      expect(linesOf(out, 'illegal')).to.deep.equal(['about to execute an illegal instruction', 'program interrupt: illegal instruction']);
      expect(out).to.contain("[hv] partition 'trespass' crashed: access outside its memory to 0x000000003fff0000");
      expect(out).to.match(/'trespass' crashed: .* \(vector 0xe00\)/);
      expect(linesOf(out, 'trespass')).to.deep.equal(['reading outside my partition']);
      expect(out).to.match(/\[hv\] partition 'runaway' stopped: CPU time limit reached .*\(vector 0x980\)/);
      const stopped = out.indexOf("partition 'runaway' stopped");
      expect(out.indexOf('[hello] goodbye'), 'hello finished while runaway spun').to.be.within(0, stopped);
      expect(out.indexOf('[tour] failures: 0'), 'tour finished while runaway spun').to.be.within(0, stopped);
      const exits = /'runaway' stopped at its time limit, hcalls \d+, exits (\d+)/.exec(out);
      expect(exits, show(r)).to.not.equal(null);
      expect(Number(exits![1]), 'preempted by the HDEC many times').to.be.greaterThan(10);
      expect(out).to.match(/'hello' halted, status 0/);
      expect(out).to.match(/'tour' halted, status 0/);
      expect(r.status).to.equal(0);
    });
  }

  for (const machine of ['powernv9', 'powernv9-skiboot']) {
    it(`${machine}: a trap in the hypervisor itself is reported with its address, then a failure power-off`, async () => {
      const r = await booted('pnv-hvtrap', machine);
      const lines = hvLines(r.stdout);
      expect(lines[0], show(r)).to.equal('[hv] hypervisor trap test on powernv');
      const m = /^\[hv\] PANIC: hypervisor interrupt 0x700 at 0x([0-9a-f]{16}) \(MSR 0x([0-9a-f]{16})\)$/.exec(lines[1] ?? '');
      expect(m, show(r)).to.not.equal(null);
      expect(lines[2]).to.equal('[hv] PANIC: exit status 1');
      const image = fs.readFileSync(path.join(TOP, `${BUILD}/pnv-hvtrap-powernv.bin`));
      expect(image.readUInt32BE(parseInt(m![1], 16)), 'the reported address holds the trap').to.equal(0x7fe00008);
      expect(BigInt(`0x${m![2]}`) & 0x1000000000000000n, 'taken in hypervisor state').to.not.equal(0n);
      if (machine.endsWith('-skiboot')) {
        expect(lineIndex(r.stdout, 'OPAL: Shutdown request')).to.be.greaterThan(lineIndex(r.stdout, 'PANIC: exit status 1'));
      }
      expect(r.status).to.equal(0);
    });
  }
});
