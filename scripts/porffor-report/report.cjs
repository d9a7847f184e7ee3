#!/usr/bin/env node
// porffor report: how well porffor (the JS/TS ahead-of-time compiler) runs the compiler's
// conformance programs, so the decision to write tsnc instead can be revisited when porffor
// improves. It is a report, not a test: it exits 0 whatever porffor gets wrong, and non-zero
// only when the report itself cannot run.
//
//   node scripts/porffor-report/report.cjs [DIR] [--jobs N] [--timeout SECONDS] [--no-alpha] [--no-cases]
//
// Section 1, programs: every DIR/*.ts (default test/compiler/programs) that exports
// `function main(): u64` (or bigint). Expected value: main() run in Node through
// scripts/tsnc/register.cjs, as 16 hex digits. Then the program and its imports are bundled
// into one file (bundle.cjs: scope hoisting, const enums inlined, tsnc lib tree-shaken, types
// stripped by TypeScript's transpileModule) with a last line printing main() as hex; the
// bundle is run in Node first (it must reproduce the expected value, or the bundler is at
// fault and the row says BUNDLE), then by porffor: PASS, WRONG (porffor's value) or ERROR.
// Section 2, cases: the 19 cases of the original evaluation (cases/*.ts, types stripped;
// expected output cases/expected/*.txt), the first column of its table.
//
// porffor is the pinned devDependency (package.json). With the alpha column (on by default,
// --no-alpha to skip) the rewritten porffor (0.0.0-alpha.7, a native binary) is installed at
// report time into build/porffor/alpha with `npm install --prefix`; if that fails (no
// network) the column says n/a and the report still runs.
// Outputs: build/porffor-report/{REPORT.md,results.json,programs/,cases/}.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const HERE = __dirname;
const OUT = path.join(ROOT, 'build', 'porffor-report');
const REGISTER = path.join(ROOT, 'scripts', 'tsnc', 'register.cjs');
const ALPHA_VERSION = '0.0.0-alpha.7';
const ALPHA_PREFIX = path.join(ROOT, 'build', 'porffor', 'alpha');
const TRAILER = 'console.log(main().toString(16).padStart(16, "0"));';
const MAIN_RE = /export\s+function\s+main\s*\(\s*\)\s*:\s*(u64|bigint)\b/;

function die(msg) { console.error(`porffor-report: ${msg}`); process.exit(2); }

function parseArgs(argv) {
  const o = { dir: path.join(ROOT, 'test', 'compiler', 'programs'), jobs: 2, timeout: 60, alpha: true, cases: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--jobs' || a === '-j') o.jobs = Math.max(1, parseInt(argv[++i], 10) || 1);
    else if (a === '--timeout') o.timeout = Math.max(1, parseInt(argv[++i], 10) || 60);
    else if (a === '--no-alpha') o.alpha = false;
    else if (a === '--no-cases') o.cases = false;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/porffor-report/report.cjs [DIR] [--jobs N] [--timeout S] [--no-alpha] [--no-cases]');
      process.exit(0);
    } else if (a.startsWith('-')) die(`unknown option ${a}`);
    else o.dir = path.resolve(a);
  }
  return o;
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** Run a command with a timeout (kills its whole process group); resolves, never rejects. */
function run(cmd, args, { cwd = OUT, timeout = 60, env } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let out = '', err = '', timedOut = false;
    const LIMIT = 1 << 20;
    let child;
    try {
      child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
    } catch (e) { resolve({ code: -1, out: '', err: String(e), timedOut, ms: 0 }); return; }
    child.stdout.on('data', (d) => { if (out.length < LIMIT) out += d; });
    child.stderr.on('data', (d) => { if (err.length < LIMIT) err += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeout * 1000);
    child.on('error', (e) => { err += String(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code === null ? -1 : code, signal, out: stripAnsi(out), err: stripAnsi(err), timedOut, ms: Date.now() - t0 });
    });
  });
}

