/**
 * A partition's virtual XICS: the interrupt controller a PAPR guest programs through the ICP
 * hcalls (H_CPPR, H_XIRR, H_EOI, H_IPI, H_IPOLL; hcalls/xics.ts) and the ICS RTAS calls
 * (ibm,set-xive, ibm,get-xive, ibm,int-on, ibm,int-off; hcalls/rtas.ts).
 *
 *   ICP   one presentation controller per vCPU (the interrupt server number is the vCPU's
 *         index): CPPR (the current processor priority, 0 most favoured, 0xff accepts
 *         everything), MFRR (the inter-processor interrupt request, 0xff none) and XISR (the
 *         source presented, 0 none, 2 the IPI) with the priority it was presented at.
 *   ICS   the partition's interrupt sources, numbers SOURCE_BASE .. SOURCE_BASE + SOURCES - 1:
 *         each routed to one server at one priority (0xff: masked), edge-triggered (message
 *         signalled), asserted (pending), and presented or rejected on the way.
 *
 * The state machine is XICS's as PAPR describes it and QEMU's hw/intc/xics.c implements it:
 * an interrupt is presented only when more favoured than the CPPR; a more favoured one
 * displaces (rejects) the one presented; a rejected or masked source stays pending and is
 * resent when the CPPR is lowered or the source unmasked. No code here touches a processor:
 * the run loop delivers what `output(server)` says is presented as an external interrupt
 * (vector 0x500) when the vCPU has MSR[EE] set (hv/interrupts.ts).
 */
import type { u64 } from 'tsnc';

/** Source number of the inter-processor interrupt (XISR value). */
export const XICS_IPI = 2;
/** The least favoured priority: CPPR 0xff accepts everything; MFRR and ICS 0xff mean "none". */
export const PRIORITY_NONE = 0xff;
/** First source number of the ICS (QEMU spapr numbers its sources from 4096 too). */
export const SOURCE_BASE = 0x1000;
/** Sources per partition. */
export const SOURCES = 32;
/** Interrupt servers (vCPUs) per partition. */
export const SERVERS = 8;

/** One partition's XICS: ICP registers per server, ICS state per source. */
export class Xics {
  /** Servers in use (the partition's vCPUs); others are refused as targets. */
  servers = 1;
  readonly cppr = new Uint8Array(SERVERS);
  readonly mfrr = new Uint8Array(SERVERS);
  /** Source presented to each server (0: none). */
  readonly xisr = new Uint32Array(SERVERS);
  /** Priority of the presented source (PRIORITY_NONE: nothing presented). */
  readonly pendingPriority = new Uint8Array(SERVERS);
  /** Per source: the server it is routed to, its priority, the priority saved by int-off. */
  readonly server = new Uint8Array(SOURCES);
  readonly priority = new Uint8Array(SOURCES);
  readonly savedPriority = new Uint8Array(SOURCES);
  /** Per source: asserted and not yet presented (1), or presented and rejected (2), else 0. */
  readonly asserted = new Uint8Array(SOURCES);
  readonly rejected = new Uint8Array(SOURCES);
  /** Sources in use (allocated to a virtual device): the others are refused by the RTAS calls. */
  readonly claimed = new Uint8Array(SOURCES);
  /** Interrupts presented so far (accepted by H_XIRR), for the accounting. */
  accepted = 0;

  constructor() {
    this.reset(1);
  }

  /** Power-on state for `servers` vCPUs: everything masked, nothing pending, CPPR 0 (masked). */
  reset(servers: number): void {
    this.servers = servers;
    this.cppr.fill(0);
    this.mfrr.fill(PRIORITY_NONE);
    this.xisr.fill(0);
    this.pendingPriority.fill(PRIORITY_NONE);
    this.server.fill(0);
    this.priority.fill(PRIORITY_NONE);
    this.savedPriority.fill(PRIORITY_NONE);
    this.asserted.fill(0);
    this.rejected.fill(0);
    this.claimed.fill(0);
    this.accepted = 0;
  }

  /** True when `server` names one of the partition's vCPUs. */
  validServer(server: u64): boolean {
    return server < BigInt(this.servers);
  }

  /** Index of source number `irq` in the ICS, or -1 when it is not one of the partition's sources. */
  sourceIndex(irq: number): number {
    const i = irq - SOURCE_BASE;
    return i >= 0 && i < SOURCES && this.claimed[i] !== 0 ? i : -1;
  }

  /** Give a source to a device; returns its number. */
  claim(i: number): number {
    this.claimed[i] = 1;
    return SOURCE_BASE + i;
  }

  /** True when `server` has an interrupt presented: its external-interrupt line is raised. */
  output(server: number): boolean {
    return this.xisr[server] !== 0;
  }

  // ---- ICP ----------------------------------------------------------------------------------

  /** XIRR as the processor reads it: CPPR in the top byte, XISR below. */
  xirr(server: number): number {
    return ((this.cppr[server] << 24) | this.xisr[server]) >>> 0;
  }

