// The measured-launch event log writer (lpar/eventlog.ts) natively: a log of the four launch
// events (binary and text event data) with SHA-256 digests, refusals at every capacity around the
// exact size, and the sml-base/size property bytes in both byte orders; every byte written and
// every result folded into the checksum.
import type { u64 } from "tsnc";
import { opq, opqU } from "./lib_opaque";
import { sha256 } from "../../../vtpm/crypto/sha256";
import {
  EventLogWriter, EV_IPL, PCR_IMAGE, PCR_INITRD, PCR_DEVTREE, PCR_LABEL, eventLogAreaSize,
  textDataLength, putSmlBase, putSmlSize,
} from "../../../lpar/eventlog";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const IMAGE = new Uint8Array(3000);
const DIGEST = new Uint8Array(32);
const LOG = new Uint8Array(1024);
const LENS = new Uint32Array(4);
const PROP = new Uint8Array(12);
const W = new EventLogWriter();

/** Write the sample log into LOG[at..at+cap); the result of each call folded into acc. */
function writeLog(acc: u64, at: number, cap: number): u64 {
  let a = mix(acc, W.start(LOG, at, cap) ? 1 : 0);
  sha256(IMAGE, 0, IMAGE.length, DIGEST, 0);
  a = mix(a, W.appendText(PCR_IMAGE, EV_IPL, DIGEST, 0, "tshype kernel ", "vmlinux") ? 1 : 0);
  sha256(IMAGE, 100, 1000, DIGEST, 0);
  a = mix(a, W.appendText(PCR_INITRD, EV_IPL, DIGEST, 0, "tshype initrd ", "initrd.cpio.gz") ? 1 : 0);
  sha256(IMAGE, 7, 333, DIGEST, 0);
  a = mix(a, W.append(PCR_DEVTREE, EV_IPL, DIGEST, 0, IMAGE, 40, opq(19)) ? 1 : 0);
  sha256(IMAGE, 0, 5, DIGEST, 0);
  a = mix(a, W.appendText(PCR_LABEL, EV_IPL, DIGEST, 0, "tshype label ", "linux") ? 1 : 0);
  a = mix(a, W.length());
  a = mix(a, W.areaSize());
  return mix(a, W.count());
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  let s = opq(0x1234567);
  for (let i = 0; i < IMAGE.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    IMAGE[i] = s >>> 16;
  }
  LENS[0] = textDataLength("tshype kernel ", "vmlinux");
  LENS[1] = textDataLength("tshype initrd ", "initrd.cpio.gz");
  LENS[2] = 19;
  LENS[3] = textDataLength("tshype label ", "linux");
  const area = eventLogAreaSize(LENS, opq(4));
  acc = mix(acc, area);
  // capacities around the exact size: too small refuses the last appends, exact and more fit
  for (let cap = area - 3; cap <= area + 1; cap++) {
    LOG.fill(0xa5);
    acc = writeLog(acc, opq(8), cap);
    for (let i = 0; i < LOG.length; i++) acc = mix(acc, LOG[i]);
  }
  acc = writeLog(acc, 0, opq(40));   // no room for the header: nothing written
  for (let le = 0; le < 2; le++) {
    PROP.fill(0);
    acc = mix(acc, putSmlBase(PROP, 0, opqU(0x0123456789abcdefn), le === 1) ? 1 : 0);
    acc = mix(acc, putSmlSize(PROP, 8, opq(0x89abcdef), le === 1) ? 1 : 0);
    acc = mix(acc, putSmlSize(PROP, 9, 1, le === 1) ? 1 : 0);
    for (let i = 0; i < PROP.length; i++) acc = mix(acc, PROP[i]);
  }
  return acc;
}
