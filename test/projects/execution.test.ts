// Real project runs through the code the VS Code task runs (ProjectRunExecution), against a real store and
// REST server on 127.0.0.1 with a token: real `bash -c` children, a stdlib Python script logging metrics over
// HTTP into the run named by MLFLOW_RUN_ID, and the run checked afterwards — status, params, tags, metrics,
// the output artifact; a failing script ends FAILED, a stopped one KILLED (its whole process group gone), a
// script that ends its run itself keeps its status, and a python_env.yaml project gets its virtualenv created
// once and reused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localArtifactFile } from '../../extension/client/artifactLocation';
import { OUTPUT_ARTIFACT, ProjectRunExecution, type RunOutcome, type RunRequest } from '../../extension/projects/system/execution';
import { startTrackingServer, type RunningServer } from '../../extension/tracking/server/trackingServer';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';

const TOKEN = 'project-test-token';
let store: TrackingStore;
let server: RunningServer;
let root: string;
/** The git repository; the project is its `projects/demo` subfolder. */
let repo: string;
let projectDir: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'mwb-exec-'));
  store = await TrackingStore.open({ dir: join(root, 'store'), checkpointIntervalMs: 0 });
  server = await startTrackingServer({ store, token: TOKEN });
  repo = join(root, 'repo');
  projectDir = join(repo, 'projects', 'demo');
  mkdirSync(projectDir, { recursive: true });
  cpSync(join(__dirname, 'fixtures', 'logging-project'), projectDir, { recursive: true });
  const git = (...args: string[]): void => {
    const r = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    assert.equal(r.status, 0, r.stderr);
  };
  git('init', '-q', '-b', 'trunk');
  git('remote', 'add', 'origin', 'https://example.invalid/team/demo.git');
  git('remote', 'add', 'another', 'https://example.invalid/other.git');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
});

