// The REAL MLflow 3.11 Python client against our CLI server: log a sklearn model with `name=` and
// `registered_model_name=`, load it back by every URI form with equal predictions, log a metric for the model,
// search and get logged models. Skipped (one line) when the MLflow 3.11 package or Python is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer } from '../support/cliServer';
import { realMlflow } from '../support/realMlflow';

const mlflow3 = realMlflow('3.11');
const SITE = typeof mlflow3 === 'string' ? '' : mlflow3.site;
const PYTHON = typeof mlflow3 === 'string' ? '' : mlflow3.python;
const ENV = { ...process.env, PYTHONPATH: SITE, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };

function skipReason(): string | undefined {
  return typeof mlflow3 === 'string' ? mlflow3 : undefined;
}

const SCRIPT = String.raw`
import json, mlflow
from mlflow import MlflowClient
import numpy as np
from sklearn.linear_model import LogisticRegression

X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9], [0.2, 0.8]])
y = np.array([0, 1, 0, 1, 0, 0])
clf = LogisticRegression().fit(X, y)
expected = clf.predict(X).tolist()
client = MlflowClient()
out = {}
exp_id = mlflow.set_experiment("real-client-lm").experiment_id
with mlflow.start_run() as run:
    mlflow.log_param("C", 1.0)
    info = mlflow.sklearn.log_model(clf, name="model", registered_model_name="lm-real", input_example=X[:2])
    mlflow.log_metric("val_acc", 0.8, step=1, model_id=info.model_id)
model_id = info.model_id
out["model_id"] = model_id
out["run_id"] = run.info.run_id
out["model_uri"] = info.model_uri
for uri in ["models:/lm-real/1", f"models:/{model_id}", f"runs:/{run.info.run_id}/model"]:
    out[uri] = mlflow.pyfunc.load_model(uri).predict(X).tolist() == expected
lm = client.get_logged_model(model_id)
out["get"] = {"name": lm.name, "status": str(lm.status), "source_run_id": lm.source_run_id, "params": lm.params,
              "tags": lm.tags, "metrics": [(m.key, m.value, m.step, m.run_id) for m in lm.metrics or []],
              "artifact_location": lm.artifact_location}
out["search"] = [m.model_id for m in mlflow.search_logged_models(experiment_ids=[exp_id], filter_string="name = 'model' AND metrics.val_acc > 0.5", output_format="list")]
out["search_none"] = len(mlflow.search_logged_models(experiment_ids=[exp_id], filter_string="metrics.val_acc > 0.9", output_format="list"))
mv = client.get_model_version("lm-real", "1")
out["version"] = {"source": mv.source, "run_id": mv.run_id}
out["download_uri"] = client.get_model_version_download_uri("lm-real", "1")
print("RESULT " + json.dumps(out))
`;

test('the real MLflow 3.11 client logs, registers, loads and searches logged models on our server', { timeout: 600_000 }, async (t) => {
  const reason = skipReason();
  if (reason) {
    t.skip(`skipped: ${reason}`);
    return;
  }
  const server = await startCliServer();
  try {
    const script = join(server.tempDir, 'real_client.py');
    writeFileSync(script, SCRIPT);
    const r = spawnSync(PYTHON, [script], {
      cwd: server.tempDir,
      env: { ...ENV, MLFLOW_TRACKING_URI: server.url, MLFLOW_TRACKING_TOKEN: server.token, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' },
      encoding: 'utf8',
      timeout: 540_000,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, `the script finished (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
    const out = JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown> & {
      model_id: string;
      run_id: string;
      get: Record<string, unknown> & { tags: Record<string, string> };
    };
    assert.match(out.model_id, /^m-[0-9a-f]{32}$/);
    assert.equal(out.model_uri, `models:/${out.model_id}`);
    for (const uri of ['models:/lm-real/1', `models:/${out.model_id}`, `runs:/${out.run_id}/model`]) assert.equal(out[uri], true, `predictions through ${uri}`);
    assert.equal(out.get.name, 'model');
    assert.equal(out.get.status, 'READY');
    assert.equal(out.get.source_run_id, out.run_id);
    assert.deepEqual(out.get.params, { C: '1.0' });
    assert.deepEqual(out.get.metrics, [['val_acc', 0.8, 1, out.run_id]]);
    assert.match(out.get.artifact_location as string, new RegExp(`^mlflow-artifacts:/\\d+/models/${out.model_id}/artifacts$`));
    // The server lists the version (version as a number); the client then appends its own entry (as a string).
    assert.equal(out.get.tags['mlflow.modelVersions'], '[{"name": "lm-real", "version": 1}, {"name": "lm-real", "version": "1"}]');
    assert.deepEqual(out.search, [out.model_id]);
    assert.equal(out.search_none, 0);
    assert.deepEqual(out.version, { source: `models:/${out.model_id}`, run_id: out.run_id });
    assert.equal(out.download_uri, out.get.artifact_location);
  } finally {
    await server.stop();
  }
});
