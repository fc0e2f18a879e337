// The server's defences, over real HTTP against the real CLI server: the token (Bearer, or Basic with the token
// as password), the Host header (DNS rebinding), foreign Origins, artifact path confinement (traversal in every
// encoding, other runs, symlinks), the body size limit, multipart upload refusal, loopback-only binding, and no
// CORS header ever.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCli, startCliServer, type CliServer } from '../../support/cliServer';
import { MlflowRestClient, rawRequest, type HttpResult, type RawRequest } from '../../support/mlflowRestClient';

let server: CliServer;
let c: MlflowRestClient;
let expId: string;
let runId: string;
let otherExpRunId: string;
let outside: string;
const MARK = `pwned-${randomBytes(4).toString('hex')}`;
const responses: Array<{ what: string; res: HttpResult }> = [];

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${server.token}` });

/** A raw request (exact path, any Host header), recorded for the file-wide header and status checks. */
async function send(req: RawRequest): Promise<HttpResult> {
  const res = await rawRequest(server.url, req);
  responses.push({ what: `${req.method} ${req.path}`, res });
  return res;
}

function assertError(res: HttpResult, status: number, code: string, what: string): void {
  assert.equal(res.status, status, `${what}: expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.equal(res.json<{ error_code: string }>().error_code, code, `${what}: ${res.text}`);
}

const artifactBase = (exp = expId, run = runId): string => `/api/2.0/mlflow-artifacts/artifacts/${exp}/${run}/artifacts`;
const runArtifactDir = (exp = expId, run = runId): string => join(server.storeDir, 'artifacts', exp, run, 'artifacts');

/** Every file and link under dir (links are not followed). */
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out.push(p);
    const st = lstatSync(p);
    if (st.isDirectory() && !st.isSymbolicLink()) walk(p, out);
  }
  return out;
}

