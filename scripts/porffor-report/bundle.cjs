// Bundles a restricted-TypeScript program and everything it imports (its relative imports and
// the "tsnc" library in scripts/tsnc/lib) into one self-contained file, for compilers that take
// a single script (porffor). Scope hoisting, no module wrappers: the modules are concatenated in
// evaluation order (imports first, depth first, as ES modules run), import/export syntax is
// removed, and every top-level name that two modules share is renamed apart (`name$N`), using
// the TypeScript 5.9 checker to find which declaration each identifier refers to. The entry
// module keeps its names, so `main` stays `main`. References to const enum members are
// replaced by their values and the enum declarations become `declare const enum` (no code),
// so the output has no enum objects. Library modules are tree-shaken: only declarations that
// the program reaches are kept (host.ts, with its Map-based simulated machine, only appears
// when a program uses memory/SPR intrinsics). Program modules are kept whole.
//
//   const { createBundler } = require('./bundle.cjs');
//   const b = createBundler(['/abs/prog1.ts', ...]);   // one checker for all entries
//   const { ts, js, modules } = b.bundle('/abs/prog1.ts', trailer);
//
// `ts` is the bundled TypeScript, `js` the same with types stripped by transpileModule.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const ts = require(path.join(ROOT, 'node_modules', 'typescript'));
const LIB = path.join(ROOT, 'scripts', 'tsnc', 'lib');
const ALIASES = { tsnc: path.join(LIB, 'index.ts'), 'tsnc/host': path.join(LIB, 'host.ts') };

const isLib = (file) => path.dirname(file) === LIB;

/** Resolve an import specifier the way scripts/tsnc/register.cjs does (plus .ts extensions). */
function resolveSpecifier(spec, fromFile) {
  if (Object.prototype.hasOwnProperty.call(ALIASES, spec)) return ALIASES[spec];
  if (!spec.startsWith('.')) throw new Error(`${fromFile}: unsupported import "${spec}"`);
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(js|cjs|mjs)$/, '');
  for (const c of [base, stem + '.ts', stem + '.tsx', path.join(base, 'index.ts')]) {
    if (c.endsWith('.ts') && fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  throw new Error(`${fromFile}: cannot resolve import "${spec}"`);
}

function moduleSpecifiers(sf) {
  const out = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier &&
        ts.isStringLiteral(st.moduleSpecifier)) out.push(st.moduleSpecifier.text);
    if (ts.isImportEqualsDeclaration(st)) throw new Error(`${sf.fileName}: import = require() is not supported`);
  }
  return out;
}

/** All files reachable from the entries, via a quick parse (no checker). */
function closure(entries) {
  const seen = new Set();
  const stack = entries.map((f) => path.resolve(f));
  while (stack.length) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    let sf;
    try { sf = ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true); } catch { continue; }
    for (const spec of moduleSpecifiers(sf)) {
      try { stack.push(resolveSpecifier(spec, f)); } catch { /* reported when that program is bundled */ }
    }
  }
  return [...seen];
}

function hasModifier(node, kind) {
  return !!(ts.canHaveModifiers(node) && ts.getModifiers(node) || []).some((m) => m.kind === kind);
}

/** Names a top-level statement declares (identifier nodes). */
function declaredNames(st) {
  if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) ||
       ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isModuleDeclaration(st)) &&
      st.name && ts.isIdentifier(st.name)) return [st.name];
  if (ts.isVariableStatement(st)) {
    const out = [];
    const visit = (n) => {
      if (ts.isIdentifier(n)) out.push(n);
      else if (ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n)) {
        for (const el of n.elements) if (!ts.isOmittedExpression(el)) visit(el.name);
      }
    };
    for (const d of st.declarationList.declarations) visit(d.name);
    return out;
  }
  return [];
}

