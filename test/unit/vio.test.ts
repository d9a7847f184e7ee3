/**
 * Virtual I/O hcalls in Node (hcalls/tce.ts, crq.ts, llan.ts, vswitch.ts): each call's success
 * and every error it returns, and that a refused call changes nothing (TCEs, devices, ports and
 * all memory are compared before and after). Configurations are built here with SystemConfig.
 */
import { expect } from 'chai';
import { host } from 'tsnc/host';
import { resetPlatform } from '../fake/platform';
import { H } from '../../hcalls/status';
import { Program, SystemConfig } from '../../lpar/config';
import { Partition } from '../../lpar/partition';
import { CRQ_WINDOW_PAGES, LAN_WINDOW_PAGES, REMOTE_LIOBN, deviceOf, tces, vdevices } from '../../lpar/vio';
import { Drop, lanPorts } from '../../lpar/lan';
import { resetVirtualIo } from '../../hv/vio';
import { count as auditCount } from '../../shype/audit';
import { timebaseHz } from '../../lpar/time';
import {
  OP, SIZE, bd, expectUnchanged, hcall, laOf, launch, loadPolicy, mapWindow, read64, readIo, refused, resetVio,
  snapshot, unit, writeIo,
} from './vio-helpers';

/** Names and labels for up to four partitions. */
function config(names: string[], labels = names): SystemConfig {
  const cfg = new SystemConfig('viotest');
  names.forEach((n, i) => { cfg.add(n, Program.Hello, 2, 10).label = labels[i]; });
  return cfg;
}

/** REMOTE_LIOBN | the first unit, zero-extended as a guest passes a 32-bit LIOBN. */
const REMOTE1 = BigInt(REMOTE_LIOBN) | 0x30000001n;

const STE = `policy t
primary ste
type orders mailflow
label web types orders mailflow
label db types orders
label mail types mailflow
lan front types mailflow
`;