  /**
   * H_XIRR: accept the presented interrupt. Returns the XIRR (with the CPPR before the
   * accept); the CPPR becomes the interrupt's priority and nothing is presented any more.
   */
  accept(server: number): number {
    const value = this.xirr(server);
    if (this.xisr[server] !== 0) {
      this.cppr[server] = this.pendingPriority[server];
      this.accepted++;
    }
    this.xisr[server] = 0;
    this.pendingPriority[server] = PRIORITY_NONE;
    return value;
  }

  /**
   * H_CPPR: set the processor priority. A more favoured CPPR rejects what it now masks; a less
   * favoured one resends what was waiting for it.
   */
  setCppr(server: number, cppr: number): void {
    const old = this.cppr[server];
    this.cppr[server] = cppr;
    if (cppr < old) {
      if (this.xisr[server] !== 0 && cppr <= this.pendingPriority[server]) this.withdraw(server);
    } else if (cppr > old) {
      this.resend(server);
    }
  }

  /** H_IPI: set `server`'s MFRR; an IPI more favoured than its CPPR is presented. */
  setMfrr(server: number, mfrr: number): void {
    this.mfrr[server] = mfrr;
    if (mfrr < this.cppr[server]) this.checkIpi(server);
  }

  /**
   * H_EOI: end the interrupt in `xirr` (the CPPR to restore in the top byte, the source below).
   * The source may fire again; whatever waited for the lower priority is resent. A CPPR more
   * favoured than what is presented takes it back, as H_CPPR does: an interrupt is presented
   * only while it is more favoured than CPPR.
   */
  eoi(server: number, xirr: number): void {
    const cppr = (xirr >>> 24) & 0xff;
    this.cppr[server] = cppr;
    if (this.xisr[server] !== 0 && cppr <= this.pendingPriority[server]) this.withdraw(server);
    this.resend(server);
  }

  /** Present the IPI unless something at least as favoured is presented already. */
  private checkIpi(server: number): void {
    if (this.xisr[server] !== 0 && this.pendingPriority[server] <= this.mfrr[server]) return;
    if (this.xisr[server] !== 0) this.withdraw(server);
    this.xisr[server] = XICS_IPI;
    this.pendingPriority[server] = this.mfrr[server];
  }

  /** Take back what `server` has presented: a source goes back to the ICS as rejected. */
  private withdraw(server: number): void {
    const irq = this.xisr[server];
    this.xisr[server] = 0;
    this.pendingPriority[server] = PRIORITY_NONE;
    const i = irq - SOURCE_BASE;
    if (i >= 0 && i < SOURCES) this.rejected[i] = 1;
  }

  /** Offer `server` everything waiting for it: its IPI, then its rejected and asserted sources. */
  private resend(server: number): void {
    if (this.mfrr[server] < this.cppr[server]) this.checkIpi(server);
    for (let i = 0; i < SOURCES; i++) {
      if (this.server[i] !== server || (this.rejected[i] === 0 && this.asserted[i] === 0)) continue;
      this.deliver(i);
    }
  }

  // ---- ICS ----------------------------------------------------------------------------------

  /**
   * A device raises source `i` (an edge: a message-signalled interrupt). It is presented at
   * once when its server accepts its priority, else kept asserted until it can be.
   */
  raise(i: number): void {
    this.asserted[i] = 1;
    this.deliver(i);
  }

  /** Try to present source `i` to its server, if it is pending (asserted or rejected). */
  private deliver(i: number): void {
    if (this.asserted[i] === 0 && this.rejected[i] === 0) return;
    const server = this.server[i];
    const priority = this.priority[i];
    if (priority === PRIORITY_NONE || server >= this.servers) return;   // masked: stays pending
    if (priority >= this.cppr[server]) return;
    if (this.xisr[server] !== 0 && this.pendingPriority[server] <= priority) return;
    if (this.xisr[server] !== 0) this.withdraw(server);
    this.asserted[i] = 0;
    this.rejected[i] = 0;
    this.xisr[server] = SOURCE_BASE + i;
    this.pendingPriority[server] = priority;
  }

  /** ibm,set-xive: route source `i` to `server` at `priority` (0xff masks it). */
  setXive(i: number, server: number, priority: number): void {
    this.server[i] = server;
    this.priority[i] = priority;
    this.savedPriority[i] = priority;
    this.deliver(i);
  }

  /** ibm,int-off: mask source `i`, remembering its priority for int-on. */
  intOff(i: number): void {
    if (this.priority[i] !== PRIORITY_NONE) this.savedPriority[i] = this.priority[i];
    this.priority[i] = PRIORITY_NONE;
  }

  /** ibm,int-on: unmask source `i` at the priority it had (a pending one is presented). */
  intOn(i: number): void {
    this.priority[i] = this.savedPriority[i];
    this.deliver(i);
  }
}
