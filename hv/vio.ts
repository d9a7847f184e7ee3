/**
 * Virtual I/O at the level of the machine: giving partitions their devices at launch, resetting
 * them when a partition stops or reboots (partners hear of it), and the summary's lines.
 * The devices are lpar/vio.ts's, the hcalls hcalls/tce.ts, crq.ts, llan.ts and vswitch.ts.
 */
import { system } from '@config';
import { writeDecimal, writeHex, writeLine, writeString } from '../lpar/console';
import { Drop, lanPorts } from '../lpar/lan';
import { partitions, type Partition } from '../lpar/partition';
import { MAX_PARTITION_VDEVICES, VioDevice, VioKind, attachDevices, deviceAt, isCrqClient, isCrqServer, linkChannels, resetDevice, vdevices } from '../lpar/vio';
import { labelOf } from '../shype/security';
import { crqPartitionStopped } from '../hcalls/crq';
import { forgetLearnt } from '../hcalls/vswitch';

/** Give partition `p` (configuration partition `k`) its ports and channel ends; false when they do not fit. */
export function attachVirtualIo(p: Partition, k: number): boolean {
  if (!attachDevices(p, system, k)) return false;
  for (let i = 0; i < system.portCount; i++) {
    if (system.ports[i].partition === k) lanPorts[i].segmentLabel = labelOf(system.segments[system.ports[i].segment].label);
  }
  return true;
}

/** Once every partition is launched: join the ends of each CRQ pair whose two partitions run. */
export function connectVirtualIo(): void {
  linkChannels();
}

/**
 * Partition `p` stopped or is rebooting: its CRQ partners get "partner failed", its ports close
 * (the switch forgets the addresses learnt behind them; frames to their own addresses are dropped
 * as closed), its DMA windows are cleared and its devices' interrupt
 * sources claimed again on its (reset) XICS.
 */
export function resetVirtualIo(p: Partition): void {
  crqPartitionStopped(p);
  for (let k = 0; k < MAX_PARTITION_VDEVICES; k++) {
    const i = deviceAt(p.lpid - 1, k);
    if (i < 0) break;
    const d = vdevices[i];
    if (d.kind === VioKind.Lan) {
      lanPorts[d.config].close();
      forgetLearnt(d.config);
    }
    resetDevice(d);
    p.xics.claim(d.source());
  }
}

/** The summary's virtual-I/O lines: one per port, one per CRQ pair (nothing when there are none). */
export function vioSummary(): void {
  for (let i = 0; i < system.portCount; i++) portLine(i);
  for (let i = 0; i < system.channelCount; i++) channelLine(i);
}

function portLine(i: number): void {
  const port = lanPorts[i];
  const cfg = system.ports[i];
  writeString('[hv]   lan ');
  writeString(system.segments[cfg.segment].name);
  writeString(" port '");
  writeString(system.partitions[cfg.partition].name);
  writeString("' ");
  writeHex(cfg.mac, 12);
  writeString(': sent ');
  writeDecimal(port.framesSent);
  writeString(' frames ');
  writeDecimal(port.bytesSent);
  writeString(' bytes, received ');
  writeDecimal(port.framesReceived);
  writeString(' frames ');
  writeDecimal(port.bytesReceived);
  writeString(' bytes, dropped: ');
  writeString('denied ');
  writeDecimal(port.drops[Drop.Denied]);
  writeString(' no-buffer ');
  writeDecimal(port.drops[Drop.NoBuffer]);
  writeString(' closed ');
  writeDecimal(port.drops[Drop.Closed]);
  writeString(' filtered ');
  writeDecimal(port.drops[Drop.Filtered]);
  writeString(' unmapped ');
  writeDecimal(port.drops[Drop.Unmapped]);
  writeString(', throttled ');
  writeDecimal(port.throttled);
  writeLine('');
}

/**
 * The rest of a vTPM pair's line: `commands N, errors E, rdma B bytes, client launches L, vtpm
 * restarts R, refused by the policy D` (launches: the client's boot and each reboot, each
 * measured; restarts: of the vTPM partition).
 */
function vtpmFigures(cd: VioDevice, sd: VioDevice): void {
  writeString('commands ');
  writeDecimal(cd.tpmCommands);
  writeString(', errors ');
  writeDecimal(sd.tpmErrors);
  writeString(', rdma ');
  writeDecimal(sd.bytes);
  writeString(' bytes, client launches ');
  writeDecimal(partitions[cd.owner].launch.launches);
  writeString(', vtpm restarts ');
  const starts = partitions[sd.owner].launch.launches;
  writeDecimal(starts > 0 ? starts - 1 : 0);
  writeString(', refused by the policy ');
  writeDecimal(cd.denied);
  writeLine('');
}

function channelLine(i: number): void {
  const c = system.channels[i];
  writeString(c.vtpm ? "[hv]   vtpm '" : "[hv]   crq '");
  writeString(system.partitions[c.client].name);
  writeString("' -> '");
  writeString(system.partitions[c.server].name);
  writeString("': ");
  let client = -1, server = -1;
  for (let j = 0; j < vdevices.length; j++) {
    const d = vdevices[j];
    if (d.owner >= 0 && d.config === i && isCrqClient(d.kind)) client = j;
    if (d.owner >= 0 && d.config === i && isCrqServer(d.kind)) server = j;
  }
  if (client < 0 || server < 0) { writeLine('not wired (a partition did not start, or was destroyed)'); return; }
  const cd = vdevices[client], sd = vdevices[server];
  if (c.vtpm) { vtpmFigures(cd, sd); return; }
  writeString('messages ');
  writeDecimal(cd.sent);
  writeString(' sent, ');
  writeDecimal(sd.sent);
  writeString(' answered, rdma ');
  writeDecimal(sd.bytes);
  writeString(' bytes, dropped ');
  writeDecimal(cd.dropped + sd.dropped);
  writeString(', refused by the policy ');
  writeDecimal(cd.denied);
  writeLine('');
}
