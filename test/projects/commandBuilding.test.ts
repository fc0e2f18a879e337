// The command and params `mlflow run` would build, case by case, through the same path the task takes:
// the MLproject parser → resolveEntryPoint → buildCommand. Each row is what MLflow's _project_spec.py gives
// for that project and those -P values (MLflow's own greeter example first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand } from '../../extension/projects/core/command';
import { ProjectError } from '../../extension/projects/core/errors';
import { assertRunnable, loadProject, resolveEntryPoint } from '../../extension/projects/core/project';

const dir = mkdtempSync(join(tmpdir(), 'mwb-cmd-'));
mkdirSync(join(dir, 'data'));
writeFileSync(join(dir, 'data', 'train.csv'), 'x\n');
writeFileSync(join(dir, 'data', 'with space.csv'), 'x\n');

const MLPROJECT = `
name: table
entry_points:
  greeter:
    parameters:
      greeting: {type: string, default: hi}
      name: string
    command: "python greeter.py {greeting} {name}"
  main:
    parameters:
      alpha: {type: float, default: 0.10}
      l1: {type: float, default: 1.0}
      flag: {type: string, default: yes}
      epochs: {type: int, default: 5}
    command: "python train.py --alpha {alpha} --l1 {l1} --flag {flag} --epochs {epochs}"
  paths:
    parameters:
      data: path
      model_uri: uri
    command: "python train.py --data {data} --model {model_uri}"
  braces:
    parameters:
      a: {type: string, default: x}
    command: "echo {{literal}} {{{a}}} [{a:>8}] [{a:.3}]"
  bad:
    parameters:
      a: {type: string, default: x}
    command: "echo {a} {b}"
  required:
    parameters:
      a: string
      b: float
      c: {type: string}
      d: {type: string, default: ok}
    command: "echo {a} {b} {c} {d}"
`;

const project = loadProject(MLPROJECT, dir, (rel) => existsSync(join(dir, rel)));
const ctx = { cwd: dir, exists: existsSync };
const env = { SHELL: '/bin/zsh' };

function build(entryPoint: string, params: Array<[string, string]>): { command: string; params: Array<[string, string]> } {
  return buildCommand(resolveEntryPoint(project.model, entryPoint, env), params, ctx);
}

