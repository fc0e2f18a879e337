// Environment decisions and names: MLflow's default manager per project kind, the refusal of conda for python
// projects, docker winning; the virtualenv/conda names (checked against CPython doing MLflow's recipe, so
// `mlflow run` and the editor share cached environments); the conda→python conversion; the activation and
// docker command shapes; and the clear error when a needed tool is missing (real PATH lookups, real docker CLI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerRunArgs } from '../../extension/projects/core/docker';
import { condaPlan, effectiveEnv, virtualenvPlan, wrapCommand } from '../../extension/projects/core/envPlan';
import { condaEnvName, pythonEnvFromCondaYaml, pythonEnvFromYaml, pythonEnvRepr, virtualenvName } from '../../extension/projects/core/envSpec';
import { ProjectError } from '../../extension/projects/core/errors';
import { loadProject } from '../../extension/projects/core/project';
import { planEnvironment } from '../../extension/projects/system/environments';
import { which } from '../../extension/projects/system/processes';

function project(files: Record<string, string>): { dir: string; model: ReturnType<typeof loadProject>['model'] } {
  const dir = mkdtempSync(join(tmpdir(), 'mwb-env-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, model: loadProject(files.MLproject, dir, (rel) => Object.hasOwn(files, rel)).model };
}

const EP = 'entry_points:\n  main:\n    command: "python train.py"\n';

test("the default manager follows MLflow: conda for conda projects, virtualenv for python ones (even with no env file), docker wins", () => {
  assert.equal(effectiveEnv(project({ MLproject: `conda_env: conda.yaml\n${EP}`, 'conda.yaml': 'name: x\n' }).model.environment, undefined), 'conda');
  assert.equal(effectiveEnv(project({ MLproject: EP, 'conda.yaml': 'name: x\n' }).model.environment, undefined), 'conda');
  assert.equal(effectiveEnv(project({ MLproject: EP, 'python_env.yaml': 'python: "3.11"\n' }).model.environment, undefined), 'virtualenv');
  assert.equal(effectiveEnv(project({ MLproject: EP }).model.environment, undefined), 'virtualenv');
  const docker = project({ MLproject: `name: d\ndocker_env:\n  image: python:3.11\n${EP}` }).model.environment;
  assert.equal(effectiveEnv(docker, undefined), 'docker');
  assert.equal(effectiveEnv(docker, 'virtualenv'), 'docker');
  const python = project({ MLproject: EP }).model.environment;
  assert.equal(effectiveEnv(python, 'local'), 'local');
  assert.equal(effectiveEnv(python, 'uv'), 'uv');
  assert.throws(() => effectiveEnv(python, 'conda'), /python_env project cannot be executed using conda/);
  // A conda project may run in a virtualenv (converted) or locally.
  assert.equal(effectiveEnv(project({ MLproject: EP, 'conda.yaml': 'name: x\n' }).model.environment, 'virtualenv'), 'virtualenv');
});

test('python_env.yaml is read like _PythonEnv.from_yaml', () => {
  assert.deepEqual(pythonEnvFromYaml('python: "3.10"\nbuild_dependencies: [pip]\ndependencies: ["numpy==1.26", "-r requirements.txt"]\n', '3.11.7'), {
    python: '3.10',
    buildDependencies: ['pip'],
    dependencies: ['numpy==1.26', '-r requirements.txt'],
  });
  assert.deepEqual(pythonEnvFromYaml('dependencies:\n', '3.11.7'), { python: '3.11.7', buildDependencies: [], dependencies: [] });
  assert.throws(() => pythonEnvFromYaml('python: 3.10\n', '3.11.7'), /`python` must be a string but got 3.1/);
  assert.throws(() => pythonEnvFromYaml('python: "3.10"\nextra: 1\n', '3.11.7'), /unexpected key 'extra'/);
  assert.throws(() => pythonEnvFromYaml('dependencies: numpy\n', '3.11.7'), /must be a list/);
});

test('conda.yaml converts to a python env like _PythonEnv.from_conda_yaml', () => {
  const { spec, warnings } = pythonEnvFromCondaYaml('name: x\ndependencies:\n  - python=3.10.12\n  - pip<=23.0\n  - setuptools\n  - numpy=1.26\n  - pip:\n    - mlflow==2.14\n', '3.11.7');
  assert.deepEqual(spec, { python: '3.10.12', buildDependencies: ['pip<=23.0', 'setuptools'], dependencies: ['mlflow==2.14'] });
  assert.match(warnings.join('\n'), /will not be installed in the resulting environment: \['numpy=1.26'\]/);
  assert.throws(() => pythonEnvFromCondaYaml('dependencies: [python]\n', '3.11.7'), /It must be pinned/);
  assert.throws(() => pythonEnvFromCondaYaml('dependencies: [python>3.8]\n', '3.11.7'), /Invalid version comparator for python: '>'/);
  assert.throws(() => pythonEnvFromCondaYaml('dependencies: [{conda: [x]}]\n', '3.11.7'), /Invalid conda dependency/);
  const implicit = pythonEnvFromCondaYaml('dependencies: [pip=23.1]\n', '3.11.7');
  assert.deepEqual(implicit.spec, { python: '3.11.7', buildDependencies: ['pip==23.1'], dependencies: [] });
  assert.match(implicit.warnings[0], /does not include a python version specification/);
});

test('environment names are the ones MLflow computes (checked against CPython running the same recipe)', () => {
  const { dir } = project({
    MLproject: EP,
    'requirements.txt': "# comment\nscikit-learn==1.5.0  # inline\npandas \\\n>=2\n-c constraints.txt\n\n'quoted'\n",
    'constraints.txt': 'numpy<2\n',
  });
  const spec = { python: '3.10.12', buildDependencies: ['pip', 'wheel==0.41.2'], dependencies: ['zeta', '-r requirements.txt', 'alpha é'] };
  const ours = virtualenvName(spec, dir, (p) => readFileSync(p, 'utf8'));
  // Oracle: str() of the dict, the requirement namedtuples' reprs in sorted order, SHA-1 — in CPython.
  const oracle = `
import hashlib, json, sys, collections
R = collections.namedtuple('_Requirement', ['req_str', 'is_constraint'])
env = {'python': '3.10.12', 'build_dependencies': ['pip', 'wheel==0.41.2'], 'dependencies': ['zeta', '-r requirements.txt', 'alpha é']}
reqs = [R('zeta', False), R('scikit-learn==1.5.0', False), R('pandas >=2', False), R('numpy<2', True), R("'quoted'", False), R('alpha é', False)]
print('mlflow-' + hashlib.sha1((str(env) + ''.join(map(str, sorted(reqs)))).encode('utf-8')).hexdigest())
`;
  const r = spawnSync('python3', ['-c', oracle], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(ours, r.stdout.trim());
  assert.equal(pythonEnvRepr(spec), "{'python': '3.10.12', 'build_dependencies': ['pip', 'wheel==0.41.2'], 'dependencies': ['zeta', '-r requirements.txt', 'alpha é']}");
  // The default env of a project with no env file hashes like _PythonEnv() with the current version.
  const plain = spawnSync('python3', ['-c', "import hashlib; print('mlflow-' + hashlib.sha1(str({'python': '3.11.7', 'build_dependencies': [], 'dependencies': []}).encode()).hexdigest())"], { encoding: 'utf8' });
  assert.equal(virtualenvName({ python: '3.11.7', buildDependencies: [], dependencies: [] }, dir, () => ''), plain.stdout.trim());
  // conda: SHA-1 of the file's text as Python reads it (CRLF read as LF).
  const conda = spawnSync('python3', ['-c', "import hashlib; print('mlflow-' + hashlib.sha1('name: x\\ndependencies: [python=3.10]\\n'.encode()).hexdigest())"], { encoding: 'utf8' });
  assert.equal(condaEnvName('name: x\r\ndependencies: [python=3.10]\r\n'), conda.stdout.trim());
});

test('a missing -r file fails naming it', () => {
  const { dir } = project({ MLproject: EP });
  assert.throws(() => virtualenvName({ python: '3.11', buildDependencies: [], dependencies: ['-r missing.txt'] }, dir, (p) => readFileSync(p, 'utf8')), /No such file or directory: '.*missing\.txt'/);
});

test('activation shapes: source …/bin/activate && cmd, conda.sh + conda activate, source activate', () => {
  const venv = virtualenvPlan('virtualenv', { python: '3.11', buildDependencies: [], dependencies: [] }, '/home/u/.mlflow/envs', 'mlflow-abc');
  assert.equal(wrapCommand(venv, 'python train.py --a 1'), 'source /home/u/.mlflow/envs/mlflow-abc/bin/activate && python train.py --a 1');
  const modern = condaPlan('mlflow-123', '/p/conda.yaml', { CONDA_EXE: '/opt/conda/bin/conda' });
  assert.equal(wrapCommand(modern, 'python t.py'), 'source /opt/conda/bin/../etc/profile.d/conda.sh && conda activate mlflow-123 1>&2 && python t.py');
  assert.equal(modern.conda, '/opt/conda/bin/conda');
  const legacy = condaPlan('mlflow-123', '/p/conda.yaml', {});
  assert.equal(wrapCommand(legacy, 'python t.py'), 'source activate mlflow-123 1>&2 && python t.py');
  const mamba = condaPlan('mlflow-123', '/p/conda.yaml', { MLFLOW_CONDA_HOME: '/opt/mc', MLFLOW_CONDA_CREATE_ENV_CMD: 'mamba' });
  assert.equal(mamba.createCommand, '/opt/mc/bin/mamba');
  assert.equal(mamba.activate[0], 'source /opt/mc/bin/../etc/profile.d/conda.sh');
});

test("docker run has MLflow's shape: --rm, -A args, volumes, -e variables, image, then the command", () => {
  const args = dockerRunArgs({
    image: 'python:3.11',
    volumes: ['/data:/data', '/with space:/w'],
    environment: ['HOST_VAR', ['SET_VAR', 'a b']],
    dockerArgs: [['gpus', 'all'], ['network', 'host'], ['i', true], ['privileged', true], ['skipped', false]],
    runId: 'r1',
    trackingUri: 'http://127.0.0.1:5000',
    experimentId: '3',
    hasToken: true,
    artifactUri: 'mlflow-artifacts:/3/r1/artifacts',
    hostEnv: { HOST_VAR: 'secret' },
    exists: () => false,
    home: '/home/u',
    cwd: '/p',
  });
  assert.equal(
    wrapCommand({ kind: 'docker', image: 'python:3.11', volumes: [], environment: [] }, 'python train.py --a 1', args),
    "docker run --rm --gpus all --network host -i --privileged -v /data:/data -v '/with space:/w' -e MLFLOW_RUN_ID=r1 -e MLFLOW_TRACKING_URI=http://127.0.0.1:5000 -e MLFLOW_EXPERIMENT_ID=3 -e HOST_VAR -e 'SET_VAR=a b' -e MLFLOW_TRACKING_TOKEN python:3.11 python train.py --a 1",
  );
  const s3 = dockerRunArgs({ image: 'i', volumes: [], environment: [], runId: 'r', trackingUri: 'http://h', experimentId: '0', hasToken: false, artifactUri: 's3://b/0/r/artifacts', hostEnv: { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }, exists: (p) => p === '/home/u/.aws', home: '/home/u', cwd: '/p' });
  assert.deepEqual(s3.slice(3, 5), ['-v', '/home/u/.aws:/.aws']);
  assert.ok(s3.includes('AWS_SECRET_ACCESS_KEY') && !s3.some((a) => a.includes('=s')), 'credentials are passed by name, not value');
  const local = dockerRunArgs({ image: 'i', volumes: [], environment: [], runId: 'r', trackingUri: 'http://h', experimentId: '0', hasToken: false, artifactUri: 'file:///srv/art/0/r/artifacts', hostEnv: {}, exists: () => false, home: '/h', cwd: '/p' });
  assert.deepEqual(local.slice(3, 5), ['-v', '/srv/art/0/r/artifacts:/srv/art/0/r/artifacts']);
  assert.throws(
    () => dockerRunArgs({ image: 'i', volumes: [], environment: ['NOT_SET'], runId: 'r', trackingUri: 'http://h', experimentId: '0', hasToken: false, artifactUri: '', hostEnv: {}, exists: () => false, home: '/h', cwd: '/p' }),
    /expects the NOT_SET environment variables to be set/,
  );
});

/** A PATH holding only the given tools (symlinked), so "missing" is real, not mocked. */
function pathWith(tools: string[]): string {
  const bin = mkdtempSync(join(tmpdir(), 'mwb-bin-'));
  for (const t of tools) {
    // python3 may be a pyenv shim (which needs pyenv): link the interpreter itself.
    const found = t === 'python3' ? spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim() : which(t, process.env);
    if (found) spawnSync('ln', ['-s', found, join(bin, t)]);
  }
  return bin;
}

async function refusal(p: Promise<unknown>): Promise<ProjectError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProjectError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('a missing tool is named, with how to choose another manager — never a silent fallback', async () => {
  const py = project({ MLproject: EP, 'python_env.yaml': 'python: "3.11"\n' });
  const onlyPython = { PATH: pathWith(['python3', 'bash']), HOME: tmpdir() };
  const uv = await refusal(planEnvironment(py.model, 'uv', { projectDir: py.dir, env: onlyPython }));
  assert.equal(uv.kind, 'tool');
  assert.match(uv.message, /'uv' environment manager needs uv, which was not found on PATH.*choose another environment manager \('virtualenv' or 'local'\)/s);

  const conda = project({ MLproject: `conda_env: conda.yaml\n${EP}`, 'conda.yaml': 'dependencies: [python=3.11]\n' });
  const c = await refusal(planEnvironment(conda.model, 'conda', { projectDir: conda.dir, env: onlyPython }));
  assert.match(c.message, /'conda' environment manager needs conda \(conda\), which was not found on PATH.*'virtualenv', 'uv' or 'local'/s);

  // Another Python than python3's, and no pyenv to get it.
  const old = project({ MLproject: EP, 'python_env.yaml': 'python: "3.7"\n' });
  const v = await refusal(planEnvironment(old.model, 'virtualenv', { projectDir: old.dir, env: onlyPython }));
  assert.match(v.message, /needs pyenv \(the project wants Python 3\.7, python3 on PATH is \d+\.\d+\.\d+\)/);

  const none = await refusal(planEnvironment(py.model, 'virtualenv', { projectDir: py.dir, env: { PATH: pathWith([]) } }));
  assert.match(none.message, /needs python3/);

  const docker = project({ MLproject: `name: d\ndocker_env:\n  image: python:3.11\n${EP}` });
  const d = await refusal(planEnvironment(docker.model, 'docker', { projectDir: docker.dir, env: onlyPython }));
  assert.match(d.message, /docker was not found on PATH/);
});

test('docker on PATH but no daemon: the `docker info` failure is shown (real docker CLI, when installed)', async (t) => {
  if (!which('docker', process.env)) return t.skip('no docker CLI on this machine');
  const info = spawnSync('docker', ['info'], { encoding: 'utf8' });
  if (info.status === 0) return t.skip('a docker daemon is running here');
  const docker = project({ MLproject: `name: d\ndocker_env:\n  image: python:3.11\n${EP}` });
  const d = await refusal(planEnvironment(docker.model, 'docker', { projectDir: docker.dir, env: process.env }));
  assert.match(d.message, /Ran `docker info` to ensure docker daemon is running but it failed/);
});

test('a virtualenv plan names the env dir under MLFLOW_ENV_ROOT with the spec hash (python3 of this machine)', async () => {
  const py = project({ MLproject: EP, 'python_env.yaml': 'build_dependencies: [pip]\ndependencies: [numpy]\n' });
  const env = { PATH: process.env.PATH, MLFLOW_ENV_ROOT: '/envs/root' };
  const plan = await planEnvironment(py.model, 'virtualenv', { projectDir: py.dir, env });
  assert.equal(plan.kind, 'virtualenv');
  if (plan.kind !== 'virtualenv') return;
  assert.match(plan.envDir, /^\/envs\/root\/mlflow-[0-9a-f]{40}$/);
  const version = spawnSync('python3', ['-c', "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { encoding: 'utf8' }).stdout.trim();
  assert.equal(plan.spec.python, version);
  assert.equal(plan.activate, `source ${plan.envDir}/bin/activate`);
});