function createBundler(entries) {
  const files = closure(entries);
  const options = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, noLib: true, types: [],
    noEmit: true, allowJs: false, skipLibCheck: true, noResolve: false,
  };
  const host = ts.createCompilerHost(options, true);
  host.resolveModuleNames = (names, containing) => names.map((n) => {
    try { return { resolvedFileName: resolveSpecifier(n, containing), extension: ts.Extension.Ts, isExternalLibraryImport: false }; }
    catch { return undefined; }
  });
  const program = ts.createProgram(files, options, host);
  const checker = program.getTypeChecker();

  const norm = (sym) => {
    if (!sym) return undefined;
    if (sym.flags & ts.SymbolFlags.Alias) {
      try { sym = checker.getAliasedSymbol(sym); } catch { return undefined; }
    }
    try { sym = checker.getExportSymbolOfSymbol(sym); } catch { /* keep */ }
    return sym;
  };

  /** Per file: top-level statements with their declared symbols and referenced top-level symbols. */
  const info = new Map();
  const topOwner = new Map(); // symbol -> file
  for (const f of files) {
    const sf = program.getSourceFile(f);
    for (const st of sf.statements) {
      for (const id of declaredNames(st)) {
        const s = norm(checker.getSymbolAtLocation(id));
        if (s && !topOwner.has(s)) topOwner.set(s, f);
      }
    }
  }

  function analyse(f) {
    if (info.has(f)) return info.get(f);
    const sf = program.getSourceFile(f);
    const deps = [];
    for (const spec of moduleSpecifiers(sf)) deps.push(resolveSpecifier(spec, f));
    const stmts = [];
    for (const st of sf.statements) {
      const rec = { node: st, declares: [], refs: new Set(), idents: [], enumRefs: [], drop: false };
      if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) rec.drop = true;
      else if (ts.isExportAssignment(st)) throw new Error(`${f}: export default/export = is not supported`);
      for (const id of declaredNames(st)) {
        const s = norm(checker.getSymbolAtLocation(id));
        if (s) rec.declares.push(s);
      }
      if (!rec.drop) {
        const visit = (n) => {
          if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n))) {
            const v = constEnumValue(n);
            if (v !== undefined) { rec.enumRefs.push({ node: n, value: v }); return; }
          }
          if (ts.isIdentifier(n)) {
            let s;
            let shorthand = false;
            if (n.parent && ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n) {
              s = norm(checker.getShorthandAssignmentValueSymbol(n.parent));
              shorthand = true;
            } else s = norm(checker.getSymbolAtLocation(n));
            if (s && topOwner.has(s)) { rec.refs.add(s); rec.idents.push({ node: n, sym: s, shorthand }); }
          }
          ts.forEachChild(n, visit);
        };
        visit(st);
      }
      stmts.push(rec);
    }
    const r = { file: f, sf, deps, stmts };
    info.set(f, r);
    return r;
  }

  function constEnumValue(n) {
    const target = ts.isPropertyAccessExpression(n) ? n.name : n.argumentExpression;
    const sym = checker.getSymbolAtLocation(target);
    if (!sym || !(sym.flags & ts.SymbolFlags.EnumMember)) return undefined;
    const decl = sym.valueDeclaration;
    if (!decl || !decl.parent || !ts.isEnumDeclaration(decl.parent)) return undefined;
    if (!hasModifier(decl.parent, ts.SyntaxKind.ConstKeyword)) return undefined;
    const v = checker.getConstantValue(decl);
    return v;
  }

  function bundle(entry, trailer = '') {
    entry = path.resolve(entry);
    // evaluation order: depth-first post-order over imports
    const order = [];
    const seen = new Set();
    const walk = (f) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const d of analyse(f).deps) walk(d);
      order.push(f);
    };
    walk(entry);

    // which statements to keep: everything in program modules, reachable declarations in lib
    const keep = new Set();
    const declStmts = new Map(); // symbol -> [rec]
    for (const f of order) {
      for (const rec of info.get(f).stmts) {
        for (const s of rec.declares) {
          if (!declStmts.has(s)) declStmts.set(s, []);
          declStmts.get(s).push(rec);
        }
      }
    }
    const queue = [];
    for (const f of order) {
      if (isLib(f)) continue;
      for (const rec of info.get(f).stmts) if (!rec.drop) queue.push(rec);
    }
    while (queue.length) {
      const rec = queue.pop();
      if (keep.has(rec)) continue;
      keep.add(rec);
      for (const s of rec.refs) for (const r of declStmts.get(s) || []) if (!r.drop && !keep.has(r)) queue.push(r);
    }

    // names: the entry keeps its own; a name declared by more than one kept module gets $index
    const owners = new Map(); // name -> Set(file)
    const kept = order.map((f) => ({ f, recs: info.get(f).stmts.filter((r) => keep.has(r)) }));
    for (const { f, recs } of kept) {
      for (const r of recs) for (const s of r.declares) {
        if (!owners.has(s.name)) owners.set(s.name, new Set());
        owners.get(s.name).add(f);
      }
    }
    const nameOf = new Map();
    for (const { f, recs } of kept) {
      const idx = order.indexOf(f);
      for (const r of recs) for (const s of r.declares) {
        const clash = owners.get(s.name).size > 1 && f !== entry;
        nameOf.set(s, clash ? `${s.name}$${idx}` : s.name);
      }
    }

    const tsParts = [];
    const jsParts = [];
    const modules = [];
    for (const { f, recs } of kept) {
      if (recs.length === 0) continue;
      const { sf } = info.get(f);
      const rel = isLib(f) ? `tsnc/lib/${path.basename(f)}` : path.relative(path.dirname(entry), f) || path.basename(f);
      modules.push(rel);
      const chunk = recs.map((rec) => emitStatement(sf, rec, nameOf)).join('\n') + '\n';
      tsParts.push(`// ---- ${rel}\n${chunk}`);
      const js = transpile(chunk, rel);
      if (js.trim()) jsParts.push(`// ---- ${rel}\n${js}`);
    }
    if (trailer) { tsParts.push(trailer + '\n'); jsParts.push(trailer + '\n'); }
    return { ts: tsParts.join(''), js: jsParts.join(''), modules };
  }

  function transpile(text, rel) {
    const r = ts.transpileModule(text, {
      fileName: 'bundle.ts',
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
      reportDiagnostics: true,
    });
    const diags = (r.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (diags.length) throw new Error(`transpile ${rel}: ` + ts.flattenDiagnosticMessageText(diags[0].messageText, ' '));
    return r.outputText;
  }

  function emitStatement(sf, rec, nameOf) {
    const st = rec.node;
    const start = st.getStart(sf);
    const text = sf.text;
    const edits = [];
    // export / default modifiers go; const enums become declarations without code
    if (ts.canHaveModifiers(st)) {
      for (const m of ts.getModifiers(st) || []) {
        if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
          let end = m.end;
          while (end < text.length && /\s/.test(text[end])) end++;
          edits.push({ pos: m.getStart(sf), end, text: '' });
        }
      }
      if (ts.isEnumDeclaration(st) && hasModifier(st, ts.SyntaxKind.ConstKeyword) &&
          !hasModifier(st, ts.SyntaxKind.DeclareKeyword)) {
        const c = ts.getModifiers(st).find((m) => m.kind === ts.SyntaxKind.ConstKeyword);
        edits.push({ pos: c.getStart(sf), end: c.getStart(sf), text: 'declare ' });
      }
    }
    for (const { node, value } of rec.enumRefs) {
      const lit = typeof value === 'string' ? JSON.stringify(value) : value < 0 ? `(${value})` : String(value);
      edits.push({ pos: node.getStart(sf), end: node.end, text: lit });
    }
    const inEnumRef = (n) => rec.enumRefs.some(({ node }) => n.pos >= node.pos && n.end <= node.end);
    for (const { node, sym, shorthand } of rec.idents) {
      const name = nameOf.get(sym);
      if (name === undefined || inEnumRef(node)) continue;
      if (shorthand) { if (name !== node.text) edits.push({ pos: node.getStart(sf), end: node.end, text: `${node.text}: ${name}` }); }
      else if (name !== node.text) edits.push({ pos: node.getStart(sf), end: node.end, text: name });
    }
    edits.sort((a, b) => b.pos - a.pos || b.end - a.end);
    let out = text.slice(start, st.end);
    for (const e of edits) out = out.slice(0, e.pos - start) + e.text + out.slice(e.end - start);
    return out;
  }

  return { bundle, files };
}

module.exports = { createBundler, resolveSpecifier, LIB };

if (require.main === module) {
  // node bundle.cjs PROGRAM.ts [--js]: print the bundle (debugging aid)
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) { console.error('usage: node bundle.cjs PROGRAM.ts [--js]'); process.exit(2); }
  const b = createBundler([file]).bundle(file, 'console.log(main().toString(16).padStart(16, "0"));');
  process.stdout.write(args.includes('--js') ? b.js : b.ts);
}
