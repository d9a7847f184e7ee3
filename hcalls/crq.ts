/**
 * Command/Response Queues between two partitions ("hcall-crq"): H_REG_CRQ, H_FREE_CRQ,
 * H_SEND_CRQ, H_ENABLE_CRQ, and H_COPY_RDMA for the server end ("hcall-rdma"), with PAPR's
 * formats (ref/LINUX-GUEST.md B.2, B.7).
 *
 * A CRQ pair is a client vdevice in one partition and a server vdevice in another, joined by the
 * configuration (lpar/config.ts addChannel). Each end registers a queue in its own DMA window;
 * a message one end sends is written into the other's queue, 16 bytes whose byte 0 (the valid
 * byte, 0x80 command/response or 0xC0 initialisation) lands last, and the receiver's interrupt
 * is raised if it enabled it (H_VIO_SIGNAL).
 *
 * Connection: when the second end registers, the pair is decided through the policy, as
 * OpenChannel and SendFrame from the client's label to the server's (data flows both ways, so
 * under Bell-LaPadula the levels must be equal; docs/policy-language.md). Allowed, both ends are
 * connected and the second H_REG_CRQ returns H_SUCCESS; the first end learnt H_CLOSED from its
 * own H_REG_CRQ and sees the partner's first message (PAPR has no "connected" event; the
 * partners' initialisation messages are that handshake). Denied: the pair never connects, the
 * registering end gets H_CLOSED, both ends' sends get H_CLOSED, and the denial is audited.
 *
 * Transport events (valid byte 0xFF) are written only by the hypervisor: when one end frees its
 * queue the other gets 0xFF/0x02 (partner deregistered); when its partition stops (halt, crash,
 * reboot) the other gets 0xFF/0x01 (partner failed). A guest cannot send one (H_PARAMETER).
 */
import { load64, store64, sync, type u64 } from 'tsnc';
import type { Partition } from '../lpar/partition';
import { partitions } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import {
  REMOTE_LIOBN, TCE_PAGE, TCE_READ, TCE_WRITE, VioDevice, VioKind, deviceOf, dmaCopy, dmaMapped,
  isCrqClient, isCrqServer, signalDevice, tceTranslate, vdevices,
} from '../lpar/vio';
import { NO_ADDRESS } from '../lpar/memory';
import { admitSharing } from '../shype/security';
import { Op } from '../shype/ops';
import { H } from './status';

/** Queue lengths H_REG_CRQ accepts: 4 KiB to 256 MiB, in whole pages (QEMU h_reg_crq). */
const MIN_QUEUE = 4096;
const MAX_QUEUE = 0x10000000;
/** Valid bytes of a CRQ entry. */
const VALID_COMMAND = 0x80;
const VALID_INIT = 0xc0;
const VALID_TRANSPORT = 0xff;
/** Transport event formats (byte 1 of a 0xFF entry): the partner failed, or freed its queue. */
export const EVENT_PARTNER_FAILED = 0x01;
export const EVENT_PARTNER_DEREGISTERED = 0x02;
/** Most bytes one H_COPY_RDMA moves (Linux's ibmvscsi_tgt never asks for more). */
export const MAX_RDMA = 0x20000;

/** The caller's CRQ end named `unit` (a vdevices index), or -1 when it has none of that unit. */
function crqOf(p: Partition, unit: u64): number {
  const i = deviceOf(p, unit);
  if (i < 0 || (!isCrqClient(vdevices[i].kind) && !isCrqServer(vdevices[i].kind))) return -1;
  return i;
}

/**
 * Write the 16-byte message (hi, lo) into the queue of device `d`. False when the queue is full
 * (the entry at its next offset is still valid) or no longer mapped: nothing is written then.
 */
function enqueue(d: VioDevice, hi: u64, lo: u64): boolean {
  const p = partitions[d.owner];
  const at: u64 = BigInt.asUintN(64, d.crqIoba + BigInt(d.crqNext));
  const ra = tceTranslate(p, d, at, 16, TCE_READ | TCE_WRITE);
  if (ra === NO_ADDRESS) return false;
  if ((load64(ra) >> 56n) !== 0n) return false;   // full: the entry is still the receiver's
  store64(BigInt.asUintN(64, ra + 8n), lo);
  sync();   // the valid byte lands last (QEMU spapr_vio_send_crq)
  store64(ra, hi);
  d.crqNext = (d.crqNext + 16) % d.crqLength;
  d.received++;
  signalDevice(d);
  return true;
}

