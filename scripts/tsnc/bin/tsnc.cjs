#!/usr/bin/env node
// tsnc: the restricted-TypeScript compiler (see docs/restricted-typescript.md).
'use strict';
require('../register.cjs');
require('../src/cli.ts').main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => { console.error(`tsnc: ${err && err.stack || err}`); process.exitCode = 2; },
);
