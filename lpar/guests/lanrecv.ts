/**
 * LAN benchmark receiver (make bench-lan): opens its l-lan port, posts 4 x 512 receive buffers
 * (four sizes from 2048 down, four of the hypervisor's five pools; every one is the same page,
 * I/O address DATA: the frames overwrite each other), then the one buffer of 4096 bytes that the
 * sender's larger probe frame needs (so that the probe gets through only once every buffer is
 * posted), then yields (H_CONFER) until the sender's end frame arrives (payload byte 0 = 0xee at
 * DATA + 8 + 14) and halts. It never reads the receive queue: the hypervisor writes it round and
 * round.
 */
import { load8, type u64 } from 'tsnc';
import { H_CONFER, H_SUCCESS, hcall } from './lib';
import { DATA, H_ADD_LOGICAL_LAN_BUFFER, LAN_AREA, LAN_UNIT, RECEIVER_MAC, descriptor, openPort } from './lanbench';

const POOLS = 4;
const PER_POOL = 512;
const END = 0xee;

export function guestMain(_fdt: u64): u64 {
  if (!openPort(RECEIVER_MAC)) return 1n;
  let failures = 0;
  for (let k = 0; k < POOLS; k++) {
    const bd = descriptor(2048 - 8 * k, DATA);
    for (let i = 0; i < PER_POOL; i++) {
      if (hcall(H_ADD_LOGICAL_LAN_BUFFER, LAN_UNIT, bd, 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) failures++;
    }
  }
  if (hcall(H_ADD_LOGICAL_LAN_BUFFER, LAN_UNIT, descriptor(4096, DATA), 0n, 0n, 0n, 0n, 0n) !== H_SUCCESS) failures++;
  const marker: u64 = BigInt.asUintN(64, LAN_AREA + DATA + 22n);
  while (load8(marker) !== END) hcall(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n, 0n, 0n, 0n);
  return BigInt(failures);
}
