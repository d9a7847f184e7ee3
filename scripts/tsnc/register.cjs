// Lets Node require() TypeScript: each .ts file is transpiled to CommonJS with the pinned
// TypeScript 5.9 (types are erased, nothing is checked here; `make check` type-checks), and the
// bare specifiers "tsnc" and "tsnc/host" resolve to this package from any directory, so
// programs outside the project (npx tsnc conformance DIR) run too. Transpiled output is
// cached under node_modules/.cache/tsnc-register, keyed by the source's content hash.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const Module = require('module');
// typescript is loaded only when a file is not in the cache yet (it takes ~0.3 s to load)
let ts;
const TS_VERSION = require('typescript/package.json').version;
const loadTs = () => (ts ??= require('typescript'));

const LIB = path.join(__dirname, 'lib');
const ALIASES = { tsnc: path.join(LIB, 'index.ts'), 'tsnc/host': path.join(LIB, 'host.ts') };
const CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'tsnc-register');
const options = () => ({
  module: loadTs().ModuleKind.CommonJS, target: loadTs().ScriptTarget.ES2022, esModuleInterop: true,
  sourceMap: false, inlineSourceMap: true, isolatedModules: true,
});

/** Map a bare module name to a file for Node runs (e.g. '@platform' to the test fake). */
function alias(name, file) { ALIASES[name] = path.resolve(file); }
module.exports = { alias };

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (Object.prototype.hasOwnProperty.call(ALIASES, request)) return ALIASES[request];
  return resolve.call(this, request, parent, ...rest);
};

/**
 * TypeScript emits `export { f } from './m'` as a getter on `exports`, and V8 does not inline
 * through it: every call of a re-exported "tsnc" helper (rotr32, add64, …) from a hot loop paid
 * a getter call (SHA-256 ran 15x slower than with direct calls). The library's re-exports are
 * functions that never change, so in its index they become plain data properties.
 */
const REEXPORT = /Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return (\w+)\.(\w+); \} \}\);/g;
const plainReexports = (js, filename) =>
  filename === ALIASES.tsnc ? js.replace(REEXPORT, (m, name, mod, prop) => `exports.${name} = ${mod}.${prop};`) : js;
const TRANSFORM_VERSION = '2';

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(TS_VERSION).update(TRANSFORM_VERSION).update(filename).update(source).digest('hex');
  const cached = path.join(CACHE, key + '.js');
  try { return fs.readFileSync(cached, 'utf8'); } catch { /* not cached yet */ }
  const out = plainReexports(loadTs().transpileModule(source, { fileName: filename, compilerOptions: options() }).outputText, filename);
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(cached + '.' + process.pid, out);
    fs.renameSync(cached + '.' + process.pid, cached);
  } catch { /* a read-only tree still works, only slower */ }
  return out;
}

require.extensions['.ts'] = function (module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
