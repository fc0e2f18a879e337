// npm start: code-server (VS Code in the browser) with this extension installed, on a small demo workspace.
// Installs code-server on first use, packages the extension, prints the URL and runs until Ctrl-C.
// State lives in .e2e/demo (git-ignored): edits to the demo workspace and logged runs are kept between starts.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, installExtensions, isolatedEnv, portAvailable, startCodeServer, USER_SETTINGS, type RunDirs } from '../test/e2e/harness/codeServer';

const root = resolve(__dirname, '..');

async function main(): Promise<void> {
  // @ts-expect-error: a plain .mjs module without types
  const { installCodeServer } = (await import('./e2e/installCodeServer.mjs')) as { installCodeServer(): string };
  const bin = installCodeServer();
  if (spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);

  const base = join(root, '.e2e', 'demo');
  const dirs: RunDirs = {
    root: base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    workspace: join(base, 'workspace'),
    home: join(base, 'home'),
    browserProfile: join(base, 'browser-profile'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.home, join(base, 'tmp'), join(dirs.userData, 'User')]) mkdirSync(d, { recursive: true });
  if (!existsSync(dirs.workspace)) cpSync(join(root, 'test', 'e2e', 'fixtures', 'workspace'), dirs.workspace, { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, 'workbench.startupEditor': 'readme' }, null, 2));
  const env = isolatedEnv(dirs);
  installExtensions(bin, dirs, env, [join(root, 'dist', 'mlflow-workbench.vsix')], 'mlflow-workbench.mlflow-workbench', true);

  const wanted = Number(process.env.PORT ?? 8080);
  const port = (await portAvailable(wanted)) ? wanted : await freePort();
  const server = await startCodeServer(bin, dirs, env, port);
  const url = `${server.url}/?folder=${encodeURIComponent(dirs.workspace)}`;
  console.log(`\nMLflow Workbench is running in VS Code (code-server, loopback only, no password):\n\n  ${url}\n`);
  console.log('Open the URL in a browser; a terminal there logs runs with: python3 train.py --children 2');
  console.log(`Demo workspace: ${dirs.workspace}   Log: ${join(base, 'code-server.log')}   Stop with Ctrl-C.`);
  const stop = async (): Promise<void> => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
