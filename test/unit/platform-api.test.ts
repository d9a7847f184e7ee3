/**
 * The platform interface (arch/ppc64/api.ts) and its implementations.
 *
 * Conformance is checked at compile time: `make check` (tsc) fails on this file when a back end
 * stops matching the contract (a missing function, a different signature, powerOff returning).
 * The runtime tests exercise the Node fake and hv/console.ts through it.
 */
import { expect } from 'chai';
import * as fake from '../fake/platform';
import { PowerOff, consoleText, partitionCalls, resetPlatform, setVcpuRunner } from '../fake/platform';
import { partitions } from '../../lpar/partition';
import { writeDecimal, writeHex, writeLine, writeString } from '../../lpar/console';

type Platform = typeof import('../../arch/ppc64/api');
/** Compiles only when T provides every function of the contract with a compatible type. */
type Conforms<T extends Platform> = T;
/** The back ends, checked by tsc (type-only imports: the native ones cannot run in Node). */
export type CheckedBackEnds = [
  Conforms<typeof import('../../arch/ppc64/pseries/platform')>,
  Conforms<typeof import('../../arch/ppc64/powernv/platform')>,
  Conforms<typeof import('../fake/platform')>,
];

describe('platform fake', () => {
  beforeEach(resetPlatform);

  it('consoleWrite: captures exactly `length` bytes', () => {
    fake.consoleWrite(new Uint8Array([0x68, 0x69, 0x21, 0x3f]), 3);
    expect(consoleText()).to.equal('hi!');
  });

  it('consoleWrite: refuses a length beyond the buffer', () => {
    expect(() => fake.consoleWrite(new Uint8Array(2), 3)).to.throw(RangeError);
  });

  it('powerOff: throws PowerOff carrying the status', () => {
    try {
      fake.powerOff(7);
      expect.fail('powerOff returned');
    } catch (e) {
      expect(e).to.be.instanceOf(PowerOff);
      expect((e as PowerOff).status).to.equal(7);
    }
  });

  it('platformName: names the fake', () => {
    expect(fake.platformName()).to.equal('fake');
  });

  it('runVcpu: refuses entry until a test installs a runner, then returns its vector', () => {
    const p = partitions[0];
    expect(fake.initPartitioning()).to.equal(true);
    expect(fake.preparePartition(p)).to.equal(true);
    expect(fake.runVcpu(p, 100n)).to.equal(-1);
    setVcpuRunner((q, ticks) => (q === p && ticks === 100n ? 0xc00 : 0));
    expect(fake.runVcpu(p, 100n)).to.equal(0xc00);
    expect(partitionCalls).to.deep.equal({ initPartitioning: 1, prepared: [p], runs: 2 });
  });
});

describe('hv/console on the platform fake', () => {
  beforeEach(resetPlatform);

  it('writeLine: the string and a newline', () => {
    writeLine('[hv] tshype on fake');
    expect(consoleText()).to.equal('[hv] tshype on fake\n');
  });

  it('writeString: strings longer than the staging buffer arrive whole', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(5);
    writeString(long);
    expect(consoleText()).to.equal(long);
  });

  it('writeHex: zero-padded lower-case digits of the requested width', () => {
    writeHex(0x3fe00000n, 16);
    writeString(' ');
    writeHex(0xdeadbeefcafef00dn, 16);
    writeString(' ');
    writeHex(0xabcn, 2);
    expect(consoleText()).to.equal('000000003fe00000 deadbeefcafef00d bc');
  });

  it('writeDecimal: zero, negative and 2^53 - 1', () => {
    writeDecimal(0);
    writeString(' ');
    writeDecimal(-42);
    writeString(' ');
    writeDecimal(Number.MAX_SAFE_INTEGER);
    expect(consoleText()).to.equal('0 -42 9007199254740991');
  });
});
