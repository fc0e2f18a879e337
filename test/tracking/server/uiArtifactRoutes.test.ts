// The UI's artifact routes (§2.6): /get-artifact and /ajax-api/2.0/mlflow/upload-artifact, by run and path.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rawRequest } from '../../support/mlflowRestClient';
import { startCliServer, type CliServer } from '../../support/cliServer';

let server: CliServer;
let runId: string;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${server.token}` });

before(async () => {
  server = await startCliServer();
  const r = await rawRequest(server.url, { method: 'POST', path: '/api/2.0/mlflow/runs/create', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{}' });
  runId = r.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
});
after(() => server.stop());

test('upload-artifact writes a file by run and path that get-artifact and artifacts/list then see', async () => {
  const up = await rawRequest(server.url, {
    method: 'POST',
    path: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=notes/readme.txt`,
    headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
    body: 'hello <script>',
  });
  assert.equal(up.status, 200, up.text);
  assert.ok(existsSync(join(server.storeDir, 'artifacts', '0', runId, 'artifacts', 'notes', 'readme.txt')));
  const get = await rawRequest(server.url, { method: 'GET', path: `/get-artifact?run_uuid=${runId}&path=notes/readme.txt`, headers: auth() });
  assert.equal(get.status, 200);
  assert.equal(get.text, 'hello <script>');
  assert.equal(get.headers['x-content-type-options'], 'nosniff');
  assert.match(String(get.headers['content-disposition']), /^attachment; filename="readme.txt"$/);
  const list = await rawRequest(server.url, { method: 'GET', path: `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=notes`, headers: auth() });
  assert.deepEqual(list.json<{ files: unknown[] }>().files, [{ path: 'notes/readme.txt', is_dir: false, file_size: 14 }]);
});

test('the UI routes refuse traversal, unknown runs and bodies over 10 MB', async () => {
  const traversal = await rawRequest(server.url, { method: 'GET', path: `/get-artifact?run_uuid=${runId}&path=../../../owner.lock`, headers: auth() });
  assert.equal(traversal.status, 400);
  assert.equal(traversal.json<{ error_code: string }>().error_code, 'INVALID_PARAMETER_VALUE');
  const unknown = await rawRequest(server.url, { method: 'GET', path: '/get-artifact?run_uuid=0123456789abcdef0123456789abcdef&path=a.txt', headers: auth() });
  assert.equal(unknown.status, 404);
  const big = await rawRequest(server.url, {
    method: 'POST',
    path: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=big.bin`,
    headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
    body: Buffer.alloc(10 * 1024 * 1024 + 1),
  });
  assert.equal(big.status, 400);
  assert.ok(!existsSync(join(server.storeDir, 'artifacts', '0', runId, 'artifacts', 'big.bin')));
  const health = await rawRequest(server.url, { method: 'GET', path: '/health' });
  assert.equal(health.text, 'OK');
});
