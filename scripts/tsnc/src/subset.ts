/**
 * The subset checker, part one: syntax. Visits every node of every restricted source file and
 * refuses constructs outside docs/restricted-typescript.md with a message naming the construct
 * and what to write instead. Type-level rules (bigint kinds and wrapping, conditions, which
 * calls exist) are checked during lowering, where the kinds are known.
 */
import * as ts from 'typescript';
import { DiagnosticSink } from './diag';

const K = ts.SyntaxKind;

/** Nodes refused wherever they appear, with their message. */
const REFUSED: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [K.ArrowFunction, 'closures and arrow functions are not supported: declare a function'],
  [K.FunctionExpression, 'function expressions are not supported: declare a function'],
  [K.ClassExpression, 'class expressions are not supported: declare the class at module level'],
  [K.ThrowStatement, 'exceptions are not supported: return a status code (or call trap())'],
  [K.TryStatement, 'exceptions are not supported: return a status code'],
  [K.AwaitExpression, 'async code is not supported'],
  [K.YieldExpression, 'generators are not supported'],
  [K.AnyKeyword, "type 'any' is not supported: give the exact type"],
  [K.UnknownKeyword, "type 'unknown' is not supported: give the exact type"],
  [K.ObjectKeyword, "type 'object' is not supported: use a class"],
  [K.UnionType, 'union types are not supported'],
  [K.IntersectionType, 'intersection types are not supported'],
  [K.NullKeyword, "'null' is not supported: every reference points to an object"],
  [K.UndefinedKeyword, "'undefined' is not supported"],
  [K.ObjectLiteralExpression, 'object literals are not supported: use a class'],
  [K.DeleteExpression, "'delete' is not supported"],
  [K.TypeOfExpression, "'typeof' is not supported"],
  [K.VoidExpression, "'void' expressions are not supported"],
  [K.SpreadElement, 'spread is not supported'],
  [K.ObjectBindingPattern, 'destructuring is not supported'],
  [K.ArrayBindingPattern, 'destructuring is not supported'],
  [K.TemplateExpression, 'template literals are not supported: use a string literal'],
  [K.NoSubstitutionTemplateLiteral, 'template literals are not supported: use a string literal'],
  [K.TaggedTemplateExpression, 'template literals are not supported'],
  [K.ForInStatement, "'for…in' is not supported: use a counted for loop"],
  [K.ForOfStatement, "'for…of' is not supported: use a counted for loop"],
  [K.ModuleDeclaration, 'namespaces are not supported: use a module'],
  [K.InterfaceDeclaration, 'interfaces are not supported: use a class'],
  [K.HeritageClause, 'inheritance is not supported (no extends or implements)'],
  [K.AsExpression, "'as' casts are not supported: convert explicitly (BigInt.asUintN, >>> 0, …)"],
  [K.SatisfiesExpression, "'satisfies' is not supported"],
  [K.TypeAssertionExpression, 'type assertions are not supported'],
  [K.NonNullExpression, "non-null assertions ('!') are not supported"],
  [K.GetAccessor, 'getters are not supported: use a method'],
  [K.SetAccessor, 'setters are not supported: use a method'],
  [K.PrivateIdentifier, "'#' private names are not supported: use the 'private' keyword"],
  [K.IndexSignature, 'index signatures are not supported'],
  [K.RegularExpressionLiteral, 'regular expressions are not supported'],
  [K.WithStatement, "'with' is not supported"],
  [K.DebuggerStatement, "'debugger' is not supported"],
  [K.SuperKeyword, "'super' is not supported (no inheritance)"],
  [K.Decorator, 'decorators are not supported'],
  [K.ExportAssignment, "'export default' and 'export =' are not supported: use named exports"],
  [K.ImportEqualsDeclaration, "'import = require' is not supported: use import { … } from"],
  [K.NamespaceImport, "namespace imports are not supported: use import { … } from"],
  [K.MetaProperty, "'import.meta' and 'new.target' are not supported"],
  [K.FunctionType, 'function types are not supported: functions are not values'],
  [K.TypeLiteral, 'object types are not supported: use a class'],
  [K.TupleType, 'tuples are not supported'],
  [K.OptionalType, 'optional types are not supported'],
  [K.ConditionalType, 'conditional types are not supported'],
  [K.TypeQuery, "'typeof' types are not supported"],
  [K.LiteralType, 'literal types are not supported: use the base type'],
  [K.ClassStaticBlockDeclaration, 'static blocks are not supported: use module-level statements'],
]);

