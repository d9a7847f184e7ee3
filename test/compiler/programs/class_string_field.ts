// Strings in fields, parameters and locals: .length and .charCodeAt(i).
import type { u64 } from "tsnc";
import { opq } from "./lib_opaque";

function mix(acc: u64, x: number): u64 {
  return BigInt.asUintN(64, (acc ^ BigInt.asUintN(64, BigInt(x))) * 0x100000001b3n);
}

class Named {
  name: string;
  code: number;
  constructor(name: string, code: number) {
    this.name = name;
    this.code = code;
  }
  checksum(): number {
    let h = this.code;
    for (let i = 0; i < this.name.length; i++) h = (Math.imul(h, 31) + this.name.charCodeAt(i)) | 0;
    return h;
  }
}

const ALL: Named[] = [new Named("alpha", 1), new Named("beta", 2), new Named("", 3), new Named("gamma delta", 4)];

function longest(list: Named[]): string {
  let best = list[0].name;
  for (let i = 1; i < list.length; i++) {
    if (list[i].name.length > best.length) best = list[i].name;
  }
  return best;
}

export function main(): u64 {
  let acc: u64 = 0xcbf29ce484222325n;
  for (let i = 0; i < ALL.length; i++) {
    acc = mix(acc, ALL[opq(i)].name.length);
    acc = mix(acc, ALL[opq(i)].checksum());
  }
  const l = longest(ALL);
  ALL[opq(1)].code += opq(0);
  acc = mix(acc, l.length);
  acc = mix(acc, l.charCodeAt(l.length - 1));
  const saved = ALL[0].name;
  ALL[0].name = ALL[3].name;
  acc = mix(acc, ALL[0].checksum());
  ALL[0].name = saved;
  return acc;
}
