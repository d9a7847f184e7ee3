// Unit tests run restricted code in Node with "@platform" resolved to the host fake
// (test/fake/platform.ts). Loaded by .mocharc.json after scripts/tsnc/register.cjs.
'use strict';
const path = require('path');
require('../../scripts/tsnc/register.cjs').alias('@platform', path.join(__dirname, 'platform.ts'));
