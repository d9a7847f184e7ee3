/**
 * The hcall layer in Node: the registration table and its lookup, the gate, dispatch, every
 * handler's argument checks (bad input gets the PAPR status and changes nothing), and a property
 * test that random hcalls never throw and never write outside the calling partition's memory.
 * "@platform" is the fake (test/fake/platform.ts); physical memory is tsnc's host memory.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { consoleText, resetPlatform } from '../fake/platform';
import { HCALLS, H_RTAS, H_TSHYPE_HALT, H_TSHYPE_REPORT, functionSets, lookupHcall } from '../../hcalls/table';
import { Op } from '../../shype/ops';
import { NO_HANDLER, dispatchHcall, invoke } from '../../hv/dispatch';
import { GateOutcome, gateStats } from '../../hv/gate';
import { H } from '../../hcalls/status';
import { Program, PartitionConfig } from '../../lpar/config';
import { createPartition, LparState, Partition, partitions, startPartition } from '../../lpar/partition';
import { realAddress, NO_ADDRESS } from '../../lpar/memory';
import { RtasToken } from '../../lpar/devtree';
import { isolationSummary } from '../../hv/boot';

const MEM_BASE = 0x4000000n;          // 64 MiB
const MEM_SIZE = 0x200000n;           // 2 MiB partition
const u64 = (n: number | bigint): bigint => BigInt.asUintN(64, BigInt(n));

/** A running partition named `name` in slot 0 with 2 MiB at 64 MiB. */
function partition(name = 'test'): Partition {
  const p = partitions[0];
  p.state = LparState.Empty;   // tests reuse slot 0 whatever state the last test left it in
  const cfg = new PartitionConfig(0);
  cfg.name = name;
  cfg.program = Program.Hello;
  cfg.memoryMiB = 2;
  cfg.cpuShare = 50;
  expect(createPartition(p, cfg, MEM_BASE, 512000n, 0)).to.equal(true);
  expect(startPartition(p, 0n, 0x1f0000n, 0n)).to.equal(true);
  return p;
}

/** Make hcall `op` with arguments r4.. from partition p; returns the status (r3, signed). */
function hcall(p: Partition, op: number | bigint, ...args: (number | bigint)[]): number {
  const v = p.vcpu;
  v.gpr[3] = u64(op);
  for (let i = 0; i < 9; i++) v.gpr[4 + i] = i < args.length ? u64(args[i]) : 0n;
  dispatchHcall(p, v);
  return Number(BigInt.asIntN(64, v.gpr[3]));
}

/** Pack up to 8 ASCII characters big-endian into a register image. */
function chars(s: string): bigint {
  let w = 0n;
  for (let i = 0; i < 8; i++) w = (w << 8n) | BigInt(i < s.length ? s.charCodeAt(i) : 0);
  return w;
}

beforeEach(() => {
  host.reset();
  resetPlatform();
});

describe('hcall table', () => {
  it('lookupHcall: finds every row by its opcode, and opcodes are unique', () => {
    const seen = new Set<number>();
    HCALLS.forEach((row, i) => {
      expect(seen.has(row.opcode), row.name).to.equal(false);
      seen.add(row.opcode);
      expect(lookupHcall(u64(row.opcode)), row.name).to.equal(i);
    });
  });

  it('lookupHcall: unknown, misaligned and out-of-range opcodes are not found', () => {
    for (const op of [0n, 0x44n, 0x59n, 0x1000n, 0x6ffcn, 0x6f02n, 0x7000n, 0xf004n, 0x7fffffffn, 0xffffffffffffffffn]) {
      expect(lookupHcall(op), op.toString(16)).to.equal(-1);
    }
  });

  it('table: Handler values are dense, each used by exactly one row, and invoke() has a case for every row', () => {
    const handlers = HCALLS.map(r => r.handler as number).sort((a, b) => a - b);
    expect(handlers).to.deep.equal(HCALLS.map((_, i) => i));
    host.onAsm('darn $0, 1', () => 7n);
    HCALLS.forEach(row => {
      const p = partition();
      p.vcpu.gpr[4] = 0x12345n;   // arguments no handler accepts as they stand
      expect(invoke(row.handler, p, p.vcpu), row.name).to.not.equal(NO_HANDLER);
    });
    expect(invoke(HCALLS.length as never, partition(), partition().vcpu)).to.equal(NO_HANDLER);
  });

  it('functionSets: each advertised set once, in table order, none for unadvertised calls', () => {
    const out = new Int32Array(32);
    const n = functionSets(out);
    const sets = Array.from(out.subarray(0, n), i => HCALLS[i].functionSet);
    expect(sets).to.deep.equal(['hcall-pft', 'hcall-tce', 'hcall-sprg0', 'hcall-dabr', 'hcall-term', 'hcall-interrupt', 'hcall-splpar',
      'hcall-vio', 'hcall-rdma', 'hcall-lLAN', 'hcall-bulk', 'hcall-xdabr', 'hcall-multi-tce', 'hcall-random', 'hcall-set-mode', 'hcall-tshype']);
  });
});

