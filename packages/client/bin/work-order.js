#!/usr/bin/env node
'use strict';
// The `work-order` command for operators and scripts: see `work-order --help`.
require('../dist/client/cli.js').main();
