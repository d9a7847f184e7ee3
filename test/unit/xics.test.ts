/**
 * The virtual XICS state machine (lpar/xics.ts), against the behaviour of QEMU's
 * hw/intc/xics.c (icp_accept, icp_set_cppr, icp_set_mfrr, icp_eoi, ics resend) and PAPR.
 */
import { expect } from 'chai';
import { PRIORITY_NONE, SOURCE_BASE, XICS_IPI, Xics } from '../../lpar/xics';

describe('virtual XICS', () => {
  let x: Xics;
  beforeEach(() => {
    x = new Xics();
    x.reset(2);
  });

  it('resets masked: CPPR 0, MFRR 0xff, nothing presented', () => {
    expect(x.cppr[0]).to.equal(0);
    expect(x.mfrr[0]).to.equal(PRIORITY_NONE);
    expect(x.output(0)).to.equal(false);
    expect(x.xirr(0)).to.equal(0);
  });

  it('IPI: presented when more favoured than CPPR; H_XIRR accepts it and raises CPPR to its priority', () => {
    x.setCppr(0, 0xff);
    x.setMfrr(0, 5);
    expect(x.output(0)).to.equal(true);
    expect(x.output(1)).to.equal(false);
    const xirr = x.accept(0);
    expect(xirr).to.equal((0xff << 24 | XICS_IPI) >>> 0);
    expect(x.cppr[0]).to.equal(5);
    expect(x.output(0)).to.equal(false);
    // EOI restores the CPPR; MFRR still 5 < 0xff: the IPI is presented again until withdrawn
    x.eoi(0, xirr);
    expect(x.cppr[0]).to.equal(0xff);
    expect(x.output(0)).to.equal(true);
    x.setMfrr(0, 0xff);
    x.accept(0);
    x.eoi(0, xirr);
    expect(x.output(0)).to.equal(false);
  });

  // found by the hcall fuzzer (lpar/guests/fuzzer.ts, seed 20261206, call 705321 of
  // the 1,000,000-call run): an H_EOI whose XIRR names a CPPR more favoured than the interrupt
  // presented left it presented, so a partition that had masked everything (CPPR 0) still took
  // it as soon as it enabled external interrupts (at H_CEDE's return)
  it('H_EOI: a CPPR more favoured than the presented interrupt takes it back (presented only while more favoured than CPPR)', () => {
    x.setCppr(0, 0xff);
    x.setMfrr(0, 5);
    expect(x.output(0)).to.equal(true);
    x.eoi(0, 0x00000000);   // the replayed call: H_EOI with CPPR 0 in the XIRR's top byte
    expect(x.cppr[0]).to.equal(0);
    expect(x.output(0)).to.equal(false);
    x.setCppr(0, 0);   // what the fuzzer did next, before H_CEDE: still nothing presented
    expect(x.output(0)).to.equal(false);
    x.eoi(0, 0x05000000);   // CPPR 5: the IPI at 5 is not more favoured, still masked
    expect(x.output(0)).to.equal(false);
    x.setCppr(0, 6);   // now it is: presented again
    expect(x.output(0)).to.equal(true);
    expect(x.xirr(0)).to.equal((6 << 24 | XICS_IPI) >>> 0);
  });

  it('H_EOI: a source presented at a priority the new CPPR masks goes back to the ICS as rejected, and is resent', () => {
    const irq = x.claim(3);
    x.setXive(irq - SOURCE_BASE, 0, 4);
    x.setCppr(0, 0xff);
    x.raise(irq - SOURCE_BASE);
    expect(x.output(0)).to.equal(true);
    x.eoi(0, 0x02000000);
    expect(x.output(0)).to.equal(false);
    x.setCppr(0, 0xff);
    expect(x.output(0)).to.equal(true);
    expect(x.xirr(0) & 0xffffff).to.equal(irq);
  });

  it('an IPI not more favoured than CPPR waits, and is presented when CPPR is lowered', () => {
    x.setCppr(0, 5);
    x.setMfrr(0, 5);
    expect(x.output(0)).to.equal(false);
    x.setCppr(0, 6);
    expect(x.output(0)).to.equal(true);
  });

  it('sources: masked until set-xive; presented to their server; a more favoured CPPR rejects, a lower one resends', () => {
    const irq = x.claim(3);
    expect(irq).to.equal(SOURCE_BASE + 3);
    expect(x.sourceIndex(irq)).to.equal(3);
    expect(x.sourceIndex(SOURCE_BASE + 4)).to.equal(-1);   // not claimed
    x.setCppr(1, 0xff);
    x.raise(3);
    expect(x.output(1)).to.equal(false);   // masked (priority 0xff): stays asserted
    x.setXive(3, 1, 5);
    expect(x.output(1)).to.equal(true);
    expect(x.xirr(1) & 0xffffff).to.equal(irq);
    x.setCppr(1, 4);   // masks it: rejected back to the ICS
    expect(x.output(1)).to.equal(false);
    x.setCppr(1, 0xff);   // resent
    expect(x.output(1)).to.equal(true);
    const xirr = x.accept(1);
    expect(x.cppr[1]).to.equal(5);
    x.eoi(1, xirr);
    expect(x.cppr[1]).to.equal(0xff);
    expect(x.output(1)).to.equal(false);   // edge: it fired once
  });

  it('a more favoured source displaces a presented one, which is presented again afterwards', () => {
    x.claim(0);
    x.claim(1);
    x.setCppr(0, 0xff);
    x.setXive(0, 0, 6);
    x.setXive(1, 0, 3);
    x.raise(0);
    expect(x.xirr(0) & 0xffffff).to.equal(SOURCE_BASE);
    x.raise(1);
    expect(x.xirr(0) & 0xffffff).to.equal(SOURCE_BASE + 1);
    const first = x.accept(0);
    x.eoi(0, first);
    expect(x.output(0)).to.equal(true);
    expect(x.xirr(0) & 0xffffff).to.equal(SOURCE_BASE);
  });

  it('int-off masks and remembers the priority; int-on presents what is pending', () => {
    x.claim(2);
    x.setCppr(0, 0xff);
    x.setXive(2, 0, 5);
    x.intOff(2);
    expect(x.priority[2]).to.equal(PRIORITY_NONE);
    x.raise(2);
    expect(x.output(0)).to.equal(false);
    x.intOn(2);
    expect(x.priority[2]).to.equal(5);
    expect(x.output(0)).to.equal(true);
  });

  it('validServer: only the partition\'s vCPUs', () => {
    expect(x.validServer(0n)).to.equal(true);
    expect(x.validServer(1n)).to.equal(true);
    expect(x.validServer(2n)).to.equal(false);
    expect(x.validServer(0xffffffffffffffffn)).to.equal(false);
  });
});
