/**
 * The vocabulary of sHype decisions, shared by the policy engine (shype/policy.ts), the decision
 * cache (shype/cache.ts), the audit log (shype/audit.ts) and the hypervisor's gate.
 *
 * A decision is asked as (subject, object, operation):
 *   subject   the ssidref of the calling partition's label (1..MAX_LABELS; 0 is "no label"),
 *             or CONFIGURATION for the boot configuration launching its partitions
 *   object    the ssidref of the object's label, or NO_OBJECT for operations on a class
 *             (the hcall classes, which have no object)
 *   operation one of Op below
 * and answered as a Decision number: bit 0 = allowed, bits 1.. = the index of the rule that
 * decided (in the loaded policy's rule table; 0 = the built-in default).
 */

/** Most labels a policy may define (ssidrefs 1..MAX_LABELS). */
export const MAX_LABELS = 64;
/** The object of an operation that has none (hcall classes). */
export const NO_OBJECT = 0;
/**
 * The built-in subject that stands for the boot configuration built into the measured image
 * (lpar/configs/<name>.ts): the hypervisor asks as CONFIGURATION when it creates, starts and
 * destroys the configured partitions at boot. Never a label of a policy (those are
 * 1..MAX_LABELS); below 256, so its decisions are cached like any other, and within the 16 bits
 * of an audit record's subject. Policies grant or deny it with `configuration launches ...`
 * (docs/policy-language.md).
 */
export const CONFIGURATION = 255;

/** Operations a policy decides on. The first six are the hcall classes of hcalls/table.ts. */
export const enum Op {
  HcallConsole = 0,
  HcallProcessor = 1,
  HcallPlatform = 2,
  HcallMemory = 3,
  HcallRtas = 4,
  HcallLifecycle = 5,
  /** Management: create a partition (object: the new partition's label). */
  CreatePartition = 6,
  /**
   * Management: start a partition (object: its label). Asked with NO_OBJECT, it is the Chinese
   * Wall question of the subject's own start: may a partition with this label run now?
   */
  StartPartition = 7,
  /** Management: destroy a partition (object: its label). */
  DestroyPartition = 8,
  /** Management: replace the policy. */
  ReloadPolicy = 9,
  /** Management: read the audit log. */
  ReadAudit = 10,
  /** Mediated sharing: open a virtual I/O channel (CRQ) to the object's partition or service. */
  OpenChannel = 11,
  /** Mediated sharing: deliver a logical-LAN frame to a segment or partition (write to object). */
  SendFrame = 12,
  /** Mediated sharing: read from a shared channel or memory region (read from object). */
  ReadShared = 13,
  /** Mediated sharing: map memory shared with the object. */
  ShareMemory = 14,
  /** Bind a vTPM instance (object: the vTPM service label). */
  BindVtpm = 15,
}

/** Number of operations (for tables indexed by Op). */
export const OP_COUNT = 16;

/** A decision that allows. */
export function allows(decision: number): boolean {
  return (decision & 1) !== 0;
}

/** The rule index of a decision. */
export function ruleOf(decision: number): number {
  return decision >>> 1;
}

/** Make a decision number from a verdict and the deciding rule's index. */
export function decision(allow: boolean, rule: number): number {
  return (rule << 1) | (allow ? 1 : 0);
}
