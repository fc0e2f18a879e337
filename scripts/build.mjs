// One bundler for every target: extension host, language server, CLI and one bundle per webview.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

const targets = [
  { entryPoints: [join(root, 'extension/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'], ...node },
  { entryPoints: [join(root, 'extension/cli/main.ts')], outfile: join(dist, 'cli.js'), ...node },
  // The worker thread that helps write long metric histories; both bundles above start it from beside them.
  { entryPoints: [join(root, 'extension/tracking/store/historyJsonWorker.ts')], outfile: join(dist, 'historyJsonWorker.js'), ...node },
  // The owner window's store and tracking server, on a worker thread the extension host starts from beside it.
  { entryPoints: [join(root, 'extension/server/storeWorker.ts')], outfile: join(dist, 'storeWorker.js'), ...node },
];
if (existsSync(join(root, 'language-server/server.ts'))) {
  targets.push({ entryPoints: [join(root, 'language-server/server.ts')], outfile: join(dist, 'language-server.js'), ...node });
}
// Each folder of webviews/ with a main.ts is one panel bundle; webviews/components is shared code.
const webviewDir = join(root, 'webviews');
for (const name of existsSync(webviewDir) ? readdirSync(webviewDir) : []) {
  const entry = join(webviewDir, name, 'main.ts');
  if (existsSync(entry)) {
    targets.push({ entryPoints: [entry], outfile: join(dist, 'webviews', `${name}.js`), bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning' });
  }
}
await Promise.all(targets.map((t) => build(t)));
// sql.js loads its wasm from beside the bundle.
copyFileSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'));
