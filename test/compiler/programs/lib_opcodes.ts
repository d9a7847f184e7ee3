// Helper module (no main): an exported const enum and functions that switch on it.
export const enum Opcode {
  Nop = 0,
  Add = 1,
  Sub = 2,
  Mul = 3,
  Shl = 4,
  Xor = 5,
  Halt = 0x3f,
}

export const OPCODE_COUNT = 6;

export function apply(op: Opcode, a: number, b: number): number {
  switch (op) {
    case Opcode.Add:
      return (a + b) | 0;
    case Opcode.Sub:
      return (a - b) | 0;
    case Opcode.Mul:
      return Math.imul(a, b);
    case Opcode.Shl:
      return a << (b & 31);
    case Opcode.Xor:
      return a ^ b;
    default:
      return a;
  }
}

export function cost(op: Opcode): number {
  return op === Opcode.Mul ? 3 : op === Opcode.Halt ? 0 : 1;
}
