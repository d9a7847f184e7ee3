/**
 * LAN benchmark sender (make bench-lan): opens its l-lan port, waits until the receiver takes a
 * probe frame (it has posted its buffers), sends LAN_FRAMES frames of FRAME_LENGTH bytes to the
 * receiver's MAC, then one end frame (payload byte 0 = END) that lets the receiver halt. The partition named "lanbase" is the
 * baseline: the same program with the `sc 1` of the LAN_FRAMES sends left out (noHcallNoToken),
 * so that the difference of the two runs is the sends alone.
 */
import { store8, type u64 } from 'tsnc';
import { Fdt, FdtStatus } from '../fdt';
import { H_CONFER, H_SUCCESS, hcall, hcallNoToken, noHcallNoToken } from './lib';
import {
  DATA, FRAME_LENGTH, H_SEND_LOGICAL_LAN, LAN_AREA, LAN_FRAMES, LAN_UNIT, RECEIVER_MAC, SENDER_MAC, descriptor, openPort,
} from './lanbench';

/** Payload byte 0 of the last frame. */
export const END = 0xee;
const tree = new Fdt();
/** The probe frame's length: more than the receiver's 2 KiB buffers hold. */
const PROBE_LENGTH = 3000;

/** Is this the baseline partition (its ibm,partition-name is "lanbase")? */
function baseline(fdt: u64): boolean {
  if (tree.open(fdt, 0x10000) !== FdtStatus.Ok) return false;
  const root = tree.pathOffset('/');
  return root >= 0 && tree.stringIs(root, 'ibm,partition-name', 'lanbase');
}

/** Write `mac` at partition address `at` (6 bytes, big-endian). */
function putMac(at: u64, mac: u64): void {
  for (let i = 0; i < 6; i++) store8(BigInt.asUintN(64, at + BigInt(i)), Number((mac >> BigInt(8 * (5 - i))) & 0xffn));
}

export function guestMain(fdt: u64): u64 {
  const base = baseline(fdt);
  if (!openPort(SENDER_MAC)) return 1n;
  const frame: u64 = BigInt.asUintN(64, LAN_AREA + DATA);
  putMac(frame, RECEIVER_MAC);
  putMac(BigInt.asUintN(64, frame + 6n), SENDER_MAC);
  store8(BigInt.asUintN(64, frame + 12n), 0x08);
  store8(BigInt.asUintN(64, frame + 13n), 0x00);
  for (let i = 14; i < FRAME_LENGTH; i++) store8(BigInt.asUintN(64, frame + BigInt(i)), i & 0x7f);
  store8(BigInt.asUintN(64, frame + 14n), 0);
  const bd = descriptor(FRAME_LENGTH, DATA);
  // the probe: a frame only the receiver's last posted buffer (4096 bytes) holds, dropped until
  // the receiver has opened its port and posted all its buffers
  while (hcallNoToken(H_SEND_LOGICAL_LAN, LAN_UNIT, descriptor(PROBE_LENGTH, DATA), 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) {
    hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  }
  let failures = 0;
  if (base) {
    for (let i = 0; i < LAN_FRAMES; i++) {
      if (noHcallNoToken(H_SEND_LOGICAL_LAN, LAN_UNIT, bd, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) failures++;
    }
  } else {
    for (let i = 0; i < LAN_FRAMES; i++) {
      if (hcallNoToken(H_SEND_LOGICAL_LAN, LAN_UNIT, bd, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) failures++;
    }
  }
  store8(BigInt.asUintN(64, frame + 14n), END);
  if (hcallNoToken(H_SEND_LOGICAL_LAN, LAN_UNIT, bd, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) failures++;
  return BigInt(failures);
}
