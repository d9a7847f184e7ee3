// Helper module (no main): re-exports with `export { x } from`.
export { Rect, perimeter } from "./lib_shapes";
export { pow3, POW3 } from "./lib_tables";
export { Opcode } from "./lib_opcodes";
