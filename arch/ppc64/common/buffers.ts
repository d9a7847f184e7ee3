/**
 * Real addresses of typed-array data, for buffers handed to firmware (PAPR hcalls, RTAS, OPAL).
 * Defined in common/boot.S: the image runs untranslated at its link address, so the address of
 * an element in the hypervisor's own data is its real address. Native only (no Node body).
 */
import type { u64 } from 'tsnc';
import type { Partition } from '../../../lpar/partition';
import type { Vcpu } from '../../../lpar/vcpu';

/** Real address of `a[0]`. */
export declare function bytesAddress(a: Uint8Array): u64;
/** Real address of `a[0]` (big-endian 32-bit words). */
export declare function wordsAddress(a: Uint32Array): u64;
/** Real address of `a[0]` (big-endian 64-bit doublewords). */
export declare function doublewordsAddress(a: BigUint64Array): u64;
/** Real address of a vCPU object (its first field). */
export declare function vcpuAddress(v: Vcpu): u64;
/** Real address of a partition object (its first field). */
export declare function partitionAddress(p: Partition): u64;
/** The vCPU at `address`, an address vcpuAddress returned (for a back end that keeps one). */
export declare function vcpuAt(address: u64): Vcpu;
