// Installs code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20) into .e2e/code-server,
// fully offline apart from the npm registry. Each environment variable below fixed a real failure
// (see ../shared/e2e/README.md §2). Idempotent: does nothing when the right version is already there.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CODE_SERVER_DIR = join(root, '.e2e', 'code-server');
export const CODE_SERVER_BIN = join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');

function installedVersion() {
  try {
    return JSON.parse(readFileSync(join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function installCodeServer({ quiet = false } = {}) {
  if (installedVersion() === CODE_SERVER_VERSION && existsSync(CODE_SERVER_BIN)) return CODE_SERVER_BIN;
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) is needed to seed @vscode/ripgrep offline: apt-get install ripgrep');
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  if (!existsSync(join(CODE_SERVER_DIR, 'package.json'))) {
    writeFileSync(join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({ name: 'e2e-code-server', private: true }, null, 2));
  }
  // @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache in $TMPDIR already holds the archive.
  const tmp = join(CODE_SERVER_DIR, 'tmp');
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  const stage = join(CODE_SERVER_DIR, 'rgstage');
  mkdirSync(cache, { recursive: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(rg, join(stage, 'rg'));
  const tar = spawnSync('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg'], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('could not seed the ripgrep cache');
  if (!quiet) console.log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about 1.5 minutes)…`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: CODE_SERVER_DIR,
    stdio: quiet ? 'pipe' : 'inherit',
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root without it
      npm_config_yes: 'true', // node-pty's install runs `npx node-gyp`
    },
  });
  rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0 || installedVersion() !== CODE_SERVER_VERSION) {
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}); needs libkrb5-dev and a C/C++ toolchain`);
  }
  return CODE_SERVER_BIN;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(installCodeServer());
}