/** Send transport event `format` to device `d` if it has a queue (a full queue loses it). */
function transportEvent(d: VioDevice, format: number): void {
  if (!d.crqRegistered) return;
  enqueue(d, BigInt.asUintN(64, (BigInt(VALID_TRANSPORT) << 56n) | (BigInt(format) << 48n)), 0n);
}

/** Disconnect `d` from its partner; the partner hears `format` (a transport event). */
function disconnect(d: VioDevice, format: number): void {
  if (!d.connected) return;
  d.connected = false;
  if (d.partner < 0) return;
  const q = vdevices[d.partner];
  q.connected = false;
  transportEvent(q, format);
}

/**
 * Decide the pair of `d` (whose partner has registered too), from the client's label to the
 * server's: OpenChannel and SendFrame for a CRQ pair, BindVtpm for a vTPM. True, and both ends
 * connected, when the policy allows.
 */
function connect(d: VioDevice): boolean {
  const q = vdevices[d.partner];
  const client = isCrqClient(d.kind) ? d : q;
  const server = isCrqClient(d.kind) ? q : d;
  const cp = partitions[client.owner], sp = partitions[server.owner];
  if (!admitPair(cp, client.kind, sp.ssidref)) {
    client.denied++;
    return false;
  }
  d.connected = true;
  q.connected = true;
  return true;
}

/** Whether the policy lets client partition `cp` (a device of `kind`) pair with label `server`. */
function admitPair(cp: Partition, kind: VioKind, server: number): boolean {
  if (kind === VioKind.VtpmClient) return admitSharing(cp, Op.BindVtpm, server);
  return admitSharing(cp, Op.OpenChannel, server) && admitSharing(cp, Op.SendFrame, server);
}

/**
 * H_REG_CRQ(unit r4, queue ioba r5, length r6): register the queue, a whole number of 4 KiB
 * pages in the device's window, mapped for reading and writing. H_SUCCESS when the partner is
 * there and the pair is allowed, H_CLOSED when not (the queue is registered either way).
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hRegCrq(p: Partition, v: Vcpu): number {
  const k = crqOf(p, v.gpr[4]);
  if (k < 0) return H.NOT_FOUND;
  const d = vdevices[k];
  const ioba = v.gpr[5], length = v.gpr[6];
  if (length < BigInt(MIN_QUEUE) || length > BigInt(MAX_QUEUE) || (length & BigInt(TCE_PAGE - 1)) !== 0n) return H.PARAMETER;
  if ((ioba & BigInt(TCE_PAGE - 1)) !== 0n) return H.PARAMETER;
  if (d.crqRegistered) return H.RESOURCE;
  if (!dmaMapped(p, d, ioba, Number(length), TCE_READ | TCE_WRITE)) return H.PARAMETER;
  d.crqRegistered = true;
  d.crqIoba = ioba;
  d.crqLength = Number(length);
  d.crqNext = 0;
  if (d.partner < 0 || !vdevices[d.partner].crqRegistered) return H.CLOSED;
  return connect(d) ? H.SUCCESS : H.CLOSED;
}

/**
 * H_FREE_CRQ(unit r4): free the queue; a connected partner gets "partner deregistered".
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hFreeCrq(p: Partition, v: Vcpu): number {
  const k = crqOf(p, v.gpr[4]);
  if (k < 0) return H.NOT_FOUND;
  const d = vdevices[k];
  disconnect(d, EVENT_PARTNER_DEREGISTERED);
  d.crqRegistered = false;
  d.crqIoba = 0n;
  d.crqLength = 0;
  d.crqNext = 0;
  return H.SUCCESS;
}

/**
 * H_SEND_CRQ(unit r4, message r5 r6): the 16 bytes of r5 and r6 (big-endian) into the
 * partner's queue. H_CLOSED when the pair is not connected, H_DROPPED when the partner's queue is
 * full, H_PARAMETER for a valid byte other than 0x80 and 0xC0.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hSendCrq(p: Partition, v: Vcpu): number {
  const k = crqOf(p, v.gpr[4]);
  if (k < 0) return H.PARAMETER;
  const d = vdevices[k];
  const hi = v.gpr[5], lo = v.gpr[6];
  const valid = Number(hi >> 56n);
  if (valid !== VALID_COMMAND && valid !== VALID_INIT) return H.PARAMETER;
  if (!d.crqRegistered || !d.connected || d.partner < 0) return H.CLOSED;
  if (!enqueue(vdevices[d.partner], hi, lo)) {
    d.dropped++;
    return H.DROPPED;
  }
  d.sent++;
  countTpm(d, hi);
  return H.SUCCESS;
}

/** tpm_ibmvtpm's formats the summary counts: a TPM command (0x80/0x02) and an error answer (0x80/0xFF). */
const TPM_COMMAND = 0x8002;
const TPM_ERROR = 0x80ff;

