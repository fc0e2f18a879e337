// The MLproject model the extension uses to list and run entry points, and the editor features
// computed from it (without a server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMlproject } from '../../language-server/mlproject/parse';
import { parseFormatString } from '../../language-server/mlproject/formatString';
import { complete } from '../../language-server/features/completion';
import { hover } from '../../language-server/features/hover';
import { analyzeDocument } from '../../language-server/documents';
import { FIXTURES } from './helpers';

const valid = (rel: string): string => readFileSync(join(FIXTURES, 'valid', rel), 'utf8');

test('entry points, parameters and defaults as MLflow substitutes them', () => {
  const model = parseMlproject(valid('hyperparam/MLproject'), { fileExists: () => true });
  assert.equal(model.name, 'HyperparameterSearch');
  const train = model.entryPoints.find((e) => e.name === 'train')!;
  const byName = Object.fromEntries(train.parameters.map((p) => [p.name, p]));
  // PyYAML reads 1e-1 as the string '1e-1' and .0 as the float 0.0; str() gives these texts.
  assert.equal(byName.learning_rate.defaultText, '1e-1');
  assert.equal(byName.momentum.defaultText, '0.0');
  assert.equal(byName.epochs.defaultText, '32');
  assert.equal(byName.epochs.required, false);
  assert.deepEqual(
    train.placeholders.map((p) => p.name),
    ['training_data', 'batch_size', 'epochs', 'learning_rate', 'momentum'],
  );
  const random = model.entryPoints.find((e) => e.name === 'random')!;
  assert.match(random.command!, /^python search_random\.py \{training_data\} --max-runs/);
});

test('required parameters and the short form', () => {
  const model = parseMlproject(valid('docker/MLproject'));
  const [alpha, l1] = model.entryPoints[0].parameters;
  assert.deepEqual([alpha.name, alpha.type, alpha.required, alpha.form], ['alpha', 'float', true, 'short']);
  assert.deepEqual([l1.name, l1.type, l1.required, l1.defaultText], ['l1_ratio', 'float', false, '0.1']);
});

test('environment resolution follows MLflow: docker, python_env, conda_env, then files by convention', () => {
  const docker = parseMlproject(valid('docker/MLproject')).environment;
  assert.deepEqual(docker.kind === 'docker' && [docker.image, docker.volumes, docker.environment], [
    'mlflow-docker-example',
    ['/local/path:/container/mount/path'],
    [['NEW_ENV_VAR', 'new_var_value'], 'VAR_TO_COPY_FROM_HOST_ENVIRONMENT'],
  ]);
  const conda = parseMlproject(valid('multistep_workflow/MLproject'), { fileExists: () => true }).environment;
  assert.deepEqual([conda.kind, conda.kind !== 'docker' && conda.file, conda.kind !== 'docker' && conda.implicit], ['conda', 'conda.yaml', false]);
  const text = valid('implicit_env/MLproject');
  const implicit = parseMlproject(text, { fileExists: (p) => p === 'python_env.yaml' || p === 'conda.yaml' }).environment;
  assert.deepEqual(implicit, { kind: 'python', file: 'python_env.yaml', implicit: true });
  const condaOnly = parseMlproject(text, { fileExists: (p) => p === 'conda.yaml' }).environment;
  assert.deepEqual(condaOnly, { kind: 'conda', file: 'conda.yaml', implicit: true });
  assert.deepEqual(parseMlproject(text, { fileExists: () => false }).environment, { kind: 'python', file: null, implicit: true });
});

test('placeholders in block and quoted commands get exact ranges', () => {
  const text = valid('remote_execution/MLproject');
  const ep = parseMlproject(text).entryPoints[0];
  for (const ph of ep.placeholders) assert.equal(text.slice(ph.nameSpan.start, ph.nameSpan.end), ph.name);
  assert.deepEqual(ep.escapes.map((e) => text.slice(e.start, e.end)), ['{{', '}}']);
  const quoted = 'entry_points:\n  main:\n    parameters: {a: string}\n    command: "echo \\"x\\" \\u0041 {a}"\n';
  const ph = parseMlproject(quoted).entryPoints[0].placeholders[0];
  assert.equal(quoted.slice(ph.span.start, ph.span.end), '{a}');
});

test("the command parser mirrors Python's str.format", () => {
  const parsed = parseFormatString('a {x} {{y}} {z!r:>10} {w.attr[0]} {0} {} }');
  assert.deepEqual(parsed.fields.map((f) => f.name), ['x', 'z', 'w', '0', '']);
  assert.deepEqual(parsed.problems.map((p) => p.kind), ['single-close-brace']);
  assert.equal(parsed.escapes.length, 2);
  assert.deepEqual(parseFormatString('{x:.2f}').problems.map((p) => p.kind), ['bad-format-spec']);
  assert.deepEqual(parseFormatString('{x:>{width}}').fields.map((f) => f.name).sort(), ['width', 'x']);
  assert.deepEqual(parseFormatString('{x').problems.map((p) => p.kind), ['unclosed-brace']);
});

test('completion and hover work on text that does not parse yet', () => {
  const text = 'name: x\nentry_points:\n  main:\n    parameters:\n      alpha: [\n    com';
  const items = complete('mlproject', text, text.length);
  assert.deepEqual(items.map((i) => i.label), ['command']);
  assert.equal(hover('mlproject', text, 2)?.markdown.startsWith('**name**'), true);
  const model = 'flavors:\n  py';
  assert.ok(complete('mlmodel', model, model.length).some((i) => i.label === 'python_function'));
});

test('documents nested too deeply for the YAML parser are refused, not crashed on', () => {
  for (const text of ['['.repeat(5000), 'a: ' + '{'.repeat(5000), '- '.repeat(5000) + 'x']) {
    for (let i = 0; i < 3; i++) {
      const codes = analyzeDocument('mlproject', text).map((d) => d.code);
      assert.deepEqual(codes, ['yaml-syntax']);
    }
    assert.deepEqual(complete('mlproject', text, text.length), []);
  }
});