/** Binary operators refused, with their message. */
const REFUSED_OPERATORS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [K.EqualsEqualsToken, "'==' is not supported: use '==='"],
  [K.ExclamationEqualsToken, "'!=' is not supported: use '!=='"],
  [K.AsteriskAsteriskToken, "'**' is not supported (floating point)"],
  [K.AsteriskAsteriskEqualsToken, "'**=' is not supported (floating point)"],
  [K.SlashEqualsToken, "'/=' is not supported: write x = (x / y) | 0"],
  [K.InKeyword, "'in' is not supported"],
  [K.InstanceOfKeyword, "'instanceof' is not supported"],
  [K.QuestionQuestionToken, "'??' is not supported"],
  [K.QuestionQuestionEqualsToken, "'??=' is not supported"],
  [K.BarBarEqualsToken, "'||=' is not supported"],
  [K.AmpersandAmpersandEqualsToken, "'&&=' is not supported"],
  [K.CommaToken, 'the comma operator is not supported'],
]);

const REFUSED_MODIFIERS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [K.AsyncKeyword, 'async functions are not supported'],
  [K.StaticKeyword, "static members are not supported: use module-level 'const' or functions"],
  [K.AbstractKeyword, 'abstract classes are not supported'],
  [K.DefaultKeyword, "'export default' is not supported: use named exports"],
  [K.ProtectedKeyword, "'protected' is not supported (no inheritance)"],
  [K.OverrideKeyword, "'override' is not supported (no inheritance)"],
  [K.AccessorKeyword, "'accessor' is not supported"],
]);

/** Where a node sits, for the context-dependent rules. */
interface Context {
  /** Inside a function or method body (not a constructor or field initialiser). */
  inFunction: boolean;
  /** Inside a class body. */
  inClass: boolean;
}

/** Check the syntax of one restricted source file; every problem goes to `diags`. */
export function checkSubset(sf: ts.SourceFile, diags: DiagnosticSink): void {
  const visit = (node: ts.Node, ctx: Context): void => {
    checkNode(node, ctx, diags);
    ts.forEachChild(node, child => visit(child, childContext(node, ctx)));
  };
  for (const st of sf.statements) visit(st, { inFunction: false, inClass: false });
}

function childContext(node: ts.Node, ctx: Context): Context {
  if (ts.isClassDeclaration(node)) return { inFunction: false, inClass: true };
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return { ...ctx, inFunction: true };
  if (ts.isConstructorDeclaration(node) || ts.isPropertyDeclaration(node)) return { ...ctx, inFunction: false };
  return ctx;
}