describe('hcall dispatch and gate', () => {
  it('dispatch: an unknown opcode returns H_FUNCTION and counts the call', () => {
    const p = partition();
    expect(hcall(p, 0x44)).to.equal(H.FUNCTION);
    expect(p.hcalls).to.equal(1);
  });

  it('gate: an hcall from problem state is H_PRIVILEGE whatever the opcode, counted, and changes nothing', () => {
    const MSR_PR = 0x4000n;
    const before = gateStats[GateOutcome.Privilege];
    for (const row of HCALLS) {
      const p = partition('user');
      p.vcpu.msr |= MSR_PR;
      expect(hcall(p, row.opcode, 0, 2, chars('hi\n'), 0), row.name).to.equal(H.PRIVILEGE);
      expect(p.state, row.name).to.equal(LparState.Running);
      expect(p.denials).to.equal(1);
    }
    const p = partition('user');
    p.vcpu.msr |= MSR_PR;
    expect(hcall(p, 0x44)).to.equal(H.PRIVILEGE);   // unknown opcodes too: privilege comes first
    expect(consoleText()).to.equal('');
    expect(gateStats[GateOutcome.Privilege] - before).to.equal(HCALLS.length + 1);
  });

  it('gate: unknown opcodes are counted at the gate and answered H_FUNCTION', () => {
    const p = partition();
    const before = gateStats[GateOutcome.Unknown];
    expect(hcall(p, 0x44)).to.equal(H.FUNCTION);
    expect(hcall(p, 0x6ffc)).to.equal(H.FUNCTION);
    expect(gateStats[GateOutcome.Unknown] - before).to.equal(2);
    expect(p.hcalls).to.equal(2);
  });

  it('gate: a denied class returns H_AUTHORITY and the handler does not run', () => {
    const p = partition('denied');
    p.allowedClasses = ~(1 << Op.HcallConsole);
    expect(hcall(p, 0x58, 0, 2, chars('hi\n'), 0)).to.equal(H.AUTHORITY);
    expect(hcall(p, 0x58, 0, 3, chars('hi\n'), 0)).to.equal(H.AUTHORITY);
    expect(consoleText()).to.equal('');
    expect(p.denials).to.equal(2);
  });
});

