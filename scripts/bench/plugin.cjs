// The QEMU TCG instruction-counting plugin (scripts/bench/insn-count.c), built once into
// build/bench/libinsn.so, and the parser for its "insns: N" line. Shared by the benchmarks.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const PLUGIN_SRC = path.join(__dirname, 'insn-count.c');
const PLUGIN = path.join(ROOT, 'build', 'bench', 'libinsn.so');

/** Build the plugin when it is missing or older than its source; returns its path. */
function buildPlugin() {
  const stale = !fs.existsSync(PLUGIN) || fs.statSync(PLUGIN).mtimeMs < fs.statSync(PLUGIN_SRC).mtimeMs;
  if (stale) {
    fs.mkdirSync(path.dirname(PLUGIN), { recursive: true });
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', PLUGIN, PLUGIN_SRC], { stdio: 'inherit' });
  }
  return PLUGIN;
}

/** The executed-instruction count the plugin printed on stderr, or undefined. */
function parseCount(stderr) {
  const m = /^insns: (\d+)$/m.exec(stderr);
  return m ? BigInt(m[1]) : undefined;
}

module.exports = { PLUGIN, buildPlugin, parseCount };