before(async () => {
  server = await startCliServer();
  c = new MlflowRestClient({ trackingUri: server.url, token: server.token });
  expId = (await c.setExperiment('security')).experiment_id;
  runId = (await c.startRun({ runName: 'victim' })).info.run_id;
  await c.logText('inside', 'a.txt');
  await c.endRun();
  await c.setExperiment('security-other');
  otherExpRunId = (await c.startRun({ runName: 'other' })).info.run_id;
  await c.logText('other run', 'b.txt');
  await c.endRun();
  // A folder beside the store that nothing may ever read or write through the server.
  outside = join(server.tempDir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
});

after(async () => {
  await server?.stop();
});

test('the token: missing or wrong → 401 UNAUTHENTICATED; Bearer and Basic-with-token-as-password accepted', async () => {
  const path = '/api/2.0/mlflow/experiments/get?experiment_id=0';
  const missing = await send({ method: 'GET', path });
  assertError(missing, 401, 'UNAUTHENTICATED', 'no Authorization');
  for (const authorization of [`Bearer wrong`, `Bearer ${server.token}x`, `Bearer ${server.token.slice(0, -1)}`, 'Bearer ', `Token ${server.token}`, server.token]) {
    assertError(await send({ method: 'GET', path, headers: { Authorization: authorization } }), 401, 'UNAUTHENTICATED', `Authorization: ${authorization}`);
  }
  const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  assertError(await send({ method: 'GET', path, headers: { Authorization: basic(server.token, 'nope') } }), 401, 'UNAUTHENTICATED', 'token as Basic user name');
  assertError(await send({ method: 'GET', path, headers: { Authorization: basic('alice', '') } }), 401, 'UNAUTHENTICATED', 'empty Basic password');

  assert.equal((await send({ method: 'GET', path, headers: auth() })).status, 200);
  assert.equal((await send({ method: 'GET', path, headers: { Authorization: `bearer ${server.token}` } })).status, 200, 'the scheme is case-insensitive');
  assert.equal((await send({ method: 'GET', path, headers: { Authorization: basic('alice', server.token) } })).status, 200, 'MLFLOW_TRACKING_USERNAME/PASSWORD');
  // the Python client with MLFLOW_TRACKING_USERNAME/PASSWORD (Basic wins over a token)
  const viaBasic = new MlflowRestClient({ trackingUri: server.url, username: 'bob', password: server.token, token: 'ignored' });
  assert.equal((await viaBasic.getExperiment('0')).name, 'Default');

  // every surface needs it: /version, artifact reads and writes (nothing written), the UI routes
  assertError(await send({ method: 'GET', path: '/version' }), 401, 'UNAUTHENTICATED', '/version');
  assertError(await send({ method: 'GET', path: `${artifactBase()}/a.txt` }), 401, 'UNAUTHENTICATED', 'artifact GET');
  assertError(await send({ method: 'PUT', path: `${artifactBase()}/${MARK}-noauth.txt`, body: 'x' }), 401, 'UNAUTHENTICATED', 'artifact PUT');
  assert.equal(existsSync(join(runArtifactDir(), `${MARK}-noauth.txt`)), false);
  assertError(await send({ method: 'GET', path: `/api/2.0/mlflow-artifacts/artifacts?path=${expId}/${runId}/artifacts` }), 401, 'UNAUTHENTICATED', 'artifact list');
  assertError(await send({ method: 'POST', path: '/ajax-api/2.0/mlflow/runs/search', body: '{}', headers: { 'Content-Type': 'application/json' } }), 401, 'UNAUTHENTICATED', 'ajax prefix');
  assert.match(String(missing.headers['www-authenticate'] ?? ''), /^Bearer/i);
  // liveness stays open, like MLflow's /health
  assert.equal((await send({ method: 'GET', path: '/health' })).text, 'OK');
});

test('a foreign Host header is refused with 403 (DNS rebinding), even with the token', async () => {
  const port = server.port;
  for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1@evil.example:${port}`, '0.0.0.0', `10.0.0.1:${port}`]) {
    for (const path of ['/api/2.0/mlflow/experiments/get?experiment_id=0', '/health', `${artifactBase()}/a.txt`]) {
      const res = await send({ method: 'GET', path, headers: { ...auth(), Host: host } });
      assertError(res, 403, 'PERMISSION_DENIED', `Host: ${host} ${path}`);
      assert.doesNotMatch(res.text, /inside/, 'no artifact content leaks');
    }
  }
  const write = await send({ method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: { ...auth(), Host: 'evil.example', 'Content-Type': 'application/json' }, body: '{"name": "rebound"}' });
  assertError(write, 403, 'PERMISSION_DENIED', 'write with a foreign Host');
  assertError(await send({ method: 'GET', path: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=rebound', headers: auth() }), 404, 'RESOURCE_DOES_NOT_EXIST', 'nothing was created');
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, `LOCALHOST:${port}`]) {
    assert.equal((await send({ method: 'GET', path: '/api/2.0/mlflow/experiments/get?experiment_id=0', headers: { ...auth(), Host: host } })).status, 200, `Host: ${host}`);
  }
});

/** Sends raw request text over TCP and returns the status code of the answer. */
function rawExchange(text: string): Promise<{ status: number; response: string }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: server.port }, () => s.end(text));
    let response = '';
    s.setEncoding('utf8').on('data', (d: string) => (response += d));
    s.on('end', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0), response }));
    s.on('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error('timeout')));
  });
}

test('a request without a Host header, or with an empty one, is refused', async () => {
  const path = '/api/2.0/mlflow/experiments/get?experiment_id=0';
  const authLine = `Authorization: Bearer ${server.token}\r\n`;
  for (const [what, text] of [
    ['HTTP/1.1 without Host', `GET ${path} HTTP/1.1\r\n${authLine}Connection: close\r\n\r\n`],
    ['HTTP/1.1 with an empty Host', `GET ${path} HTTP/1.1\r\nHost: \r\n${authLine}Connection: close\r\n\r\n`],
    ['HTTP/1.0 without Host', `GET ${path} HTTP/1.0\r\n${authLine}\r\n`],
  ]) {
    const { status, response } = await rawExchange(text);
    // Node's HTTP/1.1 parser itself answers 400 for a missing Host; the server's own check answers 403.
    assert.ok(status === 403 || status === 400, `${what}: got ${response.slice(0, 200)}`);
    assert.doesNotMatch(response, /Default/, `${what}: nothing is served`);
  }
});

test('a foreign Origin is refused with 403; the server\'s own origin is fine', async () => {
  const port = server.port;
  const path = '/api/2.0/mlflow/experiments/get?experiment_id=0';
  for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'null', `http://127.0.0.1.evil.example:${port}`, 'file://', 'not a url']) {
    assertError(await send({ method: 'GET', path, headers: { ...auth(), Origin: origin } }), 403, 'PERMISSION_DENIED', `Origin: ${origin}`);
  }
  const write = await send({
    method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: { ...auth(), Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '{"name": "cross-site"}',
  });
  assertError(write, 403, 'PERMISSION_DENIED', 'cross-site write');
  assertError(await send({ method: 'GET', path: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=cross-site', headers: auth() }), 404, 'RESOURCE_DOES_NOT_EXIST', 'nothing was created');
  const preflight = await send({ method: 'OPTIONS', path: '/api/2.0/mlflow/runs/search', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' } });
  assert.equal(preflight.status, 403);
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
    assert.equal((await send({ method: 'GET', path, headers: { ...auth(), Origin: origin } })).status, 200, `Origin: ${origin}`);
  }
});

test('artifact proxy path traversal in every spelling is refused with 400; nothing is read', async () => {
  const base = artifactBase();
  const root = '/api/2.0/mlflow-artifacts/artifacts';
  assert.equal((await send({ method: 'GET', path: `${base}/a.txt`, headers: auth() })).text, 'inside', 'the baseline works');
  const traversals = [
    `${base}/../../${otherExpRunId}/artifacts/b.txt`,
    `${base}/../../../../../../../../etc/passwd`,
    `${base}/./a.txt`,
    `${base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/owner.lock`,
    `${base}/%2E%2E/%2E%2E/%2E%2E/%2E%2E/owner.lock`,
    `${base}/.%2e/.%2e/.%2e/.%2e/owner.lock`,
    `${base}/%252e%252e/%252e%252e/%252e%252e/%252e%252e/owner.lock`,
    `${base}/..%2F..%2F..%2F..%2Fowner.lock`,
    `${base}/..%2f..%2f..%2f..%2fowner.lock`,
    `${base}/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fowner.lock`,
    `${base}/a%2Fb.txt`,
    `${base}/..\\..\\..\\..\\owner.lock`,
    `${base}/%5c..%5c..%5c..%5c..%5cowner.lock`,
    `${base}/sub\\a.txt`,
    `${root}//etc/passwd`,
    `${root}/%2Fetc%2Fpasswd`,
    `${root}/${expId}/${runId}/artifacts//etc/passwd`,
    `${base}/C:/Windows/win.ini`,
    `${base}/C:%5CWindows%5Cwin.ini`,
    `${base}/a.txt%00.png`,
    `${base}/%00`,
    `${base}/%`,
    `${root}/${expId}/${runId}/..`,
    `${root}/${expId}/..`,
    `${root}/..`,
  ];
  for (const path of traversals) {
    const res = await send({ method: 'GET', path, headers: auth() });
    assertError(res, 400, 'INVALID_PARAMETER_VALUE', `GET ${path}`);
    assert.doesNotMatch(res.text, /SECRET|other run|"pid"|root:/, `nothing leaks for ${path}`);
  }
  // the list endpoint takes its path in the query string
  for (const p of [`${expId}/${runId}/artifacts/..`, `${expId}/${runId}/artifacts/../../${otherExpRunId}`, `${expId}/${runId}/artifacts/%2e%2e`, '/etc', `${expId}/${runId}/artifacts/sub\\..`, `${expId}/${runId}/artifacts/a\u0000`]) {
    assertError(await send({ method: 'GET', path: `${root}?path=${encodeURIComponent(p)}`, headers: auth() }), 400, 'INVALID_PARAMETER_VALUE', `list ${p}`);
  }
  // and the tracking API's artifacts/list
  for (const p of ['..', '../..', '/etc', 'a/../..', '%2e%2e', 'sub\\..']) {
    assertError(await send({ method: 'GET', path: `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent(p)}`, headers: auth() }), 400, 'INVALID_PARAMETER_VALUE', `artifacts/list ${p}`);
  }
});

test('artifact paths naming another run or a run that does not exist: 404, nothing read or written', async () => {
  // a run addressed under an experiment it does not belong to
  const crossed = await send({ method: 'GET', path: `${artifactBase(expId, otherExpRunId)}/b.txt`, headers: auth() });
  assertError(crossed, 404, 'RESOURCE_DOES_NOT_EXIST', 'run of another experiment');
  assert.doesNotMatch(crossed.text, /other run/);
  assertError(await send({ method: 'PUT', path: `${artifactBase(expId, otherExpRunId)}/${MARK}-crossed.txt`, headers: auth(), body: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'PUT to a run of another experiment');
  const ghost = 'ffffffffffffffffffffffffffffffff';
  assertError(await send({ method: 'GET', path: `${artifactBase(expId, ghost)}/a.txt`, headers: auth() }), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown run GET');
  assertError(await send({ method: 'PUT', path: `${artifactBase(expId, ghost)}/${MARK}-ghost.txt`, headers: auth(), body: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown run PUT');
  assertError(await send({ method: 'GET', path: `/api/2.0/mlflow-artifacts/artifacts?path=${expId}/${ghost}/artifacts`, headers: auth() }), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown run list');
  assertError(await send({ method: 'DELETE', path: `${artifactBase(expId, ghost)}/a.txt`, headers: auth() }), 404, 'RESOURCE_DOES_NOT_EXIST', 'unknown run DELETE');
  assert.equal(existsSync(join(server.storeDir, 'artifacts', expId, ghost)), false, 'no folder was made for the unknown run');
  assert.equal(existsSync(join(server.storeDir, 'artifacts', expId, otherExpRunId)), false, 'no folder was made under the wrong experiment');
  // the whole run folder may not be deleted, and a run's own folder is not a file to download
  assertError(await send({ method: 'DELETE', path: `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}`, headers: auth() }), 400, 'INVALID_PARAMETER_VALUE', 'DELETE the run folder');
  assert.equal(readFileSync(join(runArtifactDir(), 'a.txt'), 'utf8'), 'inside');
});

test('uploads through traversal are refused and write nothing outside the run', async () => {
  const base = artifactBase();
  const puts = [
    `${base}/../../../../${MARK}-1.txt`,
    `${base}/../../../../../${MARK}-2.txt`,
    `${base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/${MARK}-3.txt`,
    `${base}/%252e%252e/%252e%252e/%252e%252e/%252e%252e/%252e%252e/${MARK}-4.txt`,
    `${base}/..%2F..%2F..%2F..%2F..%2F${MARK}-5.txt`,
    `${base}/..\\..\\..\\..\\..\\${MARK}-6.txt`,
    `${base}/%5c..%5c..%5c..%5c..%5c..%5c${MARK}-7.txt`,
    `/api/2.0/mlflow-artifacts/artifacts//tmp/${MARK}-8.txt`,
    `/api/2.0/mlflow-artifacts/artifacts/%2Ftmp%2F${MARK}-9.txt`,
    `${base}/${MARK}-10.txt%00.png`,
    `${base}/C:/${MARK}-11.txt`,
    `/api/2.0/mlflow-artifacts/artifacts/${expId}/${runId}/x/../../../${MARK}-12.txt`,
  ];
  for (const path of puts) {
    const res = await send({ method: 'PUT', path, headers: { ...auth(), 'Content-Type': 'text/plain' }, body: 'PWNED' });
    assertError(res, 400, 'INVALID_PARAMETER_VALUE', `PUT ${path}`);
  }
  for (const path of [`${base}/../../../../owner.lock`, `${base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/tracking.db`, `${base}/..%2F..%2F..%2F..%2Ftracking.db`]) {
    assertError(await send({ method: 'DELETE', path, headers: auth() }), 400, 'INVALID_PARAMETER_VALUE', `DELETE ${path}`);
  }
  assert.ok(existsSync(join(server.storeDir, 'owner.lock')), 'the store is intact');
  const planted = [...walk(server.tempDir), ...readdirSync(tmpdir()).map((n) => join(tmpdir(), n))].filter((p) => p.includes(MARK));
  assert.deepEqual(planted, [], 'no file from a refused upload exists anywhere');
  assert.equal((await send({ method: 'GET', path: '/health' })).text, 'OK');
});

test('a symlink planted in a run\'s artifact folder cannot be used to read, list, write or delete outside it', async () => {
  const base = artifactBase();
  symlinkSync(outside, join(runArtifactDir(), 'link'));
  symlinkSync(join(outside, 'secret.txt'), join(runArtifactDir(), 'secret-link.txt'));
  const refused = async (method: string, path: string, body?: string): Promise<void> => {
    const res = await send({ method, path, headers: auth(), body });
    assertError(res, 400, 'INVALID_PARAMETER_VALUE', `${method} ${path}`);
    assert.doesNotMatch(res.text, /SECRET/);
  };
  await refused('GET', `${base}/link/secret.txt`);
  await refused('GET', `${base}/secret-link.txt`);
  await refused('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${expId}/${runId}/artifacts/link`);
  await refused('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=link`);
  await refused('PUT', `${base}/link/${MARK}-via-link.txt`, 'PWNED');
  await refused('PUT', `${base}/link/deeper/${MARK}-via-link.txt`, 'PWNED');
  await refused('PUT', `${base}/secret-link.txt`, 'PWNED');
  await refused('DELETE', `${base}/link/secret.txt`);
  await refused('GET', `/get-artifact?run_uuid=${runId}&path=link/secret.txt`);
  assert.deepEqual(readdirSync(outside), ['secret.txt'], 'nothing was written or created outside');
  assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'SECRET', 'the target is untouched');

  // a whole run folder replaced by a link leading outside
  const linkedRun = (await c.post<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: expId })).run.info.run_id;
  symlinkSync(outside, join(server.storeDir, 'artifacts', expId, linkedRun));
  await refused('GET', `/api/2.0/mlflow-artifacts/artifacts/${expId}/${linkedRun}/secret.txt`);
  await refused('PUT', `${artifactBase(expId, linkedRun)}/${MARK}-run-link.txt`, 'PWNED');
  assert.deepEqual(readdirSync(outside), ['secret.txt']);
});

test('a body over the size limit is refused with 400 and the server stays healthy', async () => {
  const big = Buffer.alloc(33 * 1024 * 1024, 0x20); // over the 32 MiB JSON body limit
  const declared = await send({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', headers: { ...auth(), 'Content-Type': 'application/json' }, body: big, timeoutMs: 60_000 });
  assertError(declared, 400, 'INVALID_PARAMETER_VALUE', 'Content-Length over the limit');

  // the same without Content-Length: chunked transfer, stopped while streaming
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', headers: { ...auth(), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } },
      (resp) => {
        let body = '';
        resp.setEncoding('utf8').on('data', (d: string) => (body += d));
        resp.on('end', () => resolve({ status: resp.statusCode ?? 0, body }));
      },
    );
    r.on('error', reject);
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < 34) {
        sent++;
        if (!r.write(piece)) return void r.once('drain', pump);
      }
      r.end();
    };
    pump();
  });
  assert.equal(chunked.status, 400, chunked.body);
  assert.equal(JSON.parse(chunked.body).error_code, 'INVALID_PARAMETER_VALUE');

  assert.equal((await send({ method: 'GET', path: '/health' })).text, 'OK');
  assert.equal((await c.getExperiment(expId)).name, 'security', 'the server still answers');
  assert.equal(server.proc.exitCode, null);
});

test('multipart upload endpoints answer 501 NOT_IMPLEMENTED with MLflow\'s message', async () => {
  const path = `${expId}/${runId}/artifacts/big.bin`;
  const bodies: Record<string, unknown> = {
    create: { path: 'big.bin', num_parts: 3 },
    complete: { path: 'big.bin', upload_id: 'u', parts: [{ part_number: 1, etag: 'e', url: 'http://x' }] },
    abort: { path: 'big.bin', upload_id: 'u' },
  };
  for (const [op, body] of Object.entries(bodies)) {
    const res = await send({ method: 'POST', path: `/api/2.0/mlflow-artifacts/mpu/${op}/${path}`, headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 501, `${op}: ${res.text}`);
    const err = res.json<{ error_code: string; message: string }>();
    assert.equal(err.error_code, 'NOT_IMPLEMENTED');
    assert.ok(err.message.startsWith('Multipart upload is not supported for the current artifact repository'), err.message);
  }
  assert.equal(existsSync(join(runArtifactDir(), 'big.bin')), false);
});

test('the CLI refuses to bind anything but loopback, with a clear message and a non-zero exit', async () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    const store = join(server.tempDir, `refused-${host.replace(/\W/g, '_')}`);
    const r = await runCli(['server', '--store', store, '--host', host, '--port', '0', '--token', 't']);
    assert.notEqual(r.code, 0, `--host ${host} must fail`);
    assert.equal(r.signal, null);
    assert.match(r.stderr, new RegExp(`${host.replace(/[.:]/g, '\\$&')}.*loopback`), `stderr names the host and says loopback: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /Tracking URI/);
    assert.equal(existsSync(store), false, 'no store was created');
  }
});

test('the server listens on loopback only', async (t: TestContext) => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!external) {
    t.skip('no non-loopback IPv4 address on this machine');
    return;
  }
  const outcome = await new Promise<string>((resolve) => {
    const s = connect({ host: external.address, port: server.port });
    s.setTimeout(3000, () => {
      s.destroy();
      resolve('timeout');
    });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.notEqual(outcome, 'connected', `port ${server.port} must not be reachable on ${external.address}`);
});

test('no response ever carries Access-Control-Allow-Origin, and nothing but the MPU refusal is a 5xx', async () => {
  // a same-origin preflight and a plain API call, for good measure
  await send({ method: 'OPTIONS', path: '/api/2.0/mlflow/runs/search', headers: { Origin: `http://127.0.0.1:${server.port}`, 'Access-Control-Request-Method': 'POST' } });
  await send({ method: 'GET', path: '/api/2.0/mlflow/experiments/get?experiment_id=0', headers: { ...auth(), Origin: `http://127.0.0.1:${server.port}` } });
  assert.ok(responses.length > 100, `checked ${responses.length} responses`);
  for (const { what, res } of responses) {
    for (const h of Object.keys(res.headers)) assert.ok(!h.toLowerCase().startsWith('access-control-'), `${what} sent ${h}`);
  }
  const fivexx = responses.filter(({ what, res }) => res.status >= 500 && !(res.status === 501 && what.includes('/mpu/'))).map(({ what, res }) => `${what} → ${res.status}`);
  assert.deepEqual(fivexx, []);
  assert.deepEqual(c.calls.filter((x) => x.status >= 500), []);
});
