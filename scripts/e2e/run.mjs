// npm run test:e2e: installs code-server on first use, packages the extension as a .vsix, then runs the
// end-to-end suite in a real VS Code (test/e2e/*.e2e.ts) with Node's test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCodeServer } from './installCodeServer.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`e2e: no chromium at ${chromium}. Install it with: apt-get install -y --no-install-recommends chromium libkrb5-dev ripgrep fonts-liberation (or set CHROMIUM=/path).`);
  process.exit(1);
}
installCodeServer();
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!process.env.E2E_VSIX) run('npm', ['run', '--silent', 'package']);
const dir = join(root, 'test', 'e2e');
// `npm run test:e2e -- panels` runs only the specs whose file name contains one of the words given.
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.e2e.ts') && (!only.length || only.some((o) => f.includes(o))))
  .map((f) => join('test', 'e2e', f));
if (!files.length) {
  console.error(`e2e: no spec matches ${only.join(', ')}`);
  process.exit(1);
}
// One VS Code at a time: the files share the machine's two cores with code-server and chromium.
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files]);
