// Test support: the store worker bundled from the current sources as scripts/build.mjs bundles it (with the
// history worker and sql.js's wasm beside it, as in dist/), into a private temp folder once per test process.
// Tests that measure the extension host's thread run the worker as VS Code does: no tsx compiling in it.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cliServer';

let bundling: Promise<string> | undefined;

/** The path of a storeWorker.js bundle built from the current sources. */
export function storeWorkerBundle(): Promise<string> {
  bundling ??= (async () => {
    const { build } = await import('esbuild');
    const outDir = mkdtempSync(join(tmpdir(), 'mwb-store-worker-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    const options = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'silent' } as const;
    await Promise.all([
      build({ ...options, entryPoints: [join(REPO_ROOT, 'extension/server/storeWorker.ts')], outfile: join(outDir, 'storeWorker.js') }),
      build({ ...options, entryPoints: [join(REPO_ROOT, 'extension/tracking/store/historyJsonWorker.ts')], outfile: join(outDir, 'historyJsonWorker.js') }),
    ]);
    copyFileSync(join(REPO_ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(outDir, 'sql-wasm.wasm'));
    return join(outDir, 'storeWorker.js');
  })();
  return bundling;
}