describe('hcall handlers', () => {
  it('H_PUT_TERM_CHAR: prints lines with the partition prefix, 16 bytes per call', () => {
    const p = partition('alpha');
    expect(hcall(p, 0x58, 0x30000000, 16, chars('hello, w'), chars('orld!\nok'))).to.equal(H.SUCCESS);
    expect(hcall(p, 0x58, 0, 1, chars('\n'), 0)).to.equal(H.SUCCESS);
    expect(consoleText()).to.equal('[alpha] hello, world!\n[alpha] ok\n');
  });

  it('H_PUT_TERM_CHAR: a wrong terminal or more than 16 bytes is H_PARAMETER and prints nothing', () => {
    const p = partition();
    expect(hcall(p, 0x58, 0x30000001, 1, chars('x\n'), 0)).to.equal(H.PARAMETER);
    expect(hcall(p, 0x58, 0, 17, chars('x\n'), 0)).to.equal(H.PARAMETER);
    expect(hcall(p, 0x58, 0, -1, chars('x\n'), 0)).to.equal(H.PARAMETER);
    expect(consoleText()).to.equal('');
  });

  it('H_GET_TERM_CHAR: no input yet, zero characters', () => {
    const p = partition();
    p.vcpu.gpr[5] = 0x1234n;
    expect(hcall(p, 0x54, 0)).to.equal(H.SUCCESS);
    expect([p.vcpu.gpr[4], p.vcpu.gpr[5], p.vcpu.gpr[6]]).to.deep.equal([0n, 0n, 0n]);
    expect(hcall(p, 0x54, 7)).to.equal(H.PARAMETER);
  });

  it('H_CEDE, H_PROD, H_CONFER: set the scheduling flags; a bad processor number is H_PARAMETER', () => {
    const p = partition();
    p.vcpu.msr = 0x8000000000001000n;   // external interrupts off, as Linux cedes
    expect(hcall(p, 0xe0)).to.equal(H.SUCCESS);
    expect(p.vcpu.ceded).to.equal(true);
    expect(p.vcpu.msr & 0x8000n, 'H_CEDE returns with MSR[EE] = 1').to.equal(0x8000n);
    expect(hcall(p, 0xe8, 0)).to.equal(H.SUCCESS);
    expect(p.vcpu.prodded).to.equal(true);   // the scheduler wakes it (hv/scheduler.ts hasWork)
    p.vcpu.ceded = false;
    expect(hcall(p, 0xe0)).to.equal(H.SUCCESS);   // a prod before the cede: it returns at once
    expect(p.vcpu.ceded).to.equal(false);
    expect(p.vcpu.prodded).to.equal(false);
    expect(hcall(p, 0xe8, 1)).to.equal(H.PARAMETER);
    expect(hcall(p, 0xe4, 5)).to.equal(H.PARAMETER);
    expect(p.vcpu.yielded).to.equal(false);
    expect(hcall(p, 0xe4, -1)).to.equal(H.SUCCESS);
    expect(p.vcpu.yielded).to.equal(true);
  });

  it('H_SET_MODE: interrupt endianness and AIL; bad flags, values and resources change nothing', () => {
    const p = partition();
    expect(hcall(p, 0x31c, 1, 4, 0, 0)).to.equal(H.SUCCESS);
    expect(p.vcpu.littleEndian).to.equal(true);
    expect(hcall(p, 0x31c, 2, 4, 0, 0)).to.equal(H.UNSUPPORTED_FLAG);
    expect(hcall(p, 0x31c, 0, 4, 1, 0)).to.equal(H.P3);
    expect(hcall(p, 0x31c, 0, 4, 0, 1)).to.equal(H.P4);
    expect(p.vcpu.littleEndian).to.equal(true);
    expect(hcall(p, 0x31c, 3, 3, 0, 0)).to.equal(H.SUCCESS);
    expect(p.vcpu.ail).to.equal(3);
    expect(hcall(p, 0x31c, 2, 3, 0, 0)).to.equal(H.UNSUPPORTED_FLAG);
    expect(p.vcpu.ail).to.equal(3);
    expect(hcall(p, 0x31c, 0, 2, 0, 0)).to.equal(H.P2);
  });

  it('H_RANDOM: 64 bits from darn; a darn failure is H_HARDWARE', () => {
    const p = partition();
    host.onAsm('darn $0, 1', () => 0x0123456789abcdefn);
    expect(hcall(p, 0x300)).to.equal(H.SUCCESS);
    expect(p.vcpu.gpr[4]).to.equal(0x0123456789abcdefn);
    host.onAsm('darn $0, 1', () => 0xffffffffffffffffn);
    expect(hcall(p, 0x300)).to.equal(H.HARDWARE);
  });

  it('H_REGISTER_PROC_TBL: a radix table inside the partition is registered; bad ones change nothing', () => {
    const p = partition();
    const NEW_RADIX_GTSE = 0x18 | 0x4 | 0x1;
    expect(hcall(p, 0x37c, NEW_RADIX_GTSE, 0x10000, 0, 4)).to.equal(H.SUCCESS);
    expect(p.processTable).to.equal(0x10004n);
    expect(p.gtse).to.equal(true);
    for (const [flags, base, size] of [[0x18 | 0x4, 0x10800, 0], [0x18, 0x10000, 0], [0x18 | 0x4, 0x1ff000, 1],
      [0x18 | 0x4, MEM_SIZE, 0], [0x18 | 0x4 | 0x20, 0x10000, 0], [0x18 | 0x4, 0x10000, 30]] as number[][]) {
      expect(hcall(p, 0x37c, flags, base, 0, size), `${flags} ${base} ${size}`).to.equal(H.PARAMETER);
      expect(p.processTable).to.equal(0x10004n);
    }
    expect(hcall(p, 0x37c, 0x10, 0, 0, 0)).to.equal(H.SUCCESS);
    expect(p.processTable).to.equal(0n);
  });

  /** Write an RTAS argument buffer at partition address `la`. */
  function rtasArgs(la: bigint, token: number, nargs: number, nret: number, args: number[]): void {
    const words = [token, nargs, nret, ...args];
    words.forEach((w, i) => host.write(MEM_BASE + la + BigInt(4 * i), 4, BigInt(w >>> 0)));
  }

  it('H_RTAS: display-character prints, get-time-of-day fills eight results', () => {
    const p = partition('rt');
    rtasArgs(0x8000n, RtasToken.DisplayCharacter, 1, 1, [0x41, 0x7777]);
    expect(hcall(p, H_RTAS, 0x8000)).to.equal(H.SUCCESS);
    expect(host.read(MEM_BASE + 0x8010n, 4)).to.equal(0n);
    rtasArgs(0x8000n, RtasToken.DisplayCharacter, 1, 1, [0x0a, 0x7777]);
    hcall(p, H_RTAS, 0x8000);
    expect(consoleText()).to.equal('[rt] A\n');
    host.timebase = 512000000n * 86400n + 512000000n * 3661n;   // 1970-01-02 01:01:01
    rtasArgs(0x9000n, RtasToken.GetTimeOfDay, 0, 8, []);
    expect(hcall(p, H_RTAS, 0x9000)).to.equal(H.SUCCESS);
    const ret = (i: number): number => Number(host.read(MEM_BASE + 0x900cn + BigInt(4 * i), 4));
    expect([ret(0), ret(1), ret(2), ret(3), ret(4), ret(5), ret(6)]).to.deep.equal([0, 1970, 1, 2, 1, 1, 1]);
  });

  it('H_RTAS: unknown tokens, bad counts and buffers leaving the partition are refused', () => {
    const p = partition();
    rtasArgs(0x8000n, 0x7777, 0, 1, []);
    expect(hcall(p, H_RTAS, 0x8000)).to.equal(H.PARAMETER);
    expect(Number(BigInt.asIntN(32, host.read(MEM_BASE + 0x800cn, 4)))).to.equal(-3);
    rtasArgs(0x8000n, RtasToken.DisplayCharacter, 1, 0, [0x41]);
    expect(hcall(p, H_RTAS, 0x8000)).to.equal(H.PARAMETER);
    rtasArgs(0x8000n, RtasToken.DisplayCharacter, 17, 1, [0x41]);
    expect(hcall(p, H_RTAS, 0x8000)).to.equal(H.PARAMETER);
    rtasArgs(MEM_SIZE - 12n, RtasToken.DisplayCharacter, 1, 1, []);
    expect(hcall(p, H_RTAS, MEM_SIZE - 12n)).to.equal(H.PARAMETER);
    expect(hcall(p, H_RTAS, MEM_SIZE)).to.equal(H.PARAMETER);
    expect(hcall(p, H_RTAS, -8)).to.equal(H.PARAMETER);
    expect(consoleText()).to.equal('');
  });

  it('H_RTAS power-off and H_TSHYPE_HALT: halt the partition with its status', () => {
    const p = partition();
    rtasArgs(0x8000n, RtasToken.PowerOff, 2, 1, [0, 0]);
    expect(hcall(p, H_RTAS, 0x8000)).to.equal(H.SUCCESS);
    expect(p.state).to.equal(LparState.Halted);
    const q = partition();
    expect(hcall(q, H_TSHYPE_HALT, 7)).to.equal(H.SUCCESS);
    expect(q.state).to.equal(LparState.Halted);
    expect(q.haltStatus).to.equal(7n);
  });

  it('H_TSHYPE_REPORT: adds checks and leaks to the partition\'s totals; counts past 2^32 - 1 are H_PARAMETER and count nothing', () => {
    const p = partition();
    expect(p.reported).to.equal(false);
    expect(hcall(p, H_TSHYPE_REPORT, 100, 0)).to.equal(H.SUCCESS);
    expect(hcall(p, H_TSHYPE_REPORT, 20, 3)).to.equal(H.SUCCESS);
    expect(hcall(p, H_TSHYPE_REPORT, 0, 1)).to.equal(H.SUCCESS);
    expect([p.reported, p.reportedChecks, p.reportedLeaks]).to.deep.equal([true, 120, 4]);
    expect(hcall(p, H_TSHYPE_REPORT, 0x100000000n, 0)).to.equal(H.PARAMETER);
    expect(hcall(p, H_TSHYPE_REPORT, 1, 0x100000000n)).to.equal(H.PARAMETER);
    expect(hcall(p, H_TSHYPE_REPORT, -1, -1)).to.equal(H.PARAMETER);
    expect([p.reportedChecks, p.reportedLeaks]).to.deep.equal([120, 4]);
    expect(partition().reported, 'a new partition starts with no report').to.equal(false);
  });
});

