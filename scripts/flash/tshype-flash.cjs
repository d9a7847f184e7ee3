#!/usr/bin/env node
// tshype-flash: pack, verify and inspect tshype flash images (docs/flash-image.md).
'use strict';
require('../tsnc/register.cjs');
try {
  process.exitCode = require('./tshype-flash.ts').main(process.argv.slice(2));
} catch (err) {
  console.error(`tshype-flash: internal error: ${(err && err.stack) || err}`);
  process.exitCode = 1;
}
