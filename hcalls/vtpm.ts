/**
 * The vTPM partition's view of its clients' launches: H_TSHYPE_VTPM_LAUNCH. Only a partition
 * running the vTPM program (Program.Vtpm) may ask, only about a client bound to one of its own
 * server ends, and only while the policy lets that client bind to it (BindVtpm, the decision
 * that also joins the pair, hcalls/crq.ts). What it reads is lpar/measure.ts's record, made
 * before the client's first instruction; the vTPM partition feeds it to the client's instance
 * through the engine's platform interface (vtpm/manager.ts applyLaunch), never through a command.
 */
import { store32, store64, type u64 } from 'tsnc';
import { Program } from '../lpar/config';
import { NO_ADDRESS, realAddress } from '../lpar/memory';
import { partitions, type Partition } from '../lpar/partition';
import type { Vcpu } from '../lpar/vcpu';
import { VioKind, deviceOf, vdevices } from '../lpar/vio';
import { Op } from '../shype/ops';
import { admitSharing } from '../shype/security';
import { H } from './status';

/** Bytes of one entry of the launch record: PCR (be32), reserved (be32), SHA-256 (vtpm/manager.ts reads it). */
export const LAUNCH_ENTRY = 40;

/**
 * H_TSHYPE_VTPM_LAUNCH(unit r4, buffer r5, room r6): the launch record of the client bound to the
 * caller's vTPM server end `unit`: r4 = its generation (0: the client has not been launched),
 * r5 = entries written at the buffer (logical, in the caller's memory), r6 = the client's
 * identity. H_PRIVILEGE unless the caller runs the vTPM program; H_NOT_FOUND for a unit that is
 * not one of its vTPM server ends; H_AUTHORITY when the policy does not let the client bind to
 * the caller (audited); H_PARAMETER when the buffer is not the caller's memory or too small.
 * Nothing is written on a refusal.
 * @noinline out of line, so that the hot dispatch path does not pay for its registers
 */
export function hVtpmLaunch(p: Partition, v: Vcpu): number {
  if (p.program !== Program.Vtpm) return H.PRIVILEGE;
  const k = deviceOf(p, v.gpr[4]);
  if (k < 0 || vdevices[k].kind !== VioKind.VtpmServer) return H.NOT_FOUND;
  const partner = vdevices[k].partner;
  if (partner < 0) {   // the client is not running (never started, or stopped)
    v.gpr[4] = 0n;
    v.gpr[5] = 0n;
    v.gpr[6] = 0n;
    return H.SUCCESS;
  }
  const client = partitions[vdevices[partner].owner];
  if (!admitSharing(client, Op.BindVtpm, p.ssidref)) return H.AUTHORITY;
  const rec = client.launch;
  const bytes = rec.count * LAUNCH_ENTRY;
  if (v.gpr[6] < BigInt(bytes)) return H.PARAMETER;
  const ra = bytes === 0 ? 0n : realAddress(p, v.gpr[5], bytes);
  if (ra === NO_ADDRESS) return H.PARAMETER;
  for (let i = 0; i < rec.count; i++) writeEntry(BigInt.asUintN(64, ra + BigInt(i * LAUNCH_ENTRY)), rec.pcrs[i], rec.digests, 32 * i);
  v.gpr[4] = BigInt(rec.generation);
  v.gpr[5] = BigInt(rec.count);
  v.gpr[6] = BigInt(rec.identity);
  return H.SUCCESS;
}

/** One entry at real address `at`: PCR, 0, digest[off..off+32). */
function writeEntry(at: u64, pcr: number, digest: Uint8Array, off: number): void {
  store32(at, pcr);
  store32(BigInt.asUintN(64, at + 4n), 0);
  for (let i = 0; i < 4; i++) {
    let d: u64 = 0n;
    for (let j = 0; j < 8; j++) d = BigInt.asUintN(64, (d << 8n) | BigInt(digest[off + 8 * i + j]));
    store64(BigInt.asUintN(64, at + BigInt(8 + 8 * i)), d);
  }
}