function checkNode(node: ts.Node, ctx: Context, diags: DiagnosticSink): void {
  const refused = REFUSED.get(node.kind);
  if (refused) return diags.error(node, refused);
  if (ts.canHaveModifiers(node)) {
    for (const m of ts.getModifiers(node) ?? []) {
      const msg = REFUSED_MODIFIERS.get(m.kind);
      if (msg) diags.error(m, msg);
    }
  }
  if (ts.isBinaryExpression(node)) {
    const msg = REFUSED_OPERATORS.get(node.operatorToken.kind);
    if (msg) diags.error(node.operatorToken, msg);
  } else if (ts.isNumericLiteral(node)) {
    checkNumericLiteral(node, diags);
  } else if (ts.isStringLiteral(node)) {
    if (!/^[\x00-\x7f]*$/.test(node.text)) diags.error(node, 'string literals must be ASCII');
  } else if (ts.isVariableDeclarationList(node)) {
    if (!(node.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) diags.error(node, "'var' is not supported: use 'let' or 'const'");
  } else if (ts.isVariableDeclaration(node)) {
    if (!node.initializer && !isDeclareContext(node)) diags.error(node, 'a variable needs an initial value');
  } else if (ts.isParameter(node)) {
    checkParameter(node, diags);
  } else if (ts.isFunctionDeclaration(node)) {
    checkFunction(node, ctx, diags);
  } else if (ts.isMethodDeclaration(node)) {
    checkSignature(node, diags);
    if (node.asteriskToken) diags.error(node, 'generators are not supported');
    if (node.questionToken) diags.error(node, 'optional methods are not supported');
  } else if (ts.isPropertyDeclaration(node)) {
    if (node.questionToken || node.exclamationToken) diags.error(node, 'fields must be initialised: no ? or ! on fields');
  } else if (ts.isClassDeclaration(node)) {
    if (ctx.inFunction) diags.error(node, 'classes must be declared at module level');
    if (node.typeParameters) diags.error(node, 'generic classes are not supported');
  } else if (ts.isEnumDeclaration(node)) {
    const isConst = ts.getModifiers(node)?.some(m => m.kind === K.ConstKeyword);
    if (!isConst) diags.error(node, "only 'const enum' is supported");
  } else if (ts.isNewExpression(node)) {
    if (ctx.inFunction) diags.error(node, "'new' is only allowed at initialisation: module level, field initialisers and constructors");
  } else if (ts.isCallExpression(node)) {
    checkCall(node, ctx, diags);
  } else if (node.kind === K.ThisKeyword) {
    if (!ctx.inClass) diags.error(node, "'this' is only allowed in class members");
  } else if (ts.isIdentifier(node) && node.text === 'arguments' && ts.isExpression(node)) {
    diags.error(node, "'arguments' is not supported");
  } else if (ts.isImportDeclaration(node)) {
    if (!node.importClause) diags.error(node, 'side-effect imports are not supported: import what you use');
  } else if (ts.isLabeledStatement(node)) {
    if (!isLoop(node.statement)) diags.error(node, 'labels are only supported on loops');
  }
  if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && node.questionDotToken) {
    diags.error(node, "optional chaining ('?.') is not supported");
  }
}

function isLoop(s: ts.Statement): boolean {
  return ts.isForStatement(s) || ts.isWhileStatement(s) || ts.isDoStatement(s);
}

function isDeclareContext(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some(m => m.kind === K.DeclareKeyword)) return true;
  }
  return false;
}

function checkNumericLiteral(node: ts.NumericLiteral, diags: DiagnosticSink): void {
  const v = Number(node.text);
  if (!Number.isInteger(v)) diags.error(node, 'floating-point literals are not supported: numbers are integers');
  else if (!Number.isSafeInteger(v)) diags.error(node, 'integer literal beyond 2^53: use a bigint literal (123n)');
}

function checkParameter(node: ts.ParameterDeclaration, diags: DiagnosticSink): void {
  if (node.dotDotDotToken) diags.error(node, 'rest parameters are not supported');
  if (node.questionToken) diags.error(node, 'optional parameters are not supported');
  if (node.initializer) diags.error(node, 'default parameter values are not supported');
  if (!node.type) diags.error(node, 'parameter needs a type');
  if (ts.getModifiers(node)?.some(m => m.kind === K.PublicKeyword || m.kind === K.PrivateKeyword || m.kind === K.ReadonlyKeyword)) {
    diags.error(node, 'parameter properties are not supported: declare the field and assign it');
  }
}

function checkSignature(node: ts.FunctionDeclaration | ts.MethodDeclaration, diags: DiagnosticSink): void {
  if (!node.type) diags.error(node.name ?? node, 'function needs a declared return type');
  if (node.typeParameters) diags.error(node.typeParameters[0], 'generic functions are not supported');
}

function checkFunction(node: ts.FunctionDeclaration, ctx: Context, diags: DiagnosticSink): void {
  if (ctx.inFunction || ctx.inClass) diags.error(node, 'functions must be declared at module level (no nested functions)');
  if (node.asteriskToken) diags.error(node, 'generators are not supported');
  checkSignature(node, diags);
  if (!node.body && !isDeclareContext(node)) diags.error(node, 'function overloads are not supported');
}

function checkCall(node: ts.CallExpression, ctx: Context, diags: DiagnosticSink): void {
  if (node.questionDotToken) diags.error(node, "optional chaining ('?.') is not supported");
  if (node.expression.kind === K.ImportKeyword) diags.error(node, 'dynamic import is not supported');
  if (ts.isIdentifier(node.expression) && node.expression.text === 'pool' && ctx.inFunction) {
    diags.error(node, "'pool' is only allowed at initialisation: module level, field initialisers and constructors");
  }
  if (node.typeArguments) diags.error(node.typeArguments[0], 'explicit type arguments are not supported');
}
