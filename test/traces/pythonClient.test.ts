// The REAL MLflow 3.11 Python client against our CLI server: a traced function with nested spans and an
// exception in one of them is exported (StartTraceV3 + traces.json, no OTLP: we announce a version below 3.4),
// mlflow.get_trace returns its spans with their parents and the error status and event, search_traces finds it
// by filter and by run, set/delete_trace_tag and delete_traces work — with no warning from the client.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../support/cliServer';
import { realMlflow } from '../support/realMlflow';
import { SERVER_VERSION } from '../../extension/tracking/server/trackingServer';

const mlflow3 = realMlflow('3.11');
const missing = typeof mlflow3 === 'string' ? mlflow3 : undefined;
const SITE = typeof mlflow3 === 'string' ? '' : mlflow3.site;
const PYTHON = typeof mlflow3 === 'string' ? '' : mlflow3.python;

const SCRIPT = String.raw`
import json, logging, sys
import mlflow
from mlflow import MlflowClient
from mlflow.store.tracking.rest_store import RestStore
from mlflow.tracking._tracking_service.utils import _get_store

records = []
class Capture(logging.Handler):
    def emit(self, record):
        records.append((record.levelname, record.name, record.getMessage()))
handler = Capture(level=logging.DEBUG)
root = logging.getLogger("mlflow")
root.addHandler(handler)
for name in ("mlflow.tracing.export.mlflow_v3", "mlflow.store.tracking.rest_store", "mlflow.tracing.client"):
    logging.getLogger(name).setLevel(logging.DEBUG)

out = {}
exp = mlflow.set_experiment("py-traces").experiment_id

@mlflow.trace
def inner(x):
    return x * 2

@mlflow.trace(name="failing")
def failing(x):
    raise ValueError("boom")

@mlflow.trace
def outer(x):
    y = inner(x)
    try:
        failing(x)
    except ValueError:
        pass
    return y + 1

with mlflow.start_run() as run:
    out["result"] = outer(3)
tid = mlflow.get_last_active_trace_id()
mlflow.flush_trace_async_logging()
out["trace_id"] = tid
out["run_id"] = run.info.run_id
out["experiment_id"] = exp
out["server_version"] = str(RestStore._get_server_version(_get_store().get_host_creds()))

t = mlflow.get_trace(tid)
out["spans"] = [
    {
        "name": s.name,
        "span_id": s.span_id,
        "parent_id": s.parent_id,
        "status": s.status.status_code.value if hasattr(s.status.status_code, "value") else str(s.status.status_code),
        "description": s.status.description,
        "events": [{"name": e.name, "type": e.attributes.get("exception.type"), "message": e.attributes.get("exception.message")} for e in s.events],
        "inputs": s.inputs,
        "outputs": s.outputs,
    }
    for s in t.data.spans
]
out["state"] = t.info.state.value
out["tags"] = t.info.tags
out["metadata"] = t.info.trace_metadata
out["request_time"] = t.info.request_time

client = MlflowClient()
ids = lambda traces: [x.info.trace_id for x in traces]
out["search_all"] = ids(mlflow.search_traces(locations=[exp], return_type="list"))
out["search_filter"] = ids(mlflow.search_traces(locations=[exp], filter_string="status = 'OK' AND name = 'outer'", return_type="list"))
out["search_none"] = ids(mlflow.search_traces(locations=[exp], filter_string="name = 'nothing'", return_type="list"))
out["search_run"] = ids(mlflow.search_traces(locations=[exp], run_id=run.info.run_id, return_type="list"))
out["search_spans"] = [len(x.data.spans) for x in mlflow.search_traces(locations=[exp], return_type="list")]
out["client_search"] = ids(client.search_traces(locations=[exp], max_results=10))
client.set_trace_tag(tid, "k", "v")
out["tag_after_set"] = client.get_trace(tid).info.tags.get("k")
client.delete_trace_tag(tid, "k")
out["tag_after_delete"] = client.get_trace(tid).info.tags.get("k")
out["batch"] = [len(x.data.spans) for x in client._tracing_client.batch_get_traces([tid])]
out["problems"] = [r for r in records if r[1].startswith(("mlflow.tracing", "mlflow.store", "mlflow.tracking")) and (r[0] in ("WARNING", "ERROR") or "Failed to log span" in r[2] or "log_spans" in r[2])]
records.clear()
out["deleted"] = client.delete_traces(experiment_id=exp, trace_ids=[tid])
out["after_delete"] = mlflow.get_trace(tid) is None
print("RESULT " + json.dumps(out, default=str))
`;

