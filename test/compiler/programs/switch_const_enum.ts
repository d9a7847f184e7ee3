// switch on a const enum (number members, explicit, implicit and computed), enum arithmetic.
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

const enum State {
  Idle,
  Running,
  Blocked = 10,
  Waiting,
  Done = -1,
  Mask = Running | Waiting,
}

function nextState(s: State, tick: number): State {
  switch (s) {
    case State.Idle:
      return State.Running;
    case State.Running:
      if ((tick & 3) === 0) return State.Blocked;
      return (tick & 7) === 5 ? State.Waiting : State.Running;
    case State.Blocked:
    case State.Waiting:
      return tick % 5 === 0 ? State.Running : s;
    default:
      return State.Idle;
  }
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  acc = mix(acc, State.Idle + State.Running * 10 + State.Blocked * 100 + State.Waiting * 1000);
  acc = mix(acc, State.Done);
  acc = mix(acc, State.Mask);
  let s = State.Idle;
  let done = 0;
  for (let t = 0; t < opq(500); t++) {
    s = nextState(s, t);
    if (t % 97 === 96) s = State.Done;
    if (s === State.Done) done++;
    acc = mix(acc, s);
    acc = mix(acc, s & State.Mask);
  }
  acc = mix(acc, done);
  return acc;
}
