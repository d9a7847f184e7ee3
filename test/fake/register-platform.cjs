// Unit tests run restricted code in Node with "@platform" resolved to the host fake
// (test/fake/platform.ts) and "@config" to the default configuration (as tsconfig.json maps
// it for tsc). Loaded by .mocharc.json after scripts/tsnc/register.cjs.
'use strict';
const path = require('path');
const { alias } = require('../../scripts/tsnc/register.cjs');
alias('@platform', path.join(__dirname, 'platform.ts'));
alias('@config', path.join(__dirname, '..', '..', 'lpar', 'configs', 'default.ts'));
