/**
 * What the logical-LAN benchmark's two partitions share (make bench-lan,
 * scripts/bench/bench-lan.cjs): the frame count, the l-lan calls, and each partition's DMA
 * layout. Both partitions have one l-lan port (unit address = LIOBN 0x30000001) and map four
 * pages of their memory at LAN_AREA into its window, at I/O addresses 0..0x3fff:
 *
 *   IOBA 0x0000  buffer list        IOBA 0x2000  receive queue (256 entries)
 *   IOBA 0x1000  filter list        IOBA 0x3000  the frame (sender) / every receive buffer (receiver)
 */
import type { u64 } from 'tsnc';
import { H_SUCCESS, hcall } from './lib';

/** Frames measured (scripts/bench/bench-lan.cjs reads it), and their length. */
export const LAN_FRAMES = 2000;
export const FRAME_LENGTH = 1500;

export const H_PUT_TCE: u64 = 0x20n;
export const H_REGISTER_LOGICAL_LAN: u64 = 0x114n;
export const H_ADD_LOGICAL_LAN_BUFFER: u64 = 0x11cn;
export const H_SEND_LOGICAL_LAN: u64 = 0x120n;

/** The port's unit address, which is also its window's LIOBN. */
export const LAN_UNIT: u64 = 0x30000001n;
/** MACs (locally administered unicast) of the sender and the receiver (lpar/configs/bench-lan*.ts). */
export const SENDER_MAC: u64 = 0x020000000a01n;
export const RECEIVER_MAC: u64 = 0x020000000b01n;

/** Partition address of the four mapped pages, and their I/O addresses. */
export const LAN_AREA: u64 = 0x800000n;
export const BUFFER_LIST: u64 = 0x0000n;
export const FILTER_LIST: u64 = 0x1000n;
export const RX_QUEUE: u64 = 0x2000n;
export const DATA: u64 = 0x3000n;
const PAGES = 4;
const PAGE: u64 = 0x1000n;
const TCE_READ_WRITE: u64 = 3n;

/** A VALID buffer descriptor: length `length` at I/O address `ioba`. */
export function descriptor(length: number, ioba: u64): u64 {
  return BigInt.asUintN(64, 0x8000000000000000n | (BigInt(length) << 32n) | ioba);
}

/** Map the four pages and register the port with `mac`; false when a call fails. */
export function openPort(mac: u64): boolean {
  for (let i = 0; i < PAGES; i++) {
    const ioba: u64 = BigInt.asUintN(64, BigInt(i) * PAGE);
    if (hcall(H_PUT_TCE, LAN_UNIT, ioba, BigInt.asUintN(64, LAN_AREA + ioba) | TCE_READ_WRITE, 0n, 0n, 0n, 0n) !== H_SUCCESS) return false;
  }
  return hcall(H_REGISTER_LOGICAL_LAN, LAN_UNIT, BUFFER_LIST, descriptor(4096, RX_QUEUE), FILTER_LIST, mac, 0n, 0n) === H_SUCCESS;
}
