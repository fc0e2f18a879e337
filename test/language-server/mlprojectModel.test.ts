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
import { rename } from '../../language-server/features/navigation';
import { IncrementalMlproject } from '../../language-server/mlproject/incremental';
import { analyzeDocument, DocumentAnalysis, DocumentAnalyzer } from '../../language-server/documents';
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
  const items = complete(new DocumentAnalysis('mlproject', text), text.length);
  assert.deepEqual(items.map((i) => i.label), ['command']);
  assert.equal(hover(new DocumentAnalysis('mlproject', text), 2)?.markdown.startsWith('**name**'), true);
  const model = 'flavors:\n  py';
  assert.ok(complete(new DocumentAnalysis('mlmodel', model), model.length).some((i) => i.label === 'python_function'));
});

test('documents nested too deeply for the YAML parser are refused, not crashed on', () => {
  for (const text of ['['.repeat(5000), 'a: ' + '{'.repeat(5000), '- '.repeat(5000) + 'x']) {
    for (let i = 0; i < 3; i++) {
      const codes = analyzeDocument('mlproject', text).map((d) => d.code);
      assert.deepEqual(codes, ['yaml-syntax']);
    }
    assert.deepEqual(complete(new DocumentAnalysis('mlproject', text), text.length), []);
  }
});

test('YAML merge keys: parameter blocks shared between entry points, read as PyYAML reads them', () => {
  const text = valid('shared_parameters/MLproject');
  const model = parseMlproject(text, { fileExists: () => true });
  const [prepare, train, evaluate] = model.entryPoints;
  // Merged entries come first, then the mapping's own; an explicit key wins over a merged one.
  assert.deepEqual(train.parameters.map((p) => p.name), ['data_path', 'test_size', 'max_depth', 'learning_rate']);
  assert.deepEqual(evaluate.parameters.map((p) => `${p.name}=${p.defaultText}`), ['data_path=data/churn.csv', 'test_size=0.3', 'model_uri=null']);
  assert.equal(train.parameters[0].merged, true);
  assert.equal(prepare.parameters[0].merged, undefined);
  // A merged parameter keeps the span of its declaration in the shared block.
  assert.deepEqual(train.parameters[0].nameSpan, prepare.parameters[0].nameSpan);
  // The incremental analysis reads merges with the whole file.
  const incremental = new IncrementalMlproject();
  assert.deepEqual(incremental.analyze(text, { fileExists: () => true }), model);
  assert.equal(incremental.lastRun, 'whole file');
});

test('YAML merge keys: the first mapping of a merged list wins, as in PyYAML', () => {
  const text = [
    'x-a: &a {alpha: {type: int, default: 1}}',
    'x-b: &b {alpha: {type: float, default: 2.5}, beta: {type: float, default: 0.5}}',
    'entry_points:',
    '  main:',
    '    parameters:',
    '      <<: [*a, *b]',
    '    command: python train.py {alpha} {beta}',
  ].join('\n');
  const model = parseMlproject(text);
  // flatten_mapping puts *b's entries before *a's; the dict then keeps alpha's first place with *a's value.
  assert.deepEqual(model.entryPoints[0].parameters.map((p) => `${p.name}:${p.type}=${p.defaultText}`), ['alpha:int=1', 'beta:float=0.5']);
  assert.deepEqual(model.diagnostics.map((d) => d.code), ['unknown-key', 'unknown-key']);
});

test('YAML merge keys: renaming a shared parameter renames its placeholders in every entry point that merges it', () => {
  const text = valid('shared_parameters/MLproject');
  const analysis = new DocumentAnalysis('mlproject', text);
  const at = text.indexOf('{data_path}', text.indexOf('train:')) + 1;
  const edits = rename(analysis, at, 'dataset');
  assert.ok(Array.isArray(edits));
  const renamed = edits.sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
  assert.equal(renamed.match(/\{dataset\}/g)?.length, 3);
  assert.ok(!renamed.includes('data_path'));
  assert.deepEqual(analyzeDocument('mlproject', renamed, () => true), []);
  // Hover on a merged parameter shows the shared declaration.
  assert.match(hover(analysis, at)!.markdown, /type `path`[\s\S]*Default: `data\/churn.csv`/);
});

test('the features read the analysis the diagnostics were computed from, once per version', () => {
  const analyzer = new DocumentAnalyzer();
  const v1 = valid('hyperparam/MLproject');
  const first = analyzer.analysis('mlproject', v1, () => true);
  const diagnostics = first.diagnostics;
  const model = first.mlproject;
  // Hover, completion and the rest ask for the same version: same analysis, same model, no new parse.
  const again = analyzer.analysis('mlproject', v1, () => true);
  assert.equal(again, first);
  assert.equal(again.mlproject, model);
  assert.equal(again.diagnostics, diagnostics);
  // An edit makes a new analysis, whose model the features then read.
  const v2 = v1.replace('epochs: {type: int, default: 32}', 'epochs: {type: float, default: 32.5}');
  const second = analyzer.analysis('mlproject', v2, () => true);
  assert.notEqual(second, first);
  const at = v2.indexOf('{epochs}') + 1;
  assert.match(hover(second, at)!.markdown, /type `float`[\s\S]*Default: `32.5`/);
  assert.match(hover(first, v1.indexOf('{epochs}') + 1)!.markdown, /type `int`/);
});
