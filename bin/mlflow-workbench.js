#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run by `npm install`/`npm ci`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('mlflow-workbench: dist/cli.js is missing; run `npm run build` in the project folder first.');
  process.exit(1);
}
require(cli);