async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) { const i = next++; results[i] = await fn(items[i], i); }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

const oneLine = (s, n = 90) => { s = s.replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; };

/** A short reason for a failed run: the first error-looking line of its output. */
function reason(r) {
  if (r.timedOut) return 'timeout';
  const lines = (r.err + '\n' + r.out).split('\n').map((l) => l.trim()).filter(Boolean)
    .filter((l) => !/^lto-wrapper: (warning|note)/.test(l));
  const hit = lines.find((l) => /\b[A-Za-z]*Error\b|\berror\b|Todo|not supported|unsupported/i.test(l) && !/^\s*at /.test(l));
  const base = hit || lines[lines.length - 1] || (r.signal ? `killed by ${r.signal}` : `exit ${r.code}`);
  return oneLine(base.replace(/\(file:\/\/[^)]*\)|file:\/\/\S+|\/\S*\/build\/porffor-report\/\S*/g, ''), 80);
}

/** Classify porffor's run of a program against the expected hex value. */
function judgeProgram(r, expected) {
  const lines = r.out.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1] || '';
  if (!r.timedOut && last === expected) return { status: 'PASS' };
  const erred = r.timedOut || r.code !== 0 || /\b[A-Za-z]*Error\b/.test(r.err + r.out);
  if (!erred && last) return { status: 'WRONG', value: oneLine(last, 40) };
  if (erred) return { status: 'ERROR', reason: reason(r) };
  return { status: 'WRONG', value: '(no output)' };
}

/** Classify a run of an original case against its expected output (whole stdout). */
function judgeCase(r, expected) {
  const got = r.out.replace(/\s+$/, '');
  const want = expected.replace(/\s+$/, '');
  const erred = r.timedOut || r.code !== 0 || /\b[A-Za-z]*Error\b/.test(r.err);
  if (got === want && !erred) return { status: 'PASS' };
  if (erred && (r.timedOut || r.code !== 0 || got.split('\n').length < want.split('\n').length)) return { status: 'ERROR', reason: reason(r) };
  const g = got.split('\n'), w = want.split('\n');
  let i = 0;
  while (i < Math.max(g.length, w.length) && g[i] === w[i]) i++;
  return { status: 'WRONG', value: oneLine(`line ${i + 1}: got ${g[i] === undefined ? '(nothing)' : g[i]}, want ${w[i]}`, 70) };
}

const cell = (j) => !j ? 'n/a' : j.status === 'PASS' ? 'PASS' : j.status === 'WRONG' ? `WRONG ${j.value}`
  : j.status === 'BUNDLE' ? `BUNDLE ${j.reason}` : j.status === 'SKIP' ? `n/a (${j.reason})` : `ERROR ${j.reason}`;

// ---------------------------------------------------------------------------------------------

function findPorffor() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const pinned = (pkg.devDependencies || {}).porffor;
  let dir;
  try { dir = path.dirname(require.resolve('porffor/package.json', { paths: [ROOT] })); }
  catch { die(`porffor is not installed (devDependency ${pinned || 'missing'}): run npm install`); }
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  if (pinned && pinned !== version) die(`node_modules has porffor ${version}, package.json pins ${pinned}: run npm install`);
  return { name: `porffor ${version}`, version, cmd: process.execPath, args: [path.join(dir, 'runtime', 'index.js')] };
}