/** Count a vTPM pair's delivered message `hi` sent by `d`: a client's TPM command, a server's error answer. */
function countTpm(d: VioDevice, hi: u64): void {
  const head = Number(hi >> 48n);
  if (d.kind === VioKind.VtpmClient && head === TPM_COMMAND) d.tpmCommands++;
  else if (d.kind === VioKind.VtpmServer && head === TPM_ERROR) d.tpmErrors++;
}

/**
 * H_ENABLE_CRQ(unit r4): re-enable the queue after a suspend (nothing to do here: queues are
 * never disabled). Linux's vTPM driver calls it on resume.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hEnableCrq(p: Partition, v: Vcpu): number {
  return crqOf(p, v.gpr[4]) < 0 ? H.NOT_FOUND : H.SUCCESS;
}

/**
 * The device (a vdevices index) whose window a LIOBN of the caller names for H_COPY_RDMA: its
 * own (a CRQ end's unit), or, from a server end, its connected client's (REMOTE_LIOBN | unit).
 * -1 when the LIOBN names nothing the caller may use. The window's owner is partitions[owner].
 */
function rdmaWindow(p: Partition, liobn: u64): number {
  if ((liobn >> 32n) !== 0n) return -1;   // a LIOBN is 32 bits: junk above must not alias one
  const remote = (liobn & BigInt(REMOTE_LIOBN)) !== 0n;
  const k = crqOf(p, remote ? liobn & BigInt(~REMOTE_LIOBN >>> 0) : liobn);
  if (k < 0 || !remote) return k;
  const d = vdevices[k];
  if (!isCrqServer(d.kind) || !d.connected || d.partner < 0) return -1;
  return d.partner;
}

/**
 * H_COPY_RDMA(length r4, source liobn r5, source ioba r6, destination liobn r7, destination
 * ioba r8): copy between two windows the caller may use, through their TCEs (read on the source,
 * write on the destination); at most MAX_RDMA bytes. H_SOURCE_PARM or H_DEST_PARM for a window
 * the caller may not use or a range not mapped as needed; nothing is copied then.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hCopyRdma(p: Partition, v: Vcpu): number {
  const length = v.gpr[4];
  if (length > BigInt(MAX_RDMA)) return H.PARAMETER;
  const n = Number(length);
  const si = rdmaWindow(p, v.gpr[5]);
  if (si < 0) return H.SOURCE_PARM;
  const src = vdevices[si];
  const sp = partitions[src.owner];
  if (!dmaMapped(sp, src, v.gpr[6], n, TCE_READ)) return H.SOURCE_PARM;
  const di = rdmaWindow(p, v.gpr[7]);
  if (di < 0) return H.DEST_PARM;
  const dst = vdevices[di];
  const dp = partitions[dst.owner];
  if (!dmaMapped(dp, dst, v.gpr[8], n, TCE_WRITE)) return H.DEST_PARM;
  dmaCopy(sp, src, v.gpr[6], dp, dst, v.gpr[8], n);
  const own = src.owner === p.lpid - 1 ? src : dst;
  own.bytes += n;
  return H.SUCCESS;
}

/**
 * Partition `p` stops (halt, crash, reboot): every CRQ end it has is closed, and each connected
 * partner gets "partner failed".
 */
export function crqPartitionStopped(p: Partition): void {
  for (let i = 0; i < vdevices.length; i++) {
    const d = vdevices[i];
    if (d.owner !== p.lpid - 1 || (!isCrqClient(d.kind) && !isCrqServer(d.kind))) continue;
    disconnect(d, EVENT_PARTNER_FAILED);
    d.crqRegistered = false;
  }
}
