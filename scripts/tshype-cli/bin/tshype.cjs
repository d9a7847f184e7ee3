#!/usr/bin/env node
// tshype: the project's command-line tools (policy compile, policy explain, vtpm serve). See docs/policy-language.md.
'use strict';
require('../../tsnc/register.cjs');
process.exitCode = require('../src/cli.ts').main(process.argv.slice(2));
