// Runs code-server 4.100.3 (VS Code 1.100.3) fully offline for the e2e suite, following ../shared/e2e: an
// isolated HOME/XDG/TMPDIR per run, no gallery, no update check, no trust prompt, settings that keep startup
// UI out of the way, the .vsix installed before start, and the whole process group stopped at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface RunDirs {
  root: string;
  userData: string;
  extensions: string;
  workspace: string;
  home: string;
  browserProfile: string;
}

export interface CodeServer {
  readonly url: string;
  readonly dirs: RunDirs;
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false, // else a modal trust dialog, and extensions off in Restricted Mode
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false, // else the browser asks open-vsx.org for updates
  'extensions.ignoreRecommendations': true,
  'terminal.integrated.gpuAcceleration': 'off', // DOM renderer: terminal text is readable with innerText
  'terminal.integrated.enablePersistentSessions': false,
  'terminal.integrated.shellIntegration.enabled': false,
  'terminal.integrated.defaultProfile.linux': 'bash',
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.tree.expandMode': 'singleClick',
  'git.openRepositoryInParentFolders': 'never', // run folders live inside this repository's .e2e/
  'remote.autoForwardPorts': false, // the tracking server's port is not something to forward
};

/** Whether 127.0.0.1:port can be listened on right now. */
export function portAvailable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The python3 binary itself (not a pyenv shim, which needs the real HOME), so terminals find it by PATH. */
export function realPythonDir(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? dirname(r.stdout.trim()) : undefined;
}

export function makeRunDirs(root: string, fixture: string): RunDirs {
  const dirs: RunDirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    workspace: join(root, 'workspace'),
    home: join(root, 'home'),
    browserProfile: join(root, 'browser-profile'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  cpSync(fixture, dirs.workspace, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return dirs;
}

export function isolatedEnv(dirs: RunDirs): NodeJS.ProcessEnv {
  const python = realPythonDir();
  return {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    TMPDIR: join(dirs.root, 'tmp'),
    SHELL: '/bin/bash',
    PATH: python ? `${python}:${process.env.PATH}` : process.env.PATH,
    // No marketplace at all: no update checks, no extensionquery calls.
    EXTENSIONS_GALLERY: '{}',
    // Whatever the developer's shell had must not leak into the terminals under test.
    MLFLOW_TRACKING_URI: undefined,
    MLFLOW_TRACKING_TOKEN: undefined,
  };
}

/** Installs the .vsix files in one call (code-server resolves dependencies within one batch, offline). */
export function installExtensions(bin: string, dirs: RunDirs, env: NodeJS.ProcessEnv, vsixes: string[], expectId: string, force = false): void {
  const args = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  for (const v of vsixes) args.push('--install-extension', v);
  if (force) args.push('--force'); // replace an installed copy of the same version (npm start after a rebuild)
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000, env });
  const installed = readdirSync(dirs.extensions).some((d) => d.startsWith(`${expectId}-`));
  if (r.status !== 0 || !installed) throw new Error(`installing ${vsixes.join(', ')} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
}

export async function startCodeServer(bin: string, dirs: RunDirs, env: NodeJS.ProcessEnv, port?: number): Promise<CodeServer> {
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  const child: ChildProcess = spawn(
    bin,
    [
      '--bind-addr', `127.0.0.1:${p}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      dirs.workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const log = createWriteStream(join(dirs.root, 'code-server.log'));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM'); // the group: server, extension hosts, pty host
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', kill);
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${join(dirs.root, 'code-server.log')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) {
      kill();
      throw new Error('code-server did not answer /healthz within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dirs,
    env,
    stop: async () => {
      kill();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
