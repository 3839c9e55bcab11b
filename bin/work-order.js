#!/usr/bin/env node
'use strict';
// The `work-order` command: the compiled CLI when built (`npm run build`), else the TypeScript source via tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '../dist/src/client/cli.js');
if (existsSync(compiled)) {
  require(compiled).main();
} else {
  require('tsx/cjs');
  require('../src/client/cli.ts').main();
}