let server: CliServer | undefined;
after(async () => {
  await server?.stop();
});

function runPython(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 240_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('the real MLflow 3.11 client traces, reads, searches, tags and deletes against our server', { skip: missing, timeout: 300_000 }, async () => {
  server = await startCliServer();
  const file = join(server.tempDir, 'traced.py');
  writeFileSync(file, SCRIPT);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PYTHONPATH: SITE,
    MLFLOW_TRACKING_URI: server.url,
    MLFLOW_TRACKING_TOKEN: server.token,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
  };
  const res = await runPython(file, env);
  const line = res.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `the script ran to its end (exit ${res.code})\n${res.stderr.slice(-4000)}`);
  const out = JSON.parse(line.slice('RESULT '.length)) as {
    result: number; trace_id: string; run_id: string; experiment_id: string; server_version: string; state: string;
    spans: { name: string; span_id: string; parent_id: string | null; status: string; description: string; events: { name: string; type: string; message: string }[]; inputs: unknown; outputs: unknown }[];
    tags: Record<string, string>; metadata: Record<string, string>;
    search_all: string[]; search_filter: string[]; search_none: string[]; search_run: string[]; search_spans: number[]; client_search: string[];
    tag_after_set: string | null; tag_after_delete: string | null; batch: number[]; problems: unknown[]; deleted: number; after_delete: boolean;
  };

  assert.equal(out.result, 7);
  assert.equal(out.server_version, SERVER_VERSION);
  const [outer, inner, failing] = ['outer', 'inner', 'failing'].map((n) => out.spans.find((s) => s.name === n));
  assert.ok(outer && inner && failing, JSON.stringify(out.spans));
  assert.equal(out.spans.length, 3);
  assert.equal(outer.parent_id, null);
  assert.equal(inner.parent_id, outer.span_id);
  assert.equal(failing.parent_id, outer.span_id);
  assert.equal(outer.status, 'OK');
  assert.equal(inner.status, 'OK');
  assert.equal(failing.status, 'ERROR');
  assert.equal(failing.description, 'ValueError: boom');
  assert.deepEqual(failing.events.map((e) => [e.name, e.type, e.message]), [['exception', 'ValueError', 'boom']]);
  assert.deepEqual(inner.inputs, { x: 3 });
  assert.equal(inner.outputs, 6);
  assert.equal(out.state, 'OK');
  // spans came from the traces.json artifact: the server never claims to hold them
  assert.equal(out.tags['mlflow.trace.spansLocation'], undefined);
  assert.equal(out.tags['mlflow.artifactLocation'], `mlflow-artifacts:/${out.experiment_id}/traces/${out.trace_id}/artifacts`);
  assert.equal(out.metadata['mlflow.sourceRun'], out.run_id);
  assert.equal(out.metadata['mlflow.trace.infoFinalized'], 'true');

  assert.deepEqual(out.search_all, [out.trace_id]);
  assert.deepEqual(out.search_filter, [out.trace_id]);
  assert.deepEqual(out.search_none, []);
  assert.deepEqual(out.search_run, [out.trace_id]);
  assert.deepEqual(out.search_spans, [3], 'search_traces loads the spans too');
  assert.deepEqual(out.client_search, [out.trace_id]);
  assert.equal(out.tag_after_set, 'v');
  assert.equal(out.tag_after_delete, null);
  assert.deepEqual(out.batch, [3], 'batch_get_traces: infos from batchGetInfos, spans from the artifact');
  // no export warning, no attempt to send spans over OTLP
  assert.deepEqual(out.problems, []);
  assert.equal(out.deleted, 1);
  assert.equal(out.after_delete, true);
});
