/**
 * The subset checker: every construct outside docs/restricted-typescript.md is refused with
 * `file:line:col: message`, and nothing is refused twice or by accident.
 */
import { expect } from 'chai';
import { lowerSnippets, SnippetResult } from './helpers';

const HEAD = "import { type u64, type i64, mfspr, pool } from 'tsnc';\nclass P { x = 0; constructor(i: number) { this.x = i; } }\n// the construct under test is on line 4\n";

/** name -> [code after HEAD, expected message fragment] (the offending construct is on line 4). */
const REFUSED: Record<string, [string, string]> = {
  arrow: ['const f = (x: number): number => x;', 'closures and arrow functions are not supported'],
  functionExpression: ['const f = function (x: number): number { return x; };', 'function expressions are not supported'],
  throwStatement: ['export function f(): void { throw 1; }', 'exceptions are not supported'],
  tryStatement: ['export function f(): void { try { } finally { } }', 'exceptions are not supported'],
  asyncFunction: ['export async function f(): Promise<void> { }', 'async functions are not supported'],
  anyType: ['export function f(x: any): number { return 0; }', "type 'any' is not supported"],
  unionType: ['export function f(x: number | boolean): number { return 0; }', 'union types are not supported'],
  nullValue: ['let p: P = null!;', "'null' is not supported"],
  objectLiteral: ['const o = { a: 1 };', 'object literals are not supported'],
  floatLiteral: ['const x = 1.5;', 'floating-point literals are not supported'],
  hugeLiteral: ['const x = 9007199254740993;', 'integer literal beyond 2^53'],
  exponent: ['const x = 2 ** 3;', "'**' is not supported"],
  bareDivision: ['export function f(a: number, b: number): number { return a / b; }', "'/' gives a fraction"],
  looseEquality: ['export function f(a: number): boolean { return a == 1; }', "'==' is not supported"],
  varDeclaration: ['var x = 1;', "'var' is not supported"],
  destructuring: ['const p = new P(1); const { x } = p;', 'destructuring is not supported'],
  spread: ['export function g(a: number, b: number): number { return a + b; } export function f(): number { const a = new Int32Array(2); return g(...a); }', 'spread is not supported'],
  templateLiteral: ['const s = `x`;', 'template literals are not supported'],
  forOf: ['export function f(a: Uint8Array): number { let s = 0; for (const x of a) s += x; return s; }', "'for…of' is not supported"],
  forIn: ['export function f(p: P): void { for (const k in p) { } }', "'for…in' is not supported"],
  plainEnum: ['enum E { A, B }', "only 'const enum' is supported"],
  namespace: ['namespace N { }', 'namespaces are not supported'],
  inheritance: ['class Q extends P { }', 'inheritance is not supported'],
  newInFunction: ['export function f(): number { const p = new P(1); return p.x; }', "'new' is only allowed at initialisation"],
  poolInFunction: ['export function f(): number { return pool(2, P).length; }', "'pool' is only allowed at initialisation"],
  asCast: ['export function f(x: number): number { return x as number; }', "'as' casts are not supported"],
  nonNull: ['export function f(p: P): number { return p!.x; }', "non-null assertions ('!') are not supported"],
  getter: ['class Q { get x(): number { return 1; } }', 'getters are not supported'],
  staticMember: ['class Q { static n = 1; }', 'static members are not supported'],
  privateName: ['class Q { #n = 1; }', "'#' private names are not supported"],
  interfaceDecl: ['interface I { a: number }', 'interfaces are not supported'],
  typeofExpr: ['export function f(x: number): boolean { return typeof x === "number"; }', "'typeof' is not supported"],
  deleteExpr: ['export function f(p: P): void { delete (p as P).x; }', "'delete' is not supported"],
  instanceofExpr: ['export function f(p: P): boolean { return p instanceof P; }', "'instanceof' is not supported"],
  inOperator: ['export function f(p: P): boolean { return "x" in p; }', "'in' is not supported"],
  optionalChain: ['export function f(p: P): number { return p?.x; }', "optional chaining ('?.') is not supported"],
  nullish: ['export function f(a: number, b: number): number { return a ?? b; }', "'??' is not supported"],
  comma: ['export function f(a: number): number { let b = 0; b = (a, 2); return b; }', 'the comma operator is not supported'],
  defaultParam: ['export function f(a: number = 1): number { return a; }', 'default parameter values are not supported'],
  optionalParam: ['export function f(a?: number): number { return 0; }', 'optional parameters are not supported'],
  restParam: ['export function f(...a: number[]): number { return 0; }', 'rest parameters are not supported'],
  noReturnType: ['export function f(a: number) { return a; }', 'function needs a declared return type'],
  nestedFunction: ['export function f(): number { function g(): number { return 1; } return g(); }', 'functions must be declared at module level'],
  genericFunction: ['export function f<T>(a: T): T { return a; }', 'generic functions are not supported'],
  numberCondition: ['export function f(a: number): number { if (a) return 1; return 0; }', 'condition must be boolean'],
  unwrappedAdd: ['export function f(a: u64, b: u64): u64 { return a + b; }', "bigint '+' must be wrapped in BigInt.asUintN(64, …)"],
  unwrappedShift: ['export function f(a: u64): u64 { return a << 3n; }', "bigint '<<' must be wrapped"],
  unwrappedNegate: ['export function f(a: i64): i64 { return -a; }', "bigint '-' must be wrapped"],
  mixedSignedness: ['export function f(a: u64, b: i64): boolean { return a < b; }', 'mixing u64 and i64'],
  signedAsUnsigned: ['export function f(a: i64): u64 { return a; }', 'cannot use i64 as u64'],
  signedShiftCount: ['export function f(a: u64, n: i64): u64 { return a >> n; }', 'a bigint shift count must be u64'],
  constantRange: ['const x: u64 = -1n;', 'constant -1n does not fit u64'],
  bigintIncrement: ['export function f(a: u64): u64 { a++; return a; }', "bigint '++'/'--' is only allowed on BigUint64Array"],
  bigintCompound: ['export function f(a: u64): u64 { a += 1n; return a; }', "bigint '+=' is only allowed on BigUint64Array"],
  numberArray: ['export function f(a: number[]): number { return 0; }', 'arrays of number are not supported: use a typed array'],
  mathSqrt: ['export function f(a: number): number { return Math.sqrt(a); }', 'Math.sqrt is not supported'],
  functionValue: ['export function g(): number { return 1; } export function f(): number { const h = g; return 0; }', 'functions are not values'],
  stringCompare: ['export function f(a: string, b: string): boolean { return a === b; }', 'strings cannot be compared'],
  nonAscii: ['const s = "caf\u00e9";', 'string literals must be ASCII'],
  duplicateCase: ['export function f(a: number): number { switch (a) { case 1: return 1; case 1: return 2; } return 0; }', 'duplicate case label'],
  variableCase: ['export function f(a: number, b: number): number { switch (a) { case b: return 1; } return 0; }', 'case labels must be constants'],
  labelNotLoop: ['export function f(): void { l: { break l; } }', 'labels are only supported on loops'],
  parameterProperty: ['class Q { constructor(public a: number) { } }', 'parameter properties are not supported'],
  noInitialiser: ['export function f(): number { let a: number; a = 1; return a; }', 'a variable needs an initial value'],
  sprNotConstant: ['export function f(n: number): u64 { return mfspr(n); }', 'the SPR number must be a compile-time constant'],
  thisOutsideClass: ['export function f(): number { return this.x; }', "'this' is only allowed in class members"],
  optionalField: ['class Q { a?: number; }', 'fields must be initialised'],
  floatDivAssign: ['export function f(a: number): number { a /= 2; return a; }', "'/=' is not supported"],
  mathTruncNoDivision: ['export function f(a: number): number { return Math.trunc(a); }', 'Math.trunc is only supported on a division'],
  i64Unsigned: ['export function f(a: u64): i64 { return a; }', 'cannot use u64 as i64'],
  wrappedStoreValue: ['export function f(a: BigUint64Array): u64 { return ++a[0]; }', 'the value of a store into a BigUint64Array/BigInt64Array element is not wrapped in JS'],
  wrappedAssignValue: ['export function f(a: BigUint64Array, x: u64): u64 { const v = (a[0] = BigInt.asUintN(64, x + 1n)); return v; }', 'the value of a store into a BigUint64Array'],
};

describe('tsnc checker', () => {
  let results: Map<string, SnippetResult>;
  before(function () {
    this.timeout(120_000);
    const snippets: Record<string, string> = { accepted: `${HEAD}export function ok(a: u64, b: i64): u64 { return BigInt.asUintN(64, a + BigInt.asUintN(64, b)); }\n` };
    for (const [name, [code]] of Object.entries(REFUSED)) snippets[name] = HEAD + code + '\n';
    results = lowerSnippets(snippets);
  });

  it('check: accepts a program inside the subset with no message', () => {
    expect(results.get('accepted')!.messages).to.deep.equal([]);
  });

  for (const [name, [, fragment]] of Object.entries(REFUSED)) {
    it(`check: refuses ${name} with "${fragment}"`, () => {
      const msgs = results.get(name)!.messages;
      const hit = msgs.find(m => m.includes(fragment));
      expect(hit, `messages were:\n${msgs.join('\n')}`).to.be.a('string');
      expect(hit!).to.match(new RegExp(`^${name}\\.ts:4:\\d+: `), 'reported at file:line:col of the construct');
    });
  }
});