function refusal(entryPoint: string, params: Array<[string, string]>): string {
  try {
    build(entryPoint, params);
  } catch (e) {
    assert.ok(e instanceof ProjectError, `expected a ProjectError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`expected ${entryPoint} with ${JSON.stringify(params)} to be refused`);
}

test('the test project itself is runnable (no blocking diagnostics)', () => {
  assert.doesNotThrow(() => assertRunnable(project.model));
});

interface Row {
  what: string;
  entryPoint: string;
  params: Array<[string, string]>;
  command: string;
  logged: Array<[string, string]>;
}

const TABLE: Row[] = [
  {
    what: "MLflow's example: default filled in, extra appended",
    entryPoint: 'greeter',
    params: [['name', 'friend'], ['excitement', '10']],
    command: 'python greeter.py hi friend --excitement 10',
    logged: [['greeting', 'hi'], ['name', 'friend'], ['excitement', '10']],
  },
  {
    what: 'a value with a space is single-quoted',
    entryPoint: 'greeter',
    params: [['name', 'my friend']],
    command: "python greeter.py hi 'my friend'",
    logged: [['greeting', 'hi'], ['name', "'my friend'"]],
  },
  {
    what: "a single quote becomes '\"'\"'",
    entryPoint: 'greeter',
    params: [['name', "it's"]],
    command: `python greeter.py hi 'it'"'"'s'`,
    logged: [['greeting', 'hi'], ['name', `'it'"'"'s'`]],
  },
  {
    what: "an empty string is ''",
    entryPoint: 'greeter',
    params: [['name', ''], ['greeting', '']],
    command: "python greeter.py '' ''",
    logged: [['greeting', "''"], ['name', "''"]],
  },
  {
    what: 'shell metacharacters are inert',
    entryPoint: 'greeter',
    params: [['name', '$(rm -rf ~) `id` ; echo'], ['x', 'a"b']],
    command: `python greeter.py hi '$(rm -rf ~) \`id\` ; echo' --x 'a"b'`,
    logged: [['greeting', 'hi'], ['name', "'$(rm -rf ~) `id` ; echo'"], ['x', `'a"b'`]],
  },
  {
    what: "safe characters stay bare: letters, digits and @%+=:,./-_",
    entryPoint: 'greeter',
    params: [['name', 'a-b_c.d/e@f%g+h=i:j,k']],
    command: 'python greeter.py hi a-b_c.d/e@f%g+h=i:j,k',
    logged: [['greeting', 'hi'], ['name', 'a-b_c.d/e@f%g+h=i:j,k']],
  },
  {
    what: "defaults are Python's str() of what PyYAML loaded: 0.10 → 0.1, 1.0 → 1.0, yes → True",
    entryPoint: 'main',
    params: [],
    command: 'python train.py --alpha 0.1 --l1 1.0 --flag True --epochs 5',
    logged: [['alpha', '0.1'], ['l1', '1.0'], ['flag', 'True'], ['epochs', '5']],
  },
  {
    what: 'extras keep their order and their keys are not quoted',
    entryPoint: 'main',
    params: [['zeta', '1'], ['alpha', '0.5'], ['a b', 'c d']],
    command: "python train.py --alpha 0.5 --l1 1.0 --flag True --epochs 5 --zeta 1 --a b 'c d'",
    logged: [['alpha', '0.5'], ['l1', '1.0'], ['flag', 'True'], ['epochs', '5'], ['zeta', '1'], ['a b', "'c d'"]],
  },
  {
    what: "{{ and }} are literal braces; format specs apply to the quoted string",
    entryPoint: 'braces',
    params: [['a', 'x y']],
    command: "echo {literal} {'x y'} [   'x y'] ['x ]",
    logged: [['a', "'x y'"]],
  },
  {
    what: 'a relative path becomes absolute in the command and stays as given in the params',
    entryPoint: 'paths',
    params: [['data', 'data/train.csv'], ['model_uri', 's3://bucket/model']],
    command: `python train.py --data ${dir}/data/train.csv --model s3://bucket/model`,
    logged: [['data', 'data/train.csv'], ['model_uri', 's3://bucket/model']],
  },
  {
    what: 'a file: URI path is decoded and absolute; ./ and .. are normalised',
    entryPoint: 'paths',
    params: [['data', `file://${dir}/data/with%20space.csv`], ['model_uri', 'models:/m/1']],
    command: `python train.py --data '${dir}/data/with space.csv' --model models:/m/1`,
    logged: [['data', `file://${dir}/data/with%20space.csv`], ['model_uri', 'models:/m/1']],
  },
  {
    what: 'a path with ./ and ../ segments is normalised',
    entryPoint: 'paths',
    params: [['data', './data/../data/train.csv'], ['model_uri', 'file:///m']],
    command: `python train.py --data ${dir}/data/train.csv --model file:///m`,
    logged: [['data', './data/../data/train.csv'], ['model_uri', 'file:///m']],
  },
  {
    what: 'a .py script entry point runs with python and takes every parameter as an extra',
    entryPoint: 'scripts/train.py',
    params: [['lr', '0.1'], ['name', 'a b']],
    command: "python scripts/train.py --lr 0.1 --name 'a b'",
    logged: [['lr', '0.1'], ['name', "'a b'"]],
  },
  {
    what: 'a .sh script runs with $SHELL',
    entryPoint: 'run it.sh',
    params: [],
    command: "/bin/zsh 'run it.sh'",
    logged: [],
  },
  {
    what: 'an .R script runs through mlflow_source',
    entryPoint: 'train.R',
    params: [],
    command: `Rscript -e "mlflow::mlflow_source('train.R')" --args`,
    logged: [],
  },
];

for (const row of TABLE) {
  test(`command: ${row.what}`, () => {
    const built = build(row.entryPoint, row.params);
    assert.equal(built.command, row.command);
    assert.deepEqual(built.params, row.logged);
  });
}

test('all missing required parameters are named in one error, in declaration order', () => {
  assert.equal(refusal('required', [['b', '1']]), "No value given for missing parameters: 'a', 'c'");
  assert.equal(refusal('required', []), "No value given for missing parameters: 'a', 'b', 'c'");
  // An empty value is a value: MLflow only checks presence.
  assert.equal(build('required', [['a', ''], ['b', ''], ['c', '']]).command, "echo '' '' '' ok");
});

test('a path that does not exist is refused with MLflow message', () => {
  assert.equal(refusal('paths', [['data', 'nope.csv'], ['model_uri', 's3://b/m']]), 'Got value nope.csv for parameter data, but no such file or directory was found.');
});

test('a remote path URI is refused: MLflow would download it, the editor cannot', () => {
  assert.match(refusal('paths', [['data', 's3://bucket/data.csv'], ['model_uri', 's3://b/m']]), /Parameter data is a path and s3:\/\/bucket\/data.csv is a remote URI/);
});

test('a uri parameter needs a scheme: relative paths are refused', () => {
  assert.equal(refusal('paths', [['data', 'data/train.csv'], ['model_uri', 'models/m']]), 'Expected URI for parameter model_uri but got models/m');
  assert.equal(refusal('paths', [['data', 'data/train.csv'], ['model_uri', '']]), 'Expected URI for parameter model_uri but got ');
});

test('a placeholder that is not a parameter fails like str.format (KeyError)', () => {
  assert.match(refusal('bad', []), /KeyError: 'b'/);
});

test('an unknown entry point that is not a script is refused with MLflow message', () => {
  assert.equal(
    refusal('train', []),
    "Could not find train among entry points ['greeter', 'main', 'paths', 'braces', 'bad', 'required'] or interpret train as a runnable script. Supported script file extensions: ['.py', '.sh']",
  );
  // splitext: a leading dot is part of the name, so `.py` is not a Python script.
  assert.match(refusal('.py', []), /Could not find \.py among entry points/);
});

test('a repeated parameter is refused, as `mlflow run -P a=1 -P a=2` is', () => {
  assert.match(refusal('greeter', [['name', 'a'], ['name', 'b']]), /given twice/);
});

test('a project MLflow cannot load is refused before anything runs', () => {
  const broken = loadProject('python_env: a.yaml\nconda_env: b.yaml\nentry_points:\n  main:\n    command: "x"\n', dir, () => true);
  assert.throws(() => assertRunnable(broken.model), /multiple environment fields/);
  // An error local to another entry point does not block this one.
  const partly = loadProject('entry_points:\n  main:\n    command: "echo ok"\n  other:\n    command: "echo {nope}"\n', dir, () => true);
  assert.doesNotThrow(() => assertRunnable(partly.model));
  assert.equal(buildCommand(resolveEntryPoint(partly.model, 'main', env), [], ctx).command, 'echo ok');
});

test('the table agrees with CPython: PyYAML-loaded defaults, str(), shlex.quote and str.format (no path params)', () => {
  // An independent oracle in CPython with the real PyYAML: MLflow's recipe (declared values or defaults →
  // str → shlex.quote → command.format, extras appended as --k v) written out in a few lines.
  const oracle = `
import json, shlex, sys, yaml
spec = yaml.safe_load(sys.argv[1])
out = []
for ep_name, params in json.load(sys.stdin):
    ep = spec['entry_points'][ep_name]
    declared = ep.get('parameters', {})
    values = dict(params)
    final = {}
    for k, decl in declared.items():
        default = None if isinstance(decl, str) else decl.get('default')
        final[k] = shlex.quote(str(values[k] if k in values else default))
    extras = {k: shlex.quote(str(v)) for k, v in values.items() if k not in final}
    cmd = ' '.join([ep['command'].format(**final)] + ['--%s %s' % (k, v) for k, v in extras.items()])
    out.append([cmd, list(final.items()) + list(extras.items())])
json.dump(out, sys.stdout)
`;
  const rows = TABLE.filter((r) => ['greeter', 'main', 'braces'].includes(r.entryPoint));
  const r = spawnSync('python3', ['-c', oracle, MLPROJECT], { input: JSON.stringify(rows.map((row) => [row.entryPoint, row.params])), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as Array<[string, Array<[string, string]>]>;
  rows.forEach((row, i) => {
    const built = build(row.entryPoint, row.params);
    assert.deepEqual([built.command, built.params], expected[i], row.what);
  });
});

test('an empty path (or file: naming nothing) is refused: MLflow tries to download it and fails', () => {
  for (const value of ['', 'file:', 'file://']) {
    assert.match(refusal('paths', [['data', value], ['model_uri', 's3://b/m']]), /MLflow does not read that as the current folder but tries to download it and fails/, JSON.stringify(value));
  }
  // '.' is the way to name the project folder.
  assert.equal(build('paths', [['data', '.'], ['model_uri', 's3://b/m']]).command, `python train.py --data ${dir} --model s3://b/m`);
});

test("defaults are str() of PyYAML's values; names as PyYAML keys them; merged params in its dict order", () => {
  const text = `
common: &common
  a: {type: float, default: 0.5}
  b: {type: int, default: 3}
entry_points:
  main:
    parameters:
      c: string
      <<: *common
      a: {type: float, default: 1.0e-05}
      y: {type: float, default: 6.02e+23}
      n: {type: string, default: 2001-12-14}
      e: {type: string, default: 1e-05}
      h: {type: int, default: 0x1F}
      big: {type: int, default: 123456789012345678901234567890}
      d: {type: string, default: {}}
      l: {type: string, default: [1.0e+20, y, on, ~]}
      1: {type: string, default: one}
    command: "run {a} {b} {c} {y} {n} {e} {h} {big} {d} {l}"
`;
  const model = loadProject(text, dir, () => true).model;
  const ep = resolveEntryPoint(model, 'main', env);
  const built = buildCommand(ep, [['c', 'x'], ['1', 'given']], ctx);
  assert.equal(built.command, "run 1e-05 3 x 6.02e+23 2001-12-14 1e-05 31 123456789012345678901234567890 '{}' '[1e+20, '\"'\"'y'\"'\"', True, None]' --1 given");
  // PyYAML's flatten_mapping puts the merged a, b first; the later `a:` keeps a's place. `1:` is the int 1:
  // no -P reaches it, so `-P 1=given` is an extra and both are logged under '1'.
  assert.deepEqual(built.params.map(([k]) => k), ['a', 'b', 'c', 'y', 'n', 'e', 'h', 'big', 'd', 'l', '1', '1']);
  assert.deepEqual(built.params[10], ['1', 'one']);
});