describe('isolation summary', () => {
  /** Partitions 0 and 1 (the default configuration's two) reporting `a` and `b` ([checks, leaks] or null). */
  function reports(a: [number, number] | null, b: [number, number] | null): void {
    [a, b].forEach((r, i) => {
      partitions[i].reported = r !== null;
      partitions[i].reportedChecks = r ? r[0] : 0;
      partitions[i].reportedLeaks = r ? r[1] : 0;
    });
  }

  it('isolationSummary: one line summing the partitions that reported; returns the leaks', () => {
    reports([600, 0], [590, 0]);
    expect(isolationSummary()).to.equal(0);
    expect(consoleText()).to.equal('[hv] isolation: 1190 checks, 0 leaks\n');
    resetPlatform();
    reports([600, 7], null);
    expect(isolationSummary()).to.equal(7);
    expect(consoleText()).to.equal('[hv] isolation: 600 checks, 7 leaks\n');
  });

  it('isolationSummary: prints nothing when no partition reported', () => {
    reports(null, null);
    expect(isolationSummary()).to.equal(0);
    expect(consoleText()).to.equal('');
  });
});

describe('partition isolation', () => {
  it('realAddress: only ranges wholly inside the partition translate', () => {
    const p = partition();
    expect(realAddress(p, 0n, 1)).to.equal(MEM_BASE);
    expect(realAddress(p, MEM_SIZE - 8n, 8)).to.equal(MEM_BASE + MEM_SIZE - 8n);
    expect(realAddress(p, MEM_SIZE - 7n, 8)).to.equal(NO_ADDRESS);
    expect(realAddress(p, MEM_SIZE, 1)).to.equal(NO_ADDRESS);
    expect(realAddress(p, 0xfffffffffffffff8n, 16)).to.equal(NO_ADDRESS);
    expect(realAddress(p, 0n, 0)).to.equal(NO_ADDRESS);
  });

  // the property test over every handler: test/unit/hcall-property.test.ts
});


describe('hcall documentation', () => {
  it('docs/hcalls.md is generated from the table and up to date', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { hcallDoc } = require('../../scripts/gen-hcall-doc') as { hcallDoc: () => string };
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'hcalls.md'), 'utf8');
    expect(committed, 'run: node -r ./scripts/tsnc/register.cjs scripts/gen-hcall-doc.ts > docs/hcalls.md').to.equal(hcallDoc());
  });
});
