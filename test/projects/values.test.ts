// The editor's own checks and memory: float/int input checked the way Python's float()/int() read text (against
// CPython), the run-record tags for a project inside and outside git, the end status rule, and what the
// "Run" code lens reuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadProject } from '../../extension/projects/core/project';
import { parseAssignment, valuesWithoutPrompt, initialValue } from '../../extension/projects/core/lastValues';
import { finalStatus, osUser, projectRunTags, sourceName } from '../../extension/projects/core/runRecord';
import { checkValue, checkValues, defaultString, isPythonFloat, isPythonInt } from '../../extension/projects/core/values';
import { validateTaskDefinition } from '../../extension/projects/core/taskDefinition';

test("float and int checks accept exactly what CPython's float() and int() accept", () => {
  const inputs = ['1', '-1', '+2', ' 3 ', '1.5', '.5', '5.', '1e3', '1E-3', '1_000', '1__0', '_1', '1_', '1.5e', 'inf', '-Infinity', 'nan', 'NaN', 'infinit', '0x10', '1,5', '', ' ', 'abc', '1.2.3', '١٢', '0.1_2', '1e1_0', '+-1', '00', '0b1'];
  const r = spawnSync('python3', ['-c', 'import json,sys\nout=[]\nfor s in json.load(sys.stdin):\n  r=[]\n  for f in (float,int):\n    try: f(s); r.append(True)\n    except ValueError: r.append(False)\n  out.append(r)\nprint(json.dumps(out))'], { input: JSON.stringify(inputs), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as Array<[boolean, boolean]>;
  inputs.forEach((s, i) => {
    // Non-ASCII digits (Arabic-Indic ١٢) are accepted by Python; the editor only vouches for ASCII input.
    if (/[^\x20-\x7e]/.test(s)) return;
    assert.deepEqual([isPythonFloat(s), isPythonInt(s)], expected[i], JSON.stringify(s));
  });
});

const MODEL = loadProject('entry_points:\n  main:\n    parameters:\n      a: {type: float, default: 0.10}\n      b: string\n      c: {type: string, default: [1, x]}\n    command: "echo {a} {b} {c}"\n', '/p', () => true).model;
const [a, b, c] = MODEL.entryPoints[0].parameters;

test("defaults are offered as Python's str() of them; remembered values win; required ones force a prompt", () => {
  assert.equal(defaultString(a), '0.1');
  assert.equal(defaultString(b), undefined);
  assert.equal(defaultString(c), "[1, 'x']");
  assert.equal(initialValue(a, undefined), '0.1');
  assert.equal(initialValue(a, { parameters: { a: '0.3' } }), '0.3');
  assert.equal(initialValue(b, undefined), '');
  assert.equal(valuesWithoutPrompt([a, b], undefined), undefined, 'b is required and has no last value');
  assert.deepEqual(valuesWithoutPrompt([a, b], { parameters: { b: 'x' }, extras: [['z', '1']] }), [['b', 'x'], ['z', '1']]);
  assert.deepEqual(valuesWithoutPrompt([a], undefined), [], 'defaults need no values');
  assert.deepEqual(parseAssignment('k=v=w'), ['k', 'v=w']);
  assert.equal(parseAssignment('=v'), undefined);
});

test('run tags: source name file://<repo>#<subdir> in git, the folder otherwise; env tag only off local', () => {
  assert.equal(sourceName('/r/projects/demo', { topLevel: '/r' }), 'file:///r#projects/demo');
  assert.equal(sourceName('/r', { topLevel: '/r' }), 'file:///r');
  assert.equal(sourceName('/elsewhere/p', undefined), '/elsewhere/p');
  const tags = Object.fromEntries(projectRunTags({ projectDir: '/r/p', entryPoint: 'main', user: 'ann', git: { topLevel: '/r', commit: 'abc', branch: 'dev', repoUrl: 'git@x:y.git' }, env: 'uv' }));
  assert.deepEqual(tags, {
    'mlflow.user': 'ann',
    'mlflow.source.name': 'file:///r#p',
    'mlflow.source.type': 'PROJECT',
    'mlflow.project.entryPoint': 'main',
    'mlflow.source.git.commit': 'abc',
    'mlflow.source.git.repoURL': 'git@x:y.git',
    'mlflow.gitRepoURL': 'git@x:y.git',
    'mlflow.source.git.branch': 'dev',
    'mlflow.gitBranchName': 'dev',
    'mlflow.project.backend': 'local',
    'mlflow.project.env': 'uv',
  });
  assert.equal(Object.fromEntries(projectRunTags({ projectDir: '/p', entryPoint: 'x.py', user: 'u', env: 'local' }))['mlflow.project.env'], undefined);
  assert.equal(osUser({ USER: 'u1', LOGNAME: 'l1' }, () => 'pw'), 'l1', 'getpass order: LOGNAME first');
  assert.equal(osUser({}, () => 'pw'), 'pw');
});

test('the end status: FINISHED on 0, FAILED otherwise, KILLED when stopped — only for a run still RUNNING', () => {
  assert.equal(finalStatus('RUNNING', { stopped: false, exitCode: 0 }), 'FINISHED');
  assert.equal(finalStatus('RUNNING', { stopped: false, exitCode: 2 }), 'FAILED');
  assert.equal(finalStatus('RUNNING', { stopped: false, exitCode: null }), 'FAILED');
  assert.equal(finalStatus('RUNNING', { stopped: true, exitCode: 0 }), 'KILLED');
  assert.equal(finalStatus('FINISHED', { stopped: false, exitCode: 1 }), undefined);
  assert.equal(finalStatus('FAILED', { stopped: true, exitCode: null }), undefined);
});

test('checkValue: float/int problems are the editor\'s own (MLflow passes them on): said so, and marked for "Run anyway"', () => {
  const model = loadProject('entry_points:\n  main:\n    parameters:\n      f: float\n      i: int\n      u: uri\n      p: path\n    command: "x {f} {i} {u} {p}"\n', '/p', () => true).model;
  const [f, i, u, p] = model.entryPoints[0].parameters;
  const ctx = { cwd: '/p', exists: (abs: string) => abs === '/p/data.csv' };
  assert.equal(checkValue(f, '0.5', ctx), undefined);
  const bad = checkValue(f, 'abc', ctx)!;
  assert.equal(bad.editorOnly, true);
  assert.match(bad.message, /MLflow itself does not check it and would pass the text to the program as is/);
  assert.equal(checkValue(i, '1.5', ctx)!.editorOnly, true);
  // MLflow's own checks stay refusals.
  assert.equal(checkValue(u, 'relative', ctx)!.editorOnly, false);
  assert.equal(checkValue(p, 'missing.csv', ctx)!.editorOnly, false);
  assert.equal(checkValue(p, '', ctx)!.editorOnly, false);
  assert.equal(checkValue(p, 'data.csv', ctx), undefined);
  assert.deepEqual(checkValues([f, i, u, p], [['i', 'x'], ['f', '1'], ['extra', 'x'], ['u', 'nope']], ctx).map((v) => v.editorOnly), [true, false]);
});

test('the task\'s checkValueTypes must be a boolean', () => {
  assert.equal(validateTaskDefinition({ type: 'mlflow', checkValueTypes: false }).ok, true);
  assert.deepEqual(validateTaskDefinition({ type: 'mlflow', checkValueTypes: 'no' }), { ok: false, errors: ["'checkValueTypes' must be true or false."] });
});
