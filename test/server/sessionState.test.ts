// The environment handed to terminals and the clipboard, and the status bar's wording per state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { environmentText, statusPresentation, trackingEnvironment } from '../../extension/server/sessionState';

test('owner, client and remote sessions hand out their URI and token; others nothing', () => {
  assert.deepEqual(trackingEnvironment({ mode: 'owner', uri: 'http://127.0.0.1:5000', token: 't' }), {
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000',
    MLFLOW_TRACKING_TOKEN: 't',
  });
  assert.deepEqual(trackingEnvironment({ mode: 'client', uri: 'http://127.0.0.1:5001', token: 'u', ownerPid: 7 }).MLFLOW_TRACKING_URI, 'http://127.0.0.1:5001');
  assert.deepEqual(trackingEnvironment({ mode: 'remote', uri: 'https://mlflow.example.com' }), { MLFLOW_TRACKING_URI: 'https://mlflow.example.com' });
  assert.deepEqual(trackingEnvironment({ mode: 'starting' }), {});
  assert.deepEqual(trackingEnvironment({ mode: 'error', message: 'x' }), {});
});

test('the copied environment survives a real shell, quotes and all', () => {
  const text = environmentText({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000', MLFLOW_TRACKING_TOKEN: "it's $HOME `x`" });
  const r = spawnSync('sh', ['-c', `${text}\nprintf '%s|%s' "$MLFLOW_TRACKING_URI" "$MLFLOW_TRACKING_TOKEN"`], { encoding: 'utf8' });
  assert.equal(r.stdout, "http://127.0.0.1:5000|it's $HOME `x`");
});

test('the status bar names the state and where the server is', () => {
  assert.equal(statusPresentation({ mode: 'owner', uri: 'http://127.0.0.1:5000', token: 't' }).text, '$(beaker) MLflow 127.0.0.1:5000');
  assert.equal(statusPresentation({ mode: 'client', uri: 'http://127.0.0.1:5000', ownerPid: 42 }).text, '$(plug) MLflow 127.0.0.1:5000');
  assert.match(statusPresentation({ mode: 'client', uri: 'http://127.0.0.1:5000', ownerPid: 42 }).tooltip, /another window \(process 42\)/);
  assert.equal(statusPresentation({ mode: 'remote', uri: 'https://mlflow.example.com/team' }).text, '$(cloud) MLflow mlflow.example.com/team');
  const failed = statusPresentation({ mode: 'error', message: 'disk full' }, 'proj');
  assert.equal(failed.warning, true);
  assert.match(failed.tooltip, /\(proj\) failed: disk full/);
});