after(async () => {
  await server.close();
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

interface Ran {
  outcome: RunOutcome;
  output: string;
}

function request(over: Partial<RunRequest>): RunRequest {
  return {
    projectDir,
    entryPoint: 'main',
    parameters: [],
    envManager: 'local',
    tracking: { uri: server.url, token: TOKEN },
    env: { ...process.env, MLFLOW_ENV_ROOT: join(root, 'envs') },
    ...over,
  };
}

async function run(over: Partial<RunRequest>, onOutput?: (text: string, exec: ProjectRunExecution) => void): Promise<Ran> {
  let output = '';
  let createdStatus: string | undefined;
  const exec: ProjectRunExecution = new ProjectRunExecution(request(over), {
    output: (t) => {
      output += t;
      onOutput?.(output, exec);
    },
    runCreated: (r) => (createdStatus = store.getRun(r.info.run_id).info.status),
  });
  const outcome = await exec.start();
  if (outcome.runId) assert.equal(createdStatus, 'RUNNING', 'the run exists, RUNNING, before the process starts');
  return { outcome, output };
}

function tags(runId: string): Record<string, string> {
  return Object.fromEntries((store.getRun(runId).data.tags ?? []).map((t) => [t.key, t.value]));
}

function params(runId: string): Record<string, string> {
  return Object.fromEntries((store.getRun(runId).data.params ?? []).map((p) => [p.key, p.value]));
}

function outputArtifact(runId: string): string {
  const run = store.getRun(runId);
  const file = localArtifactFile(store.artifactsDir, run.info.artifact_uri!, OUTPUT_ARTIFACT);
  assert.ok(file && existsSync(file), `the output log is an artifact of run ${runId}`);
  return readFileSync(file, 'utf8');
}

test('a project run is recorded like `mlflow run`: RUNNING first, then FINISHED with params, tags, metrics and its output', async () => {
  const { outcome, output } = await run({ parameters: [['label', "it's"], ['extra', 'x y']], experiment: { name: 'projects-it' }, runName: 'first' });
  assert.equal(outcome.status, 'FINISHED', output);
  const runId = outcome.runId!;
  const r = store.getRun(runId);
  assert.equal(r.info.status, 'FINISHED');
  assert.equal(r.info.run_name, 'first');
  assert.ok(r.info.end_time && r.info.end_time >= r.info.start_time!);
  assert.equal(store.getExperiment(r.info.experiment_id).name, 'projects-it', 'the experiment was created by name');

  // Params as MLflow logs them: quoted strings, defaults filled in, the path as given, extras last.
  assert.deepEqual(params(runId), { steps: '3', label: `'it'"'"'s'`, data: 'data.csv', extra: "'x y'" });

  const head = spawnSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const t = tags(runId);
  assert.equal(t['mlflow.source.type'], 'PROJECT');
  assert.equal(t['mlflow.source.name'], `file://${repo}#projects/demo`);
  assert.equal(t['mlflow.project.entryPoint'], 'main');
  assert.equal(t['mlflow.project.backend'], 'local');
  assert.equal(t['mlflow.project.env'], undefined, 'local runs have no env tag');
  assert.equal(t['mlflow.source.git.commit'], head);
  assert.equal(t['mlflow.source.git.repoURL'], 'https://example.invalid/team/demo.git', 'the first remote in the config');
  assert.equal(t['mlflow.source.git.branch'], 'trunk');
  assert.equal(t['mlflow.runName'], 'first');
  assert.ok(t['mlflow.user']);

  // The child logged into this very run, over HTTP, with the token it was given.
  const losses = store.getMetricHistory(runId, 'loss').metrics.map((m) => [m.step, m.value]);
  assert.deepEqual(losses, [
    [0, 1],
    [1, 0.5],
    [2, 1 / 3],
  ]);
  assert.match(output, new RegExp(`run ${runId} in experiment ${r.info.experiment_id}: label="it's" data=${projectDir}/data.csv extra=x y`));
  assert.match(output, /=== Running command 'python3 log_metrics.py --steps 3 --label 'it'"'"'s' --data \S+\/data.csv --extra 'x y'' in run with ID/);

  const log = outputArtifact(runId);
  assert.match(log, /step 2: loss=0\.333/);
  assert.match(log, /=== Run \(ID '\w+'\) succeeded ===/);
  assert.ok(outcome.logAttached);
});

test('a failing script ends the run FAILED, with its output attached', async () => {
  const { outcome } = await run({ entryPoint: 'fail', parameters: [['code', '7']] });
  assert.equal(outcome.status, 'FAILED');
  assert.equal(outcome.exitCode, 7);
  assert.equal(store.getRun(outcome.runId!).info.status, 'FAILED');
  assert.match(outputArtifact(outcome.runId!), /boom[\s\S]*=== Run \(ID '\w+'\) failed ===/);
});

test('stopping ends the whole process group and the run ends KILLED', async () => {
  const pidFile = join(root, 'sleeper.pid');
  let stopped = false;
  const { outcome } = await run({ entryPoint: 'sleep', env: { ...process.env, SLEEPER_PID_FILE: pidFile } }, (out, exec) => {
    if (!stopped && out.includes('started')) {
      stopped = true;
      exec.stop();
    }
  });
  assert.equal(outcome.status, 'KILLED');
  assert.equal(outcome.exitCode, null, 'ended by the signal, not by finishing its 60 s sleep');
  assert.equal(store.getRun(outcome.runId!).info.status, 'KILLED');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    try {
      process.kill(grandchild, 0);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, 'the grandchild `sleep 60` was in the group and got the signal');
  assert.match(outputArtifact(outcome.runId!), /started[\s\S]*interrupted, cancelling run/);
});

test('a script that ends its run itself keeps that status (MLflow only ends runs still RUNNING)', async () => {
  const { outcome } = await run({ entryPoint: 'self_end' });
  assert.equal(outcome.status, 'FAILED', 'the process failed');
  assert.equal(store.getRun(outcome.runId!).info.status, 'FINISHED', 'but the run keeps the status the script gave it');
});

test('bad input is refused before any run exists', async () => {
  const before = store.searchRuns({ experiment_ids: ['0'], max_results: 1000 }).runs.length;
  const typed = await run({ parameters: [['steps', 'three']], experiment: { id: '0' } });
  assert.equal(typed.outcome.status, 'REFUSED');
  assert.match(typed.output, /'steps' is an int: "three" is not a whole number/);
  assert.match(typed.output, /MLflow itself does not check it[\s\S]*To run anyway, set "checkValueTypes": false/);
  const path = await run({ parameters: [['data', 'missing.csv']], experiment: { id: '0' } });
  assert.match(path.output, /Got value missing.csv for parameter data, but no such file or directory was found/);
  const unknown = await run({ entryPoint: 'nope', experiment: { id: '0' } });
  assert.match(unknown.output, /Could not find nope among entry points \['main', 'fail', 'sleep', 'self_end'\]/);
  assert.equal(store.searchRuns({ experiment_ids: ['0'], max_results: 1000 }).runs.length, before);
});

test('checkValueTypes: false runs a value only the editor refuses, as MLflow would pass it', async () => {
  // int('0x4') fails, so the editor refuses it; MLflow passes the text on, and Python's sys.exit(0x4) reads it.
  const refused = await run({ entryPoint: 'fail', parameters: [['code', '0x4']], experiment: { id: '0' } });
  assert.equal(refused.outcome.status, 'REFUSED');
  const { outcome } = await run({ entryPoint: 'fail', parameters: [['code', '0x4']], experiment: { id: '0' }, checkValueTypes: false });
  assert.equal(outcome.exitCode, 4);
  assert.deepEqual(store.getRun(outcome.runId!).data.params, [{ key: 'code', value: '0x4' }]);
});

test('a python_env.yaml project gets its virtualenv created once (MLflow naming), then reused', { timeout: 180_000 }, async () => {
  const dir = join(root, 'venv-project');
  mkdirSync(dir);
  const version = spawnSync('python3', ['-c', "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(dir, 'MLproject'), 'name: venv\nentry_points:\n  main:\n    command: "python report.py"\n');
  writeFileSync(join(dir, 'python_env.yaml'), `python: "${version}"\nbuild_dependencies: []\ndependencies: []\n`);
  writeFileSync(join(dir, 'report.py'), 'import os, sys\nprint("prefix=" + sys.prefix)\nprint("venv=" + os.environ.get("VIRTUAL_ENV", ""))\n');
  const first = await run({ projectDir: dir, envManager: undefined });
  assert.equal(first.outcome.status, 'FINISHED', first.output);
  assert.match(first.output, /=== Creating a new environment in (\S+) with /);
  const envDir = /=== Creating a new environment in (\S+) with /.exec(first.output)![1];
  assert.match(envDir, new RegExp(`^${join(root, 'envs')}/mlflow-[0-9a-f]{40}$`));
  assert.ok(existsSync(join(envDir, 'bin', 'activate')));
  assert.match(first.output, new RegExp(`prefix=${envDir}\\n`), 'the command ran inside the environment');
  assert.equal(tags(first.outcome.runId!)['mlflow.project.env'], 'virtualenv');
  assert.match(first.output, /=== Running command 'source \S+\/bin\/activate && python report.py'/);

  const second = await run({ projectDir: dir, envManager: undefined });
  assert.equal(second.outcome.status, 'FINISHED', second.output);
  assert.doesNotMatch(second.output, /Creating a new environment/);
  assert.match(second.output, new RegExp(`=== Environment ${envDir} already exists ===`));
  assert.match(second.output, new RegExp(`prefix=${envDir}\\n`));
});

test('a stop before the run exists records nothing; a stop during environment creation ends the run KILLED', { timeout: 180_000 }, async () => {
  const before = store.searchRuns({ experiment_ids: ['0'], max_results: 1000 }).runs.length;
  const early = new ProjectRunExecution(request({ experiment: { id: '0' } }), { output: () => undefined });
  const pending = early.start();
  early.stop();
  assert.equal((await pending).status, 'REFUSED');
  assert.equal(store.searchRuns({ experiment_ids: ['0'], max_results: 1000 }).runs.length, before);

  // A fresh environment (its own spec → its own name) is being created when the stop comes.
  const dir = join(root, 'venv-stop');
  mkdirSync(dir);
  writeFileSync(join(dir, 'MLproject'), 'entry_points:\n  main:\n    command: "python -c pass"\n');
  writeFileSync(join(dir, 'python_env.yaml'), 'dependencies: []\nbuild_dependencies: []\n');
  let stopped = false;
  const { outcome, output } = await run({ projectDir: dir, envManager: 'virtualenv', experiment: { id: '0' }, env: { ...process.env, MLFLOW_ENV_ROOT: join(root, 'envs-stop') } }, (out, exec) => {
    if (!stopped && out.includes('Creating a new environment')) {
      stopped = true;
      exec.stop();
    }
  });
  assert.equal(outcome.status, 'KILLED', output);
  assert.equal(store.getRun(outcome.runId!).info.status, 'KILLED');
  const left = existsSync(join(root, 'envs-stop')) ? readdirSync(join(root, 'envs-stop')) : [];
  assert.deepEqual(left, [], 'the half-made environment (and its marker) is removed');
});