function findAlpha() {
  const plat = `${process.platform === 'darwin' ? 'darwin' : 'linux'}-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  const bin = path.join(ALPHA_PREFIX, 'node_modules', '@porffor', plat, 'porf');
  const verFile = path.join(ALPHA_PREFIX, 'node_modules', 'porffor', 'package.json');
  const have = () => fs.existsSync(bin) && fs.existsSync(verFile) &&
    JSON.parse(fs.readFileSync(verFile, 'utf8')).version === ALPHA_VERSION;
  if (!have()) {
    fs.mkdirSync(ALPHA_PREFIX, { recursive: true });
    fs.writeFileSync(path.join(ALPHA_PREFIX, 'package.json'), JSON.stringify({ private: true, name: 'porffor-alpha-install' }) + '\n');
    process.stderr.write(`porffor-report: installing porffor@${ALPHA_VERSION} into ${path.relative(ROOT, ALPHA_PREFIX)}\n`);
    const npm = spawnSync('npm', ['install', '--prefix', ALPHA_PREFIX, '--save-exact', '--no-audit', '--no-fund',
      '--loglevel=error', `porffor@${ALPHA_VERSION}`], { cwd: ALPHA_PREFIX, encoding: 'utf8', timeout: 300000 });
    if (!have()) return { name: `porffor ${ALPHA_VERSION}`, missing: oneLine(`npm install failed: ${npm.stderr || npm.error || ''}`, 80) };
  }
  return { name: `porffor ${ALPHA_VERSION}`, version: ALPHA_VERSION, cmd: bin, args: [] };
}

/** porffor's npm dist-tags right now (to see whether a newer porffor exists), or why not. */
function npmDistTags() {
  const r = spawnSync('npm', ['view', 'porffor', 'dist-tags', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
  try { return Object.entries(JSON.parse(r.stdout)).map(([k, v]) => `${k} ${v}`).join(', '); }
  catch { return 'unknown (npm view failed)'; }
}

// ---------------------------------------------------------------------------------------------

async function programsSection(opt, compilers) {
  if (!fs.existsSync(opt.dir) || !fs.statSync(opt.dir).isDirectory()) die(`no such directory: ${opt.dir}`);
  const files = fs.readdirSync(opt.dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()
    .map((f) => path.join(opt.dir, f))
    .filter((f) => MAIN_RE.test(fs.readFileSync(f, 'utf8')));
  const outDir = path.join(OUT, 'programs');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });

  let bundler, bundlerError;
  try { bundler = require('./bundle.cjs').createBundler(files); }
  catch (e) { bundlerError = oneLine(String(e.message || e), 80); }

  const expectScript =
    'const v = require(process.argv[1]).main();' +
    'if (typeof v !== "bigint") throw new TypeError("main() returned " + typeof v);' +
    'process.stdout.write(BigInt.asUintN(64, v).toString(16).padStart(16, "0") + "\\n");';

  return pool(files, opt.jobs, async (file) => {
    const name = path.basename(file, '.ts');
    const row = { name, file: path.relative(ROOT, file), expected: null, results: {} };
    const e = await run(process.execPath, ['-r', REGISTER, '-e', expectScript, file], { cwd: opt.dir, timeout: opt.timeout });
    const eLine = e.out.trim().split('\n').pop();
    if (e.code !== 0 || !/^[0-9a-f]{16}$/.test(eLine || '')) {
      row.noExpected = `Node: ${reason(e)}`;
      return row;
    }
    row.expected = eLine;
    let js;
    try {
      if (!bundler) throw new Error(bundlerError);
      const b = bundler.bundle(file, TRAILER);
      fs.writeFileSync(path.join(outDir, name + '.bundle.ts'), b.ts);
      fs.writeFileSync(path.join(outDir, name + '.js'), b.js);
      row.modules = b.modules;
      js = path.join(outDir, name + '.js');
    } catch (err) {
      for (const c of compilers) row.results[c.name] = { status: 'BUNDLE', reason: oneLine(String(err.message || err), 70) };
      return row;
    }
    const n = await run(process.execPath, [js], { cwd: outDir, timeout: opt.timeout });
    const nLine = n.out.trim().split('\n').pop();
    if (n.code !== 0 || nLine !== row.expected) {
      const why = n.code !== 0 ? reason(n) : `bundle gives ${nLine} in Node`;
      for (const c of compilers) row.results[c.name] = { status: 'BUNDLE', reason: oneLine(why, 70) };
      return row;
    }
    for (const c of compilers) {
      if (c.missing) { row.results[c.name] = { status: 'SKIP', reason: c.missing }; continue; }
      const r = await run(c.cmd, [...c.args, js], { cwd: outDir, timeout: opt.timeout });
      fs.writeFileSync(path.join(outDir, `${name}.${c.version}.out`), `exit ${r.code}${r.timedOut ? ' (timeout)' : ''} ${r.ms} ms\n--- stdout\n${r.out}--- stderr\n${r.err}`);
      row.results[c.name] = { ...judgeProgram(r, row.expected), ms: r.ms };
    }
    return row;
  });
}

async function casesSection(opt, compilers) {
  const ts = require(path.join(ROOT, 'node_modules', 'typescript'));
  const caseDir = path.join(HERE, 'cases');
  if (!fs.existsSync(caseDir)) die(`missing ${caseDir}`);
  const reference = JSON.parse(fs.readFileSync(path.join(caseDir, 'reference.json'), 'utf8'));
  const outDir = path.join(OUT, 'cases');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const names = fs.readdirSync(caseDir).filter((f) => f.endsWith('.ts')).sort().map((f) => f.slice(0, -3));
  return pool(names, opt.jobs, async (name) => {
    const src = fs.readFileSync(path.join(caseDir, name + '.ts'), 'utf8');
    const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    const jsFile = path.join(outDir, name + '.js');
    fs.writeFileSync(jsFile, js);
    const expected = fs.readFileSync(path.join(caseDir, 'expected', name + '.txt'), 'utf8');
    const row = { name, reference: reference.cases[name] || {}, results: {} };
    for (const c of compilers) {
      if (c.missing) { row.results[c.name] = { status: 'SKIP', reason: c.missing }; continue; }
      const r = await run(c.cmd, [...c.args, jsFile], { cwd: outDir, timeout: opt.timeout });
      fs.writeFileSync(path.join(outDir, `${name}.${c.version}.out`), `exit ${r.code}${r.timedOut ? ' (timeout)' : ''} ${r.ms} ms\n--- stdout\n${r.out}--- stderr\n${r.err}`);
      row.results[c.name] = { ...judgeCase(r, expected), ms: r.ms };
    }
    return row;
  });
}

const PROBES = [   // v() is the identity function, so nothing is folded at compile time
  ['typeof BigInt.asUintN', 'function'],
  ['typeof BigInt.asIntN', 'function'],
  ['v(1n) << 63n', '9223372036854775808'],
  ['v(0xfedcba9876543210n) >> 4n', '1147797409030816545'],
  ['v(0xcbf29ce484222325n)', '14695981039346656037'],
  ['BigInt(v(123))', '123'],
  ['BigInt.asUintN(64, v(-1n))', '18446744073709551615'],
  ['v(0xdeadbeef) | 0', '-559038737'],
  ['v(0xdeadbeef) >>> 0', '3735928559'],
  ['v(0x12345678) << 8', '878082048'],
  ['Math.imul(v(0x01000193), 0x811c9dc5)', '84696351'],
  ['new Uint8Array([v(0x1ff)])[0]', '255'],
  ['new Uint32Array([v(-1)])[0]', '4294967295'],
];

async function probesSection(opt, compilers) {
  const outDir = path.join(OUT, 'probes');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  return pool(PROBES, opt.jobs, async ([expr, want], i) => {
    const file = path.join(outDir, `p${i}.js`);
    fs.writeFileSync(file, `function v(x) { return x; }\nconsole.log(String(${expr}));\n`);
    const got = {};
    for (const c of compilers) {
      if (c.missing) { got[c.name] = 'n/a'; continue; }
      const r = await run(c.cmd, [...c.args, file], { cwd: outDir, timeout: opt.timeout });
      const line = r.out.trim().split('\n').pop() || '';
      got[c.name] = r.code === 0 && !r.timedOut && line ? (line === want ? 'ok' : oneLine(line, 30)) : `ERROR ${oneLine(reason(r), 50)}`;
    }
    return { expr, want, got };
  });
}

// ---------------------------------------------------------------------------------------------

function table(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}
const md = (header, rows) => [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');

function failureClasses(rows, cname) {
  const counts = new Map();
  for (const r of rows) {
    const j = r.results[cname];
    if (!j || j.status === 'PASS' || j.status === 'SKIP' || j.status === 'BUNDLE') continue;
    const key = j.status === 'WRONG' ? 'WRONG value' : `ERROR ${j.reason.replace(/\d+/g, 'N')}`;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  const compilers = [findPorffor()];
  if (opt.alpha) compilers.push(findAlpha());
  const tags = npmDistTags();

  const progs = await programsSection(opt, compilers);
  const cases = opt.cases ? await casesSection(opt, compilers) : [];
  const probes = await probesSection(opt, compilers);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);

  const text = [];
  const mdOut = [];
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  mdOut.push('# porffor report', '',
    `Generated ${date} by \`node scripts/porffor-report/report.cjs\` (${os.cpus().length} cores, --jobs ${opt.jobs}, timeout ${opt.timeout} s, ${secs} s).`,
    `Compilers: ${compilers[0].name} (the devDependency pinned in package.json)` +
    compilers.slice(1).map((c) => `, ${c.name} (${c.missing ? `not available: ${c.missing}` : `installed at report time in ${path.relative(ROOT, ALPHA_PREFIX)}`})`).join('') +
    `; npm dist-tags for porffor now: ${tags}.`,
    'Each program is bundled into one JS file (build/porffor-report/programs/NAME.js) that prints main() as 16 hex digits;',
    'the expected value is main() run in Node via scripts/tsnc/register.cjs.', '');
  const summaryAt = mdOut.length;

  // section 1
  const dirRel = opt.dir.startsWith(ROOT + path.sep) ? path.relative(ROOT, opt.dir) : opt.dir;
  const considered = progs.filter((p) => p.expected !== null);
  const hdr1 = ['program', 'expected', ...compilers.map((c) => c.name)];
  const rows1 = progs.map((p) => [p.name, p.expected || `(${p.noExpected})`, ...compilers.map((c) => p.expected ? cell(p.results[c.name]) : '-')]);
  const summary = (c, rows) => {
    const ok = rows.filter((p) => p.results[c.name] && p.results[c.name].status === 'PASS').length;
    return `${c.name}: ${ok}/${rows.length}`;
  };
  text.push(`== programs: ${dirRel} (${progs.length} programs with main(): u64)`, '');
  text.push(progs.length ? table(hdr1, rows1) : '(no programs)', '');
  mdOut.push(`## Conformance programs (${dirRel})`, '', progs.length ? md(hdr1, rows1) : '(no programs)', '');
  const notes = [];
  const noExp = progs.filter((p) => p.expected === null);
  if (noExp.length) notes.push(`${noExp.length} program(s) do not run in Node and are not counted: ${noExp.map((p) => p.name).join(', ')}`);
  const bundleFail = considered.filter((p) => Object.values(p.results).some((j) => j.status === 'BUNDLE'));
  if (bundleFail.length) notes.push(`${bundleFail.length} program(s) could not be bundled faithfully (a report problem, counted as not correct): ${bundleFail.map((p) => p.name).join(', ')}`);
  for (const n of notes) { text.push(`note: ${n}`); mdOut.push(`Note: ${n}`, ''); }
  for (const c of compilers) {
    if (c.missing) continue;
    const cls = failureClasses(considered, c.name);
    if (!cls.length) continue;
    text.push(`failure classes, ${c.name}:`);
    mdOut.push(`Failure classes, ${c.name}:`, '');
    for (const [k, n] of cls) { text.push(`  ${String(n).padStart(3)}  ${k}`); mdOut.push(`- ${n} × ${k}`); }
    text.push(''); mdOut.push('');
  }

  // section 2
  if (opt.cases) {
    const refCols = compilers.map((c) => c.version === ALPHA_VERSION ? 'α js' : '0.61 js');
    const hdr2 = ['case', ...compilers.flatMap((c, i) => [c.name, `ref ${refCols[i]}`])];
    const letter = (j) => !j ? '-' : j.status === 'PASS' ? 'P' : j.status === 'WRONG' ? 'W' : j.status === 'SKIP' ? '-' : 'E';
    const rows2 = cases.map((k) => [k.name, ...compilers.flatMap((c, i) => {
      const j = k.results[c.name]; const ref = k.reference[refCols[i]] || '?';
      return [cell(j), letter(j) === ref || !j || j.status === 'SKIP' ? ref : `${ref} (differs!)`];
    })]);
    text.push(`== original cases: scripts/porffor-report/cases (${cases.length}, reference: the earlier evaluation's table)`, '');
    text.push(table(hdr2, rows2), '');
    mdOut.push('## Original evaluation cases (scripts/porffor-report/cases)', '',
      'The 19 cases of the earlier evaluation, types stripped with transpileModule; whole stdout compared with cases/expected/.',
      '`ref` is the letter the earlier table gave the same configuration (P/W/E).', '', md(hdr2, rows2), '');
    for (const c of compilers) {
      if (c.missing) continue;
      const ok = cases.filter((k) => k.results[c.name].status === 'PASS').length;
      const refOk = cases.filter((k) => k.reference[c.version === ALPHA_VERSION ? 'α js' : '0.61 js'] === 'P').length;
      const diff = cases.filter((k) => letter(k.results[c.name]) !== k.reference[c.version === ALPHA_VERSION ? 'α js' : '0.61 js']).length;
      const line = `${c.name}: ${ok}/${cases.length} cases correct (earlier table: ${refOk}/${cases.length}${diff ? `, ${diff} case(s) differ` : ', same letters'})`;
      text.push(line); mdOut.push(`- ${line}`);
    }
    text.push(''); mdOut.push('');
  }

  // section 3: one-line probes that name the usual failure causes
  const hdr3 = ['probe', 'Node', ...compilers.map((c) => c.name)];
  const rows3 = probes.map((p) => [p.expr, p.want, ...compilers.map((c) => p.got[c.name])]);
  text.push('== probes (console.log(String(EXPR)), v = identity function)', '', table(hdr3, rows3), '');
  mdOut.push('## Probes', '', 'One expression each, `console.log(String(EXPR))` with `v` the identity function (no constant folding); they name the usual causes of the failures above.', '',
    md(hdr3, rows3.map((r) => r.map((c, i) => i === 0 ? '`' + c + '`' : c))), '');

  const sums = compilers.filter((c) => !c.missing).map((c) => `${summary(c, considered)} programs correct`);
  mdOut.splice(summaryAt, 0, '## Summary', '', ...sums.map((s) => `- **${s}**`), '');
  text.push(`npm dist-tags for porffor now: ${tags}`);
  text.push(`runtime ${secs} s; outputs in ${path.relative(ROOT, OUT)}/`);
  for (const s of sums.slice(1)) text.push(s);
  if (sums.length) text.push(sums[0]);   // the pinned porffor's line last
  console.log(text.join('\n'));

  fs.writeFileSync(path.join(OUT, 'REPORT.md'), mdOut.join('\n'));
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({
    date, seconds: Number(secs), dir: dirRel, compilers: compilers.map((c) => ({ name: c.name, missing: c.missing })),
    programs: progs, cases, probes,
  }, null, 2) + '\n');
}

main().catch((e) => die(e && e.stack || String(e)));
