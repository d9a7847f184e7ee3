/**
 * Test partition: calls every hcall the hypervisor implements with good and bad arguments,
 * checks each status, prints a summary and halts with the number of failures.
 */
import { load32, store32, type u64 } from 'tsnc';
import {
  H_CEDE, H_CONFER, H_GET_TERM_CHAR, H_PROD, H_PUT_TERM_CHAR, H_RANDOM, H_REGISTER_PROC_TBL, H_RTAS,
  H_SET_MODE, H_SUCCESS, VTY, hcall, hcallOut, printNumber, println,
} from './lib';

const H_FUNCTION: u64 = BigInt.asUintN(64, -2n);
const H_PARAMETER: u64 = BigInt.asUintN(64, -4n);
const H_P2: u64 = BigInt.asUintN(64, -55n);
const H_UNSUPPORTED_FLAG: u64 = BigInt.asUintN(64, -256n);

/** RTAS tokens, as the partition's /rtas node lists them. */
const RTAS_DISPLAY_CHARACTER = 0x2000;
const RTAS_GET_TIME_OF_DAY = 0x2001;

/** RTAS argument buffer at a fixed partition address (inside this 16+ MiB partition). */
const RTAS_BUF: u64 = 0x800000n;
/** A 4 KiB-aligned process table location inside the partition. */
const PROC_TABLE: u64 = 0x900000n;

let failures = 0;
let checks = 0;

function expectStatus(what: string, got: u64, want: u64): void {
  checks++;
  if (got !== want) {
    failures++;
    println(what);
    printNumber('  unexpected status, low 32 bits: ', Number(got & 0xffffffffn));
  }
}

function call(op: u64, a1: u64, a2: u64, a3: u64, a4: u64): u64 {
  return hcall(op, a1, a2, a3, a4, 0n, 0n, 0n);
}

function rtas(token: number, nargs: number, nret: number, arg0: number): u64 {
  store32(RTAS_BUF, token);
  store32(RTAS_BUF + 4n, nargs);
  store32(RTAS_BUF + 8n, nret);
  store32(RTAS_BUF + 12n, arg0);
  return call(H_RTAS, RTAS_BUF, 0n, 0n, 0n);
}

export function guestMain(_fdt: u64): u64 {
  println('hcall tour');
  expectStatus('put_term_char', call(H_PUT_TERM_CHAR, VTY, 3n, 0x6f6b0a0000000000n, 0n), H_SUCCESS);
  expectStatus('put_term_char termno 0', call(H_PUT_TERM_CHAR, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('put_term_char bad termno', call(H_PUT_TERM_CHAR, 0x1234n, 1n, 0n, 0n), H_PARAMETER);
  expectStatus('put_term_char too long', call(H_PUT_TERM_CHAR, VTY, 17n, 0n, 0n), H_PARAMETER);
  expectStatus('get_term_char', call(H_GET_TERM_CHAR, VTY, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('get_term_char returns nothing', hcallOut(0n), 0n);
  expectStatus('random', call(H_RANDOM, 0n, 0n, 0n, 0n), H_SUCCESS);
  const r1 = hcallOut(0n);
  call(H_RANDOM, 0n, 0n, 0n, 0n);
  expectStatus('random twice differs', r1 === hcallOut(0n) ? 1n : 0n, 0n);
  expectStatus('set_mode LE bad flags', call(H_SET_MODE, 7n, 4n, 0n, 0n), H_UNSUPPORTED_FLAG);
  expectStatus('set_mode unknown resource', call(H_SET_MODE, 0n, 99n, 0n, 0n), H_P2);
  expectStatus('set_mode big-endian interrupts', call(H_SET_MODE, 0n, 4n, 0n, 0n), H_SUCCESS);
  expectStatus('cede', call(H_CEDE, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('prod self', call(H_PROD, 0n, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('prod bad vcpu', call(H_PROD, 5n, 0n, 0n, 0n), H_PARAMETER);
  expectStatus('confer', call(H_CONFER, 0xffffffffffffffffn, 0n, 0n, 0n), H_SUCCESS);
  expectStatus('register_proc_tbl radix', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n | 0x1n, PROC_TABLE, 0n, 0n), H_SUCCESS);
  expectStatus('register_proc_tbl misaligned', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n, PROC_TABLE + 8n, 0n, 0n), H_PARAMETER);
  expectStatus('register_proc_tbl outside', call(H_REGISTER_PROC_TBL, 0x18n | 0x4n, 0x40000000n, 0n, 0n), H_PARAMETER);
  expectStatus('register_proc_tbl hash', call(H_REGISTER_PROC_TBL, 0x18n, PROC_TABLE, 0n, 0n), H_PARAMETER);
  expectStatus('rtas display-character', rtas(RTAS_DISPLAY_CHARACTER, 1, 1, 0x2a), H_SUCCESS);
  expectStatus('rtas get-time-of-day', rtas(RTAS_GET_TIME_OF_DAY, 0, 8, 0), H_SUCCESS);
  expectStatus('rtas get-time-of-day year', load32(RTAS_BUF + 16n) >= 1970 ? 0n : 1n, 0n);
  expectStatus('rtas unknown token', rtas(0x7777, 0, 1, 0), H_PARAMETER);
  expectStatus('rtas buffer outside partition', call(H_RTAS, 0x40000000n, 0n, 0n, 0n), H_PARAMETER);
  expectStatus('unknown hcall', call(0x4n, 0n, 0n, 0n, 0n), H_FUNCTION);
  expectStatus('misaligned opcode', call(0x59n, 0n, 0n, 0n, 0n), H_FUNCTION);
  println('');
  printNumber('checks: ', checks);
  printNumber('failures: ', failures);
  return BigInt(failures);
}