describe('virtual I/O hcalls', () => {
  beforeEach(() => {
    host.reset();
    resetPlatform();
    loadPolicy(null);
    resetVio();
  });
  after(() => { loadPolicy(null); resetVio(); });

  describe('vio: TCE hcalls', () => {
    function one(): Partition {
      const cfg = config(['alpha', 'beta']);
      const seg = cfg.addSegment('lan0');
      cfg.addPort(cfg.partitions[0], seg, 0x020000000001n);
      cfg.addPort(cfg.partitions[1], seg, 0x020000000002n);
      return launch(cfg)[0];
    }

    it('H_PUT_TCE, H_GET_TCE: map a page of the caller, read it back, unmap it', () => {
      const p = one();
      expect(hcall(p, OP.PUT_TCE, unit(0), 0x3000, 0x5000n | 3n)).to.equal(H.SUCCESS);
      expect(hcall(p, OP.GET_TCE, unit(0), 0x3000)).to.equal(H.SUCCESS);
      expect(p.vcpu.gpr[4]).to.equal(0x5003n);
      expect(hcall(p, OP.PUT_TCE, unit(0), 0x3000, 0x5000n)).to.equal(H.SUCCESS);   // no permission: unmapped
      expect(hcall(p, OP.GET_TCE, unit(0), 0x3000)).to.equal(H.SUCCESS);
      expect(p.vcpu.gpr[4]).to.equal(0n);
      expect(hcall(p, OP.PUT_TCE, unit(0), 0x3000, 0x5000n | 1n)).to.equal(H.SUCCESS);   // read only
      expect(hcall(p, OP.GET_TCE, unit(0), 0x3000)).to.equal(H.SUCCESS);
      expect(p.vcpu.gpr[4]).to.equal(0x5001n);
    });

    it('H_PUT_TCE: a TCE maps only the caller\'s own memory (H_PARAMETER, nothing changes)', () => {
      const p = one();
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), 0, SIZE | 3n);              // just past its memory
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), 0, SIZE | 1n);              // read only, still outside
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), 0, 0x4200000n | 3n);         // beta's real address
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), 0, 0xfffffffffffff003n);
    });

    it('H_PUT_TCE, H_GET_TCE, H_STUFF_TCE: an IOBA outside the window and an unknown LIOBN are H_PARAMETER', () => {
      const p = one();
      const end = LAN_WINDOW_PAGES * 0x1000;
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), end, 0x5003n);
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(0), 0xffffffffffff0000n, 0x5003n);
      refused(p, H.PARAMETER, OP.PUT_TCE, unit(1), 0, 0x5003n);            // alpha has one device; beta's is not its
      refused(p, H.PARAMETER, OP.PUT_TCE, 0x30000000, 0, 0x5003n);        // the vty
      refused(p, H.PARAMETER, OP.PUT_TCE, REMOTE1, 0, 0x5003n);
      refused(p, H.PARAMETER, OP.GET_TCE, unit(0), end);
      refused(p, H.PARAMETER, OP.GET_TCE, unit(3), 0);
      refused(p, H.PARAMETER, OP.STUFF_TCE, unit(0), end - 0x1000, 0x5003n, 2);
      refused(p, H.PARAMETER, OP.STUFF_TCE, unit(0), 0, 0x5003n, 0xffffffffffffffffn);
      refused(p, H.PARAMETER, OP.STUFF_TCE, unit(2), 0, 0x5003n, 1);
      refused(p, H.PARAMETER, OP.STUFF_TCE, unit(0), 0, SIZE | 3n, 1);
      refused(p, H.PARAMETER, OP.VIO_SIGNAL, unit(1), 1);
      refused(p, H.PARAMETER, OP.VIO_SIGNAL, unit(0), 2);
    });

    it('H_STUFF_TCE: the same entry in npages pages, and only those', () => {
      const p = one();
      const d = vdevices[deviceOf(p, unit(0))];
      expect(hcall(p, OP.STUFF_TCE, unit(0), 0x2000, 0x7000n | 2n, 3)).to.equal(H.SUCCESS);
      expect(Array.from(tces.slice(d.tceBase, d.tceBase + 6))).to.deep.equal([0n, 0n, 0x7002n, 0x7002n, 0x7002n, 0n]);
      expect(hcall(p, OP.STUFF_TCE, unit(0), (LAN_WINDOW_PAGES - 1) * 0x1000, 0x7003n, 1)).to.equal(H.SUCCESS);
      expect(tces[d.tceBase + LAN_WINDOW_PAGES - 1]).to.equal(0x7003n);
      expect(hcall(p, OP.STUFF_TCE, unit(0), 0, 0n, LAN_WINDOW_PAGES)).to.equal(H.SUCCESS);   // clear the whole window
      expect(tces.slice(d.tceBase, d.tceBase + LAN_WINDOW_PAGES).every(t => t === 0n)).to.equal(true);
    });

    it('H_PUT_TCE_INDIRECT: all or nothing; a bad entry, list or count is H_PARAMETER and writes no entry', () => {
      const p = one();
      const d = vdevices[deviceOf(p, unit(0))];
      const list = 0x10000n;
      for (let i = 0; i < 4; i++) host.write(p.memBase + list + BigInt(8 * i), 8, 0x20000n + BigInt(i) * 0x1000n + 3n);
      expect(hcall(p, OP.PUT_TCE_INDIRECT, unit(0), 0x1000, list, 4)).to.equal(H.SUCCESS);
      expect(Array.from(tces.slice(d.tceBase + 1, d.tceBase + 5))).to.deep.equal([0x20003n, 0x21003n, 0x22003n, 0x23003n]);
      host.write(p.memBase + list + 16n, 8, 0x4200000n | 3n);   // the third maps beta
      for (let i = 0; i < 4; i++) host.write(p.memBase + list + 0x1000n + BigInt(8 * i), 8, 0x30000n + BigInt(i) * 0x1000n + 3n);
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(0), 0x10000, list, 4);
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(0), 0, list + 8n, 1);       // list not page-aligned
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(0), 0, list + 0x1000n, 513); // more than a page of entries
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(0), 0, SIZE, 1);             // list outside the partition
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(0), (LAN_WINDOW_PAGES - 2) * 0x1000, list + 0x1000n, 4);
      refused(p, H.PARAMETER, OP.PUT_TCE_INDIRECT, unit(5), 0, list + 0x1000n, 4);
    });

    it('H_VIO_SIGNAL: enables and disables the device interrupt', () => {
      const p = one();
      const d = vdevices[deviceOf(p, unit(0))];
      expect(hcall(p, OP.VIO_SIGNAL, unit(0), 1)).to.equal(H.SUCCESS);
      expect(d.signal).to.equal(1);
      expect(hcall(p, OP.VIO_SIGNAL, unit(0), 0)).to.equal(H.SUCCESS);
      expect(d.signal).to.equal(0);
    });
  });

  describe('vio: CRQ hcalls', () => {
    /** client (slot 0) -> server (slot 1); each end is device 0 of its partition; windows mapped. */
    function pair(names = ['client', 'server'], labels = names): Partition[] {
      const cfg = config(names, labels);
      cfg.addChannel(cfg.partitions[0], cfg.partitions[1]);
      const ps = launch(cfg);
      mapWindow(ps[0], 0);
      mapWindow(ps[1], 0);
      return ps;
    }
    const Q = 0x1000;   // the queue's ioba (one page: 256 entries)

    function connected(): Partition[] {
      const [c, s] = pair();
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      expect(hcall(s, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.SUCCESS);
      return [c, s];
    }

    it('H_REG_CRQ: the first end gets H_CLOSED, the second H_SUCCESS; both connected', () => {
      const [c, s] = connected();
      expect(vdevices[deviceOf(c, unit(0))].connected).to.equal(true);
      expect(vdevices[deviceOf(s, unit(0))].connected).to.equal(true);
    });

    it('H_REG_CRQ: errors change nothing', () => {
      const [c] = pair();
      refused(c, H.NOT_FOUND, OP.REG_CRQ, unit(1), Q, 0x1000);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), Q, 0x800);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), Q, 0x1800);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), Q, 0x20000000);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), Q + 0x10, 0x1000);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), 0x40000, 0x1000);        // not mapped
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), 0x1f000, 0x2000);        // second page not mapped
      expect(hcall(c, OP.PUT_TCE, unit(0), 0x30000, laOf(0, 0x30000) | 1n)).to.equal(H.SUCCESS);
      refused(c, H.PARAMETER, OP.REG_CRQ, unit(0), 0x30000, 0x1000);        // read only
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      refused(c, H.RESOURCE, OP.REG_CRQ, unit(0), 0x2000, 0x1000);
    });

    it('H_SEND_CRQ: 16 bytes into the partner\'s queue, valid byte last, interrupt raised when enabled', () => {
      const [c, s] = connected();
      expect(hcall(s, OP.VIO_SIGNAL, unit(0), 1)).to.equal(H.SUCCESS);
      const hi = 0x80aabbccddeeff01n, lo = 0x0123456789abcdefn;
      expect(hcall(c, OP.SEND_CRQ, unit(0), hi, lo)).to.equal(H.SUCCESS);
      expect(read64(s, 0, Q)).to.equal(hi);
      expect(read64(s, 0, Q + 8)).to.equal(lo);
      expect(vdevices[deviceOf(s, unit(0))].interrupts).to.equal(1);
      expect(hcall(s, OP.SEND_CRQ, unit(0), 0xc001n << 48n, 0)).to.equal(H.SUCCESS);   // init message back
      expect(read64(c, 0, Q)).to.equal(0xc001n << 48n);
    });

    it('H_SEND_CRQ: errors change nothing (bad valid byte, unknown unit, not connected)', () => {
      const [c, s] = pair();
      refused(c, H.PARAMETER, OP.SEND_CRQ, unit(1), 0x80n << 56n, 0);
      refused(c, H.PARAMETER, OP.SEND_CRQ, unit(0), 0xffn << 56n, 0);     // transport events are the hypervisor's
      refused(c, H.PARAMETER, OP.SEND_CRQ, unit(0), 0, 0);
      refused(c, H.CLOSED, OP.SEND_CRQ, unit(0), 0x80n << 56n, 0);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      refused(c, H.CLOSED, OP.SEND_CRQ, unit(0), 0x80n << 56n, 0);          // the server has no queue yet
      void s;
    });

    it('H_SEND_CRQ: a full queue is H_DROPPED, nothing written, the drop counted', () => {
      const [c, s] = connected();
      for (let i = 0; i < 256; i++) expect(hcall(c, OP.SEND_CRQ, unit(0), (0x80n << 56n) | BigInt(i), BigInt(i))).to.equal(H.SUCCESS);
      refused(c, H.DROPPED, OP.SEND_CRQ, unit(0), (0x80n << 56n) | 999n, 999n);
      expect(vdevices[deviceOf(c, unit(0))].dropped).to.equal(1);
      host.write(s.memBase + laOf(0, Q), 1, 0n);   // the server consumes entry 0
      expect(hcall(c, OP.SEND_CRQ, unit(0), (0x80n << 56n) | 256n, 0)).to.equal(H.SUCCESS);
      expect(read64(s, 0, Q)).to.equal((0x80n << 56n) | 256n);
    });

    it('H_FREE_CRQ: the partner gets 0xFF/0x02; sends are then H_CLOSED; unknown unit H_NOT_FOUND', () => {
      const [c, s] = connected();
      refused(c, H.NOT_FOUND, OP.FREE_CRQ, unit(3));
      expect(hcall(c, OP.FREE_CRQ, unit(0))).to.equal(H.SUCCESS);
      expect(read64(s, 0, Q) >> 48n).to.equal(0xff02n);
      expect(hcall(s, OP.SEND_CRQ, unit(0), 0x80n << 56n, 0)).to.equal(H.CLOSED);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.SUCCESS);   // re-registering connects again
      expect(hcall(s, OP.SEND_CRQ, unit(0), 0x80n << 56n, 0)).to.equal(H.SUCCESS);
    });

    it('resetVirtualIo: the partner of a stopped partition gets 0xFF/0x01; the stopped one\'s windows are cleared', () => {
      const [c, s] = connected();
      const d = vdevices[deviceOf(c, unit(0))];
      resetVirtualIo(c);
      expect(read64(s, 0, Q) >> 48n).to.equal(0xff01n);
      expect(tces.slice(d.tceBase, d.tceBase + CRQ_WINDOW_PAGES).every(t => t === 0n)).to.equal(true);
      expect(hcall(s, OP.SEND_CRQ, unit(0), 0x80n << 56n, 0)).to.equal(H.CLOSED);
    });

    it('H_ENABLE_CRQ: H_SUCCESS for a CRQ end, H_NOT_FOUND otherwise', () => {
      const [c] = pair();
      expect(hcall(c, OP.ENABLE_CRQ, unit(0))).to.equal(H.SUCCESS);
      refused(c, H.NOT_FOUND, OP.ENABLE_CRQ, unit(1));
    });

    it('policy: a pair whose labels share a type connects, and its messages flow', () => {
      loadPolicy(STE);
      const [c, s] = pair(['web', 'db']);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      expect(hcall(s, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.SUCCESS);
      expect(hcall(c, OP.SEND_CRQ, unit(0), 0x80n << 56n, 1)).to.equal(H.SUCCESS);
    });

    it('policy: mail -> db is denied with an audit record; no byte reaches the server', () => {
      loadPolicy(STE);
      const [c, s] = pair(['mail', 'db']);
      expect(hcall(c, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      const audits = auditCount();
      expect(hcall(s, OP.REG_CRQ, unit(0), Q, 0x1000)).to.equal(H.CLOSED);
      expect(auditCount()).to.equal(audits + 1);
      expect(vdevices[deviceOf(c, unit(0))].denied).to.equal(1);
      expect(vdevices[deviceOf(s, unit(0))].connected).to.equal(false);
      refused(c, H.CLOSED, OP.SEND_CRQ, unit(0), 0x80n << 56n, 1);
      refused(s, H.CLOSED, OP.SEND_CRQ, unit(0), 0x80n << 56n, 1);
      expect(read64(s, 0, Q)).to.equal(0n);
    });

    it('H_COPY_RDMA: the server copies from its client\'s window (REMOTE_LIOBN | unit) into its own, and back', () => {
      const [c, s] = connected();
      const data = Array.from({ length: 0x1800 }, (_, i) => (i * 7 + 3) & 0xff);
      writeIo(c, 0, 0x4800, data);
      expect(hcall(s, OP.COPY_RDMA, data.length, REMOTE1, 0x4800, unit(0), 0x9100)).to.equal(H.SUCCESS);
      expect(Array.from(readIo(s, 0, 0x9100, data.length))).to.deep.equal(data);
      expect(hcall(s, OP.COPY_RDMA, 16, unit(0), 0x9100, REMOTE1, 0x10000)).to.equal(H.SUCCESS);
      expect(Array.from(readIo(c, 0, 0x10000, 16))).to.deep.equal(data.slice(0, 16));
      expect(hcall(c, OP.COPY_RDMA, 16, unit(0), 0x4800, unit(0), 0x12000)).to.equal(H.SUCCESS);   // own window
    });

    it('H_COPY_RDMA: only the caller\'s own window or its connected client\'s; errors change nothing', () => {
      const [c, s] = connected();
      refused(s, H.PARAMETER, OP.COPY_RDMA, 0x20001, unit(0), 0, unit(0), 0x1000);
      refused(c, H.SOURCE_PARM, OP.COPY_RDMA, 16, REMOTE1, 0, unit(0), 0x2000);   // the client has no remote
      refused(s, H.SOURCE_PARM, OP.COPY_RDMA, 16, unit(1), 0, unit(0), 0x2000);
      refused(s, H.SOURCE_PARM, OP.COPY_RDMA, 16, REMOTE1, 0x40000, unit(0), 0x2000);   // unmapped
      refused(s, H.SOURCE_PARM, OP.COPY_RDMA, 16, REMOTE1, 0x1fff8, unit(0), 0x2000);   // runs off the mapping
      refused(s, H.DEST_PARM, OP.COPY_RDMA, 16, unit(0), 0, (REMOTE1 + 1n), 0x2000);
      refused(s, H.DEST_PARM, OP.COPY_RDMA, 16, unit(0), 0, unit(0), 0x40000);
      expect(hcall(c, OP.PUT_TCE, unit(0), 0x5000, laOf(0, 0x5000) | 1n)).to.equal(H.SUCCESS);   // read only
      refused(s, H.DEST_PARM, OP.COPY_RDMA, 16, unit(0), 0, REMOTE1, 0x5000);
      // a LIOBN is 32 bits: bits above must not be dropped into REMOTE_LIOBN | unit (they were)
      refused(s, H.SOURCE_PARM, OP.COPY_RDMA, 16, (1n << 40n) | REMOTE1, 0, unit(0), 0x2000);
      refused(s, H.DEST_PARM, OP.COPY_RDMA, 16, unit(0), 0, (0xffn << 32n) | REMOTE1, 0x2000);
      expect(hcall(c, OP.FREE_CRQ, unit(0))).to.equal(H.SUCCESS);
      refused(s, H.SOURCE_PARM, OP.COPY_RDMA, 16, REMOTE1, 0, unit(0), 0x2000);   // not connected
    });
  });

  describe('vio: logical LAN hcalls', () => {
    const MAC = [0x020000000001n, 0x020000000002n, 0x020000000003n];
    /** Buffer list at ioba 0, filter list at 0x1000, receive queue at 0x2000, buffers from 0x8000. */
    const BUFLIST = 0x0, FILTER = 0x1000, RXQ = 0x2000;

    function lan(names = ['a', 'b', 'c'], setup?: (cfg: SystemConfig) => void): Partition[] {
      const cfg = config(names);
      const seg = cfg.addSegment('lan0');
      names.forEach((_, i) => cfg.addPort(cfg.partitions[i], seg, MAC[i]));
      if (setup) setup(cfg);
      const ps = launch(cfg);
      ps.forEach(p => mapWindow(p, 0));
      return ps;
    }
    function open(p: Partition, i: number, rxqLength = 0x1000): void {
      expect(hcall(p, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(rxqLength, RXQ), FILTER, MAC[i])).to.equal(H.SUCCESS);
    }
    /** A frame to `dst` from `src` with `payload` bytes after the type 0x0800 (or a tag first). */
    function frame(dst: bigint, src: bigint, payload: number[], tag?: number): number[] {
      const mac = (m: bigint): number[] => Array.from({ length: 6 }, (_, i) => Number((m >> BigInt(8 * (5 - i))) & 0xffn));
      const t = tag === undefined ? [] : [0x81, 0x00, (tag >> 8) & 0xf, tag & 0xff];
      return [...mac(dst), ...mac(src), ...t, 0x08, 0x00, ...payload];
    }
    function send(p: Partition, bytes: number[], at = 0x10000): number {
      writeIo(p, 0, at, bytes);
      return hcall(p, OP.SEND_LOGICAL_LAN, unit(0), bd(bytes.length, at), 0, 0, 0, 0, 0, 0);
    }
    /** The receive-queue entry i of port k's partition: [flags word, length, correlator]. */
    function rxEntry(p: Partition, i: number): [number, number, bigint] {
      const at = p.memBase + laOf(0, RXQ + 16 * i);
      return [Number(host.read(at, 4)), Number(host.read(at + 4n, 4)), host.read(at + 8n, 8)];
    }

    it('H_REGISTER_LOGICAL_LAN: opens the port; the buffer list holds the queue and filter descriptors', () => {
      const [a] = lan();
      host.write(a.memBase + laOf(0, RXQ), 8, 0xdeadn);
      open(a, 0);
      expect(read64(a, 0, BUFLIST)).to.equal(bd(0x1000, RXQ));
      expect(read64(a, 0, BUFLIST + 8)).to.equal(bd(0x1000, FILTER));
      expect(read64(a, 0, RXQ)).to.equal(0n);   // the queue was cleared
      expect(lanPorts[0].open).to.equal(true);
    });

    it('H_REGISTER_LOGICAL_LAN: errors change nothing', () => {
      const [a] = lan();
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(1), BUFLIST, bd(0x1000, RXQ), FILTER, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST + 8, bd(0x1000, RXQ), FILTER, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), 0x40000, bd(0x1000, RXQ), FILTER, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER + 4, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ) & ~(1n << 63n), FILTER, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1008, RXQ), FILTER, MAC[0]);
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, 0x1f800), FILTER, MAC[0]);   // runs off the mapping
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, 0x010000000001n);   // multicast
      refused(a, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, 0n);
      open(a, 0);
      refused(a, H.RESOURCE, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, MAC[0]);
    });

    it('H_REGISTER_LOGICAL_LAN: a partition the policy refuses the segment\'s label gets H_AUTHORITY', () => {
      loadPolicy(STE);
      const [web, db] = lan(['web', 'db'], cfg => { cfg.segments[0].label = 'front'; });
      open(web, 0);
      refused(db, H.AUTHORITY, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, MAC[1]);
    });

    it('H_ADD_LOGICAL_LAN_BUFFER: posts into a pool by size; errors change nothing', () => {
      const [a] = lan();
      refused(a, H.RESOURCE, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000));   // closed
      open(a, 0);
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFER, unit(1), bd(2048, 0x8000));
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000) & ~(1n << 63n));
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(8, 0x8000));
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8002));
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x1fc00));   // runs off the mapping
      for (let k = 0; k < 5; k++) expect(hcall(a, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(256 + 16 * k, 0x8000 + 0x200 * k))).to.equal(H.SUCCESS);
      expect(Array.from(lanPorts[0].poolCount)).to.deep.equal([1, 1, 1, 1, 1]);
      refused(a, H.RESOURCE, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(4096, 0x9000));   // a sixth size: no pool
    });

    it('H_ADD_LOGICAL_LAN_BUFFERS: up to eight, ending at the first invalid one; all or none', () => {
      const [a] = lan();
      open(a, 0);
      expect(hcall(a, OP.ADD_LOGICAL_LAN_BUFFERS, unit(0), bd(512, 0x8000), bd(512, 0x8200), bd(1024, 0x8400), 0, bd(512, 0x9000))).to.equal(H.SUCCESS);
      expect(lanPorts[0].poolCount[0] + lanPorts[0].poolCount[1]).to.equal(3);
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFERS, unit(0), bd(512, 0x9000), bd(512, 0x40000));
      refused(a, H.RESOURCE, OP.ADD_LOGICAL_LAN_BUFFERS, unit(0), bd(32, 0x9000), bd(48, 0x9100), bd(64, 0x9200), bd(80, 0x9300));   // five sizes
      refused(a, H.PARAMETER, OP.ADD_LOGICAL_LAN_BUFFERS, unit(3), bd(512, 0x9000));
    });

    it('H_SEND_LOGICAL_LAN: the frame lands in a posted buffer at +8 with its rx-queue entry; the toggle flips at the wrap', () => {
      const [a, b] = lan();
      open(a, 0);
      open(b, 1, 32);   // two entries
      for (let k = 0; k < 3; k++) {
        writeIo(b, 0, 0x8000 + 0x800 * k, [0xc0, 0x11, 0, 0, 0, 0, 0, k]);   // correlators
        expect(hcall(b, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      }
      expect(hcall(b, OP.VIO_SIGNAL, unit(0), 1)).to.equal(H.SUCCESS);
      const f = frame(MAC[1], MAC[0], Array.from({ length: 50 }, (_, i) => i));
      expect(send(a, f)).to.equal(H.SUCCESS);
      expect(a.vcpu.gpr[4]).to.equal(0n);
      // buffers are taken from the top of the stack: the third posted first
      expect(Array.from(readIo(b, 0, 0x9000 + 8, f.length))).to.deep.equal(f);
      expect(rxEntry(b, 0)).to.deep.equal([0xc0000008, f.length, 0xc011000000000002n]);
      expect(send(a, f)).to.equal(H.SUCCESS);
      expect(rxEntry(b, 1)[0]).to.equal(0xc0000008);
      expect(send(a, f)).to.equal(H.SUCCESS);
      expect(rxEntry(b, 0)).to.deep.equal([0x40000008, f.length, 0xc011000000000000n]);   // second lap: toggle clear
      expect(lanPorts[1].framesReceived).to.equal(3);
      expect(vdevices[deviceOf(b, unit(0))].interrupts).to.equal(3);
    });

    it('H_SEND_LOGICAL_LAN: no posted buffer drops the frame, counted in the port and at +4088 of the buffer list', () => {
      const [a, b] = lan();
      open(a, 0);
      open(b, 1);
      const f = frame(MAC[1], MAC[0], [1, 2, 3]);
      expect(send(a, f)).to.equal(H.DROPPED);
      expect(send(a, f)).to.equal(H.DROPPED);
      expect(lanPorts[1].drops[Drop.NoBuffer]).to.equal(2);
      expect(read64(b, 0, BUFLIST + 4088)).to.equal(2n);
      expect(hcall(b, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(16, 0x8000))).to.equal(H.SUCCESS);   // too small for the frame
      expect(send(a, f)).to.equal(H.DROPPED);
      expect(lanPorts[1].poolCount[0]).to.equal(1);
      expect(read64(b, 0, BUFLIST + 4088)).to.equal(3n);
    });

    it('H_SEND_LOGICAL_LAN: errors (continuation token, closed port, unmapped, too short, too long) change nothing', () => {
      const [a, b] = lan();
      open(b, 1);
      expect(hcall(b, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000))).to.equal(H.SUCCESS);
      const f = frame(MAC[1], MAC[0], [1, 2, 3]);
      writeIo(a, 0, 0x10000, f);
      refused(a, H.DROPPED, OP.SEND_LOGICAL_LAN, unit(0), bd(f.length, 0x10000), 0, 0, 0, 0, 0, 0);   // closed
      open(a, 0);
      refused(a, H.PARAMETER, OP.SEND_LOGICAL_LAN, unit(1), bd(f.length, 0x10000), 0, 0, 0, 0, 0, 0);
      refused(a, H.HARDWARE, OP.SEND_LOGICAL_LAN, unit(0), bd(f.length, 0x10000), 0, 0, 0, 0, 0, 1);
      refused(a, H.PARAMETER, OP.SEND_LOGICAL_LAN, unit(0), bd(f.length, 0x40000), 0, 0, 0, 0, 0, 0);
      refused(a, H.PARAMETER, OP.SEND_LOGICAL_LAN, unit(0), bd(13, 0x10000), 0, 0, 0, 0, 0, 0);
      refused(a, H.PARAMETER, OP.SEND_LOGICAL_LAN, unit(0), 0, 0, 0, 0, 0, 0, 0);
      refused(a, H.RESOURCE, OP.SEND_LOGICAL_LAN, unit(0), bd(0xf000, 0x0), bd(0xf000, 0x0), bd(0xf000, 0x0), bd(0xf000, 0x0), bd(0xf000, 0x0), bd(0xf000, 0x0), 0);
      // two parts make one frame
      expect(hcall(a, OP.SEND_LOGICAL_LAN, unit(0), bd(10, 0x10000), bd(f.length - 10, 0x1000a), 0, 0, 0, 0, 0)).to.equal(H.SUCCESS);
      expect(Array.from(readIo(b, 0, 0x8008, f.length))).to.deep.equal(f);
    });

    it('policy: a denied frame is dropped; the first denial audited, later ones within a second only counted', () => {
      loadPolicy(STE);
      const [mail, db] = lan(['mail', 'db']);
      open(mail, 0);
      open(db, 1);
      for (let k = 0; k < 4; k++) expect(hcall(db, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      host.timebase = 1000n;
      const f = frame(MAC[1], MAC[0], Array.from({ length: 40 }, () => 0x5a));
      const audits = auditCount();
      expect(send(mail, f)).to.equal(H.DROPPED);
      expect(auditCount()).to.equal(audits + 1);
      expect(send(mail, f)).to.equal(H.DROPPED);
      host.timebase += timebaseHz / 2n;
      expect(send(mail, f)).to.equal(H.DROPPED);
      expect(auditCount()).to.equal(audits + 1);
      expect(lanPorts[1].drops[Drop.Denied]).to.equal(3);
      // no byte reached db
      expect(Array.from(readIo(db, 0, 0x8000, 0x2000)).some(x => x === 0x5a)).to.equal(false);
      expect(read64(db, 0, RXQ)).to.equal(0n);
      host.timebase += timebaseHz;
      expect(send(mail, f)).to.equal(H.DROPPED);
      expect(auditCount()).to.equal(audits + 2);
    });

    it('VLANs: untagged in the PVID, tag removed for a PVID receiver, inserted for a tagged member, not delivered outside', () => {
      const [a, b, c] = lan(['a', 'b', 'c'], cfg => {
        cfg.ports[0].pvid = 10; cfg.ports[0].vlans[0] = 20; cfg.ports[0].vlanCount = 1;
        cfg.ports[1].pvid = 20;
        cfg.ports[2].pvid = 30; cfg.ports[2].vlans[0] = 10; cfg.ports[2].vlanCount = 1;
      });
      [a, b, c].forEach((p, i) => {
        open(p, i);
        for (let k = 0; k < 4; k++) expect(hcall(p, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      });
      const BCAST = 0xffffffffffffn;
      // a, untagged (VLAN 10): c carries 10 tagged -> tag inserted; b (PVID 20) does not get it
      const f = frame(BCAST, MAC[0], [1, 2, 3, 4]);
      expect(send(a, f)).to.equal(H.SUCCESS);
      expect(Array.from(readIo(c, 0, 0x9808, f.length + 4))).to.deep.equal(frame(BCAST, MAC[0], [1, 2, 3, 4], 10));
      expect(rxEntry(c, 0)[1]).to.equal(f.length + 4);
      expect(lanPorts[1].framesReceived).to.equal(0);
      // a, tagged 20: b's PVID -> tag stripped; c not a member
      const g = frame(BCAST, MAC[0], [9, 9], 20);
      expect(send(a, g)).to.equal(H.SUCCESS);
      expect(Array.from(readIo(b, 0, 0x9808, g.length - 4))).to.deep.equal(frame(BCAST, MAC[0], [9, 9]));
      expect(lanPorts[2].framesReceived).to.equal(1);
      // a tagged with a VLAN it is not in: dropped at the sender
      expect(send(a, frame(BCAST, MAC[0], [1], 30))).to.equal(H.DROPPED);
      expect(lanPorts[2].framesReceived).to.equal(1);
    });

    it('H_MULTICAST_CTRL: the filter decides which group frames arrive; errors change nothing', () => {
      const [a, b] = lan(['a', 'b']);
      open(a, 0);
      open(b, 1);
      for (let k = 0; k < 4; k++) expect(hcall(b, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      const G1 = 0x01005e000001n, G2 = 0x01005e000002n;
      expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 0x40000 | 0x10000 | 1, G1)).to.equal(H.SUCCESS);   // filter on, add G1
      expect(send(a, frame(G1, MAC[0], [1]))).to.equal(H.SUCCESS);
      expect(send(a, frame(G2, MAC[0], [1]))).to.equal(H.DROPPED);
      expect(lanPorts[1].drops[Drop.Filtered]).to.equal(1);
      expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 0x80000, 0)).to.equal(H.SUCCESS);   // reception off
      expect(send(a, frame(G1, MAC[0], [1]))).to.equal(H.DROPPED);
      expect(send(a, frame(0xffffffffffffn, MAC[0], [1]))).to.equal(H.SUCCESS);        // broadcast still arrives
      refused(b, H.PARAMETER, OP.MULTICAST_CTRL, unit(0), 0x100000, 0);
      refused(b, H.PARAMETER, OP.MULTICAST_CTRL, unit(2), 1, G2);
      for (let i = 1; i < 16; i++) expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 1, G1 + BigInt(i))).to.equal(H.SUCCESS);
      refused(b, H.NOT_ENOUGH_RESOURCES, OP.MULTICAST_CTRL, unit(0), 0x40000 | 1, 0x01005e0000ffn);
      expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 1, G1)).to.equal(H.SUCCESS);   // present already: fine
      expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 2, G1)).to.equal(H.SUCCESS);
      expect(lanPorts[1].filterCount).to.equal(15);
      expect(hcall(b, OP.MULTICAST_CTRL, unit(0), 3, 0)).to.equal(H.SUCCESS);
      expect(lanPorts[1].filterCount).to.equal(0);
    });

    it('H_CHANGE_LOGICAL_LAN_MAC: frames follow the new address; a group address is H_PARAMETER', () => {
      const [a, b, c] = lan();
      [a, b, c].forEach((p, i) => {
        open(p, i);
        expect(hcall(p, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000))).to.equal(H.SUCCESS);
      });
      const NEW = 0x02aabbccddeen;
      expect(hcall(b, OP.CHANGE_LOGICAL_LAN_MAC, unit(0), NEW)).to.equal(H.SUCCESS);
      expect(send(a, frame(NEW, MAC[0], [1]))).to.equal(H.SUCCESS);   // unknown at first: flooded
      expect(lanPorts[1].framesReceived).to.equal(1);
      refused(b, H.PARAMETER, OP.CHANGE_LOGICAL_LAN_MAC, unit(0), 0x010000000000n);
      refused(b, H.PARAMETER, OP.CHANGE_LOGICAL_LAN_MAC, unit(1), NEW);
    });

    it('a spoofed source address does not draw another port\'s traffic; no port may take another\'s own MAC', () => {
      const [a, b, c] = lan();
      [a, b, c].forEach((p, i) => {
        open(p, i);
        for (let k = 0; k < 4; k++) expect(hcall(p, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      });
      expect(send(c, frame(MAC[0], MAC[1], [1]))).to.equal(H.SUCCESS);   // c claims to be b, writing to a
      expect(lanPorts[0].framesReceived).to.equal(1);
      expect(send(a, frame(MAC[1], MAC[0], [2]))).to.equal(H.SUCCESS);   // a answers "b": b gets it, not c
      expect(lanPorts[1].framesReceived).to.equal(1);
      expect(lanPorts[2].framesReceived).to.equal(0);
      refused(c, H.PARAMETER, OP.CHANGE_LOGICAL_LAN_MAC, unit(0), MAC[1]);
      expect(hcall(c, OP.FREE_LOGICAL_LAN, unit(0))).to.equal(H.SUCCESS);
      refused(c, H.PARAMETER, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, MAC[0]);
    });

    it('H_FREE_LOGICAL_LAN: closes the port; frames to it are dropped as closed', () => {
      const [a, b] = lan(['a', 'b']);
      open(a, 0);
      open(b, 1);
      refused(b, H.PARAMETER, OP.FREE_LOGICAL_LAN, unit(1));
      expect(hcall(b, OP.FREE_LOGICAL_LAN, unit(0))).to.equal(H.SUCCESS);
      expect(lanPorts[1].open).to.equal(false);
      expect(send(a, frame(MAC[1], MAC[0], [1]))).to.equal(H.DROPPED);
      expect(lanPorts[1].drops[Drop.Closed]).to.equal(1);
      open(b, 1);   // may open again
    });

    it('a closed port keeps its own address: unicast frames to it are dropped as closed (H_DROPPED), not flooded to the other ports', () => {
      const [a, b, c] = lan();
      [a, b, c].forEach((p, i) => {
        open(p, i);
        for (let k = 0; k < 4; k++) expect(hcall(p, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      });
      resetVirtualIo(b);   // b's partition stopped with its port open and buffers posted
      expect(lanPorts[1].open).to.equal(false);
      expect(send(a, frame(MAC[1], MAC[0], [1]))).to.equal(H.DROPPED);
      expect(lanPorts[1].drops[Drop.Closed]).to.equal(1);
      expect(lanPorts[2].framesReceived, 'c got nothing of b\'s').to.equal(0);
      refused(c, H.PARAMETER, OP.CHANGE_LOGICAL_LAN_MAC, unit(0), MAC[1]);   // nor may it take b's address
      expect(hcall(a, OP.FREE_LOGICAL_LAN, unit(0))).to.equal(H.SUCCESS);
      expect(send(c, frame(MAC[0], MAC[2], [2]))).to.equal(H.DROPPED);     // the same for H_FREE_LOGICAL_LAN
      expect(lanPorts[0].drops[Drop.Closed]).to.equal(1);
      expect(lanPorts[1].drops[Drop.Closed]).to.equal(1);
      // a port that opens again with another address gives its old one up
      expect(hcall(a, OP.REGISTER_LOGICAL_LAN, unit(0), BUFLIST, bd(0x1000, RXQ), FILTER, 0x020000000009n)).to.equal(H.SUCCESS);
      for (let k = 0; k < 4; k++) expect(hcall(a, OP.ADD_LOGICAL_LAN_BUFFER, unit(0), bd(2048, 0x8000 + 0x800 * k))).to.equal(H.SUCCESS);
      expect(send(c, frame(MAC[0], MAC[2], [3]))).to.equal(H.SUCCESS);     // unknown unicast again: flooded, a gets it
      expect(lanPorts[0].framesReceived).to.equal(1);
    });

    it('cap: a port past its tokens gets H_BUSY and its vCPU yields; nothing is delivered', () => {
      const [a, b] = lan(['a', 'b'], cfg => { cfg.ports[0].capBps = 8000; });
      open(a, 0);
      open(b, 1);
      host.timebase = 5000n;
      const big = frame(MAC[1], MAC[0], []).concat(Array.from({ length: 65536 - 14 }, () => 1));
      expect(send(a, big, 0)).to.equal(H.DROPPED);   // no buffer, but the tokens are spent
      expect(send(a, big, 0)).to.equal(H.DROPPED);
      a.vcpu.yielded = false;
      const s = snapshot();
      expect(send(a, big, 0)).to.equal(H.BUSY);
      expect(a.vcpu.yielded).to.equal(true);
      expectUnchanged(s, 'H_BUSY');
      expect(lanPorts[0].throttled).to.equal(1);
      host.timebase += timebaseHz * 100n;   // a second refills at most 1000 bytes... wait a long time: the bucket caps it
      expect(send(a, frame(MAC[1], MAC[0], [1]))).to.equal(H.DROPPED);   // small frames pass again
    });
  });
});
