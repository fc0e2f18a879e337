// `mlflow run` command building side by side with the real MLflow 2.7.1 (issue 16): the same projects and
// -P values go through MLflow's own mlflow.projects._project_spec (load_project → get_entry_point →
// _validate_parameters, compute_parameters(params, None) for the params it logs, compute_command(params,
// storage_dir) for the command) in ONE python process, and through ours (the MLproject parser →
// resolveEntryPoint → buildCommand). Inputs: the example MLprojects in the repo's fixtures, plus generated
// projects probing PyYAML's YAML 1.1 scalars, merge keys and str.format templates, each with many value sets.
// Agreement is reported as a figure; every remaining disagreement must fall in DELIBERATE, with its reason.
//
// Not compared here: the editor's own float/int pre-check (values.ts checkValue), which runs before
// buildCommand, is stricter than MLflow on purpose and offers "Run anyway" (values.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand } from '../../extension/projects/core/command';
import { ProjectError } from '../../extension/projects/core/errors';
import { assertRunnable, loadProject, resolveEntryPoint } from '../../extension/projects/core/project';
import { REPO_ROOT } from '../support/cliServer';
import { markedJson, runPython, skipUnlessMlflow } from '../support/realMlflow';

const SHELL = '/bin/bash';

interface Case {
  project: string;
  entryPoint: string;
  params: Array<[string, string]>;
}

/** A command and the params MLflow logs, or a refusal (`loading`: MLflow's load_project failed on the file). */
type Outcome = { command: string; params: Array<[string, string]> } | { error: string; message: string; loading?: boolean };

// ---- inputs ----------------------------------------------------------------------------------------------

/** A deterministic PRNG so that a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Plain YAML scalars where PyYAML's YAML 1.1 resolution and Python's str() matter, and a few other forms. */
const YAML_SCALARS = [
  '1e-05', '1.0e-05', '1.5e-07', '6.02e+23', '1.0e+20', '1.0e+16', '1.0e+15', '12345678901234567.0', '0.0001', '0.00001',
  '-0.0', '+0.0', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '1.0e3', '1e3', '1E+3', '1.5E-7', '.5', '-.5', '+.5', '5.', '1.', '0.1',
  '0.10', '3.10', '1_000.5', '1.0', '100.0', '1.0e+400', '0.1e-400', '1:30.5', '190:20:30.15', '-1:30.0',
  '0x1F', '-0x1f', '0x_1F', '0o17', '017', '-017', '08', '0b101', '-0b11', '1_000', '1__0', '1:30', '-1:30:15', '+1', '-0', '00', '007',
  '123456789012345678901234567890', '-98765432109876543210', '2147483648', '9007199254740993',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43', '2001-12-14T21:59:43Z',
  '2002-12-14 21:59:43.1234567+05:30', '2001-1-2', '2001-01-02 3:04:05', '2001-12-14 21:59:43 +00:00', '2020-02-29', '1999-12-31T23:59:59.999999-00:30',
  'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'on', 'ON', 'On', 'off', 'true', 'TRUE', 'tRue', 'false', 'False',
  '~', 'null', 'Null', 'NULL', '"quoted 1.5"', "'single'", '"2001-12-14"', "'0x1F'", '"yes"', '[1, 2.50, y, null, 1.0e+20]',
  '{a: 1, b: [x, 2.0e-5]}', '[]', '{}', '"{}"', '[2001-12-14, on]', '!!str 0x10', '!!int "017"', '!!float "1"', '!!float 1e5', '!!str yes',
  '"  spaced "', "'it''s'", 'a b c', '"tab\\there"', '":colon"', '=', '<<', 'plain text', 'C:\\data', 'http://x/y?a=1&b=2',
];

/** -P values: quoting, format-looking text, numbers as text, unicode. */
const STRING_VALUES = ['', 'plain', 'with space', "it's", '$(rm -rf ~)', 'a"b', 'émoji 🎉', '{braces}', '--flag', 'a=b', '0.5', '1e-05', 'a\nb', 'tab\there', '~', '*.csv', '-', "'", 'x'.repeat(40)];
const NUMBER_VALUES = ['0.5', '1', '-2', '1e-05', '1_000', ' 3 ', 'abc', '', 'nan', 'inf', '0x10', '1,5', '1.5.2'];
const PATH_VALUES = ['data/train.csv', './data/../data/train.csv', 'data', '.', 'missing.csv', '', 'file:', 'file://', 'data/with space.csv', 'file://PROJECT/data/train.csv', 'file:PROJECT/data/train.csv', '/nonexistent/x', 'runs:/abc/model', 's3://bucket/key', 'C:\\data'];
const URI_VALUES = ['s3://b/k', 'file:///x', 'models:/m/1', 'runs:/abc/model', 'relative/path', '', 'C:\\x', 'x:y', ' s3://b', 'http://h:8080/p'];

const TEMPLATES = ['{P}', '{P!r}', '{P:>12}', '{P!s:^9}', '{{literal}} {P}', '[{P:.3}]', '{P!a}', '"{P}"', "'{P}'", '{P:<4}|', '--v={P}'];

interface GeneratedProject {
  name: string;
  text: string;
  entryPoints: Array<{ name: string; declared: Array<{ name: string; type: string; required: boolean }> }>;
}

function generatedProjects(): GeneratedProject[] {
  const next = rng(16);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const out: GeneratedProject[] = [];
  const types = ['string', 'float', 'int', 'path', 'uri'];
  // Every scalar as a default of each interesting type, a few per project.
  for (let start = 0; start < YAML_SCALARS.length; start += 4) {
    const scalars = YAML_SCALARS.slice(start, start + 4);
    const declared = scalars.map((_, i) => ({ name: `p${i}`, type: ['string', 'float', 'int', 'string'][i], required: false }));
    declared.push({ name: 'req', type: 'string', required: true });
    const lines = ['name: scalars', 'entry_points:', '  main:', '    parameters:'];
    scalars.forEach((s, i) => lines.push(`      p${i}:`, `        type: ${declared[i].type}`, `        default: ${s}`));
    lines.push('      req: string');
    lines.push(`    command: ${JSON.stringify(`echo ${declared.map((d) => pick(TEMPLATES).replace(/P/g, d.name)).join(' ')}`)}`);
    // The same defaults in flow style, where they parse.
    const flow = scalars.flatMap((s, i) => (!/^[[{!'"]|[,:#]/.test(s) || /^"[^"]*"$|^'[^']*'$/.test(s) ? [`      p${i}: {type: string, default: ${s}}`] : []));
    lines.push('  flow:', ...(flow.length ? ['    parameters:', ...flow] : []), '    command: "echo {p0}"');
    const flowDeclared = declared.filter((d) => d.name !== 'req' && flow.some((l) => l.startsWith(`      ${d.name}: {`)));
    out.push({ name: `scalars-${start}`, text: lines.join('\n') + '\n', entryPoints: [{ name: 'main', declared }, { name: 'flow', declared: flowDeclared.length ? flowDeclared : [] }] });
  }
  // Merge keys and overrides: which parameters, in which order, with which defaults.
  const merges: Array<[string, string]> = [
    ['override-after', '    parameters:\n      c: string\n      <<: *common\n      a: {type: float, default: 1.0e-05}\n'],
    ['override-before', '    parameters:\n      a: {type: int, default: 7}\n      <<: *common\n      z: {type: string, default: last}\n'],
    ['list-merge', '    parameters:\n      <<: [*other, *common]\n      b: {type: int, default: 0x10}\n'],
    ['list-merge-reversed', '    parameters:\n      <<: [*common, *other]\n'],
    ['merge-only', '    parameters:\n      <<: *common\n'],
    ['duplicate-keys', '    parameters:\n      a: {type: float, default: 1.0}\n      b: string\n      a: {type: float, default: 2.0}\n'],
    ['nested-merge', '    parameters:\n      <<: *nested\n      c: {type: string, default: mine}\n'],
  ];
  for (const [name, params] of merges) {
    const text = [
      'x-common: &common',
      '  a: {type: float, default: 0.5}',
      '  b: {type: int, default: 3}',
      'x-other: &other',
      '  b: {type: string, default: other-b}',
      '  c: {type: string, default: 2001-12-14}',
      'x-nested: &nested',
      '  <<: *other',
      '  d: {type: float, default: 6.02e+23}',
      'entry_points:',
      '  main:',
      params.trimEnd(),
      '    command: "run {a} {b}"',
      '',
    ].join('\n');
    out.push({ name: `merge-${name}`, text, entryPoints: [{ name: 'main', declared: [] }] });
  }
  // Random projects: names, types, defaults and templates.
  const names = ['alpha', 'l1_ratio', 'data', 'model_uri', 'x', 'y', 'n', 'p_1', 'é', 'CamelCase', 'on', 'yes', '1', 'with-dash'];
  for (let n = 0; n < 40; n++) {
    const count = 1 + Math.floor(next() * 4);
    const declared: Array<{ name: string; type: string; required: boolean }> = [];
    const lines = [`name: random-${n}`, 'entry_points:', '  main:', '    parameters:'];
    for (let i = 0; i < count; i++) {
      const name = pick(names);
      if (declared.some((d) => d.name === name)) continue;
      const type = pick(types);
      const form = next();
      if (form < 0.3) {
        lines.push(`      ${name}: ${type}`);
        declared.push({ name, type, required: true });
      } else {
        const def = type === 'path' ? pick(['data/train.csv', 'data', '.', '""', 'missing.csv']) : type === 'uri' ? pick(['s3://b/k', 'file:///x', 'rel']) : pick(YAML_SCALARS.filter((s) => !/^[[{!]/.test(s)));
        lines.push(`      ${name}:`, `        type: ${type}`, `        default: ${def}`);
        declared.push({ name, type, required: false });
      }
    }
    const template = declared.map((d) => pick(TEMPLATES).replace(/P/g, d.name)).join(' ');
    lines.push(`    command: ${JSON.stringify(`python train.py ${template}`)}`);
    out.push({ name: `random-${n}`, text: lines.join('\n') + '\n', entryPoints: [{ name: 'main', declared }] });
  }
  return out;
}

/** Value sets for one entry point: defaults only, each declared parameter given, extras, missing required ones. */
function valueSets(declared: ReadonlyArray<{ name: string; type: string; required: boolean }>, dir: string, seed: number, count: number): Array<Array<[string, string]>> {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const valueFor = (type: string): string => {
    const v = pick(type === 'path' ? PATH_VALUES : type === 'uri' ? URI_VALUES : type === 'float' || type === 'int' ? NUMBER_VALUES : STRING_VALUES);
    return v.replace('PROJECT', dir);
  };
  const required = declared.filter((d) => d.required);
  // Required ones given values MLflow accepts, so that the defaults of the others show in a command.
  const sets: Array<Array<[string, string]>> = [required.map((d) => [d.name, d.type === 'path' ? 'data/train.csv' : d.type === 'uri' ? 's3://b/k' : valueFor(d.type)])];
  sets.push([]); // missing required ones (or defaults only)
  for (let n = 0; n < count; n++) {
    const set: Array<[string, string]> = [];
    for (const d of declared) if (d.required || next() < 0.6) set.push([d.name, valueFor(d.type)]);
    if (next() < 0.4) set.push([pick(['extra', 'x y', 'é', 'lr', 'a-b', '1']), pick(STRING_VALUES)]);
    // shuffled: extras keep the order given, declared ones take declaration order
    for (let i = set.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [set[i], set[j]] = [set[j], set[i]];
    }
    const seen = new Set<string>();
    sets.push(set.filter(([k]) => (seen.has(k) ? false : (seen.add(k), true))));
  }
  return sets;
}

// ---- the two sides ---------------------------------------------------------------------------------------

const MLFLOW_SIDE = `
import json, os, sys, tempfile
from mlflow.projects import _project_spec
cases = json.load(open(sys.argv[1]))
storage = tempfile.mkdtemp()
projects = {}
out = []
for c in cases:
    d = c['project']
    try:
        if d not in projects:
            try:
                projects[d] = (None, _project_spec.load_project(d))
            except Exception as e:
                projects[d] = (e, None)
        error, project = projects[d]
        if error is not None:
            out.append({'error': type(error).__name__, 'message': str(error), 'loading': True})
            continue
        os.chdir(d)  # relative path values are resolved against the working directory
        params = dict(c['params'])
        ep = project.get_entry_point(c['entryPoint'])
        ep._validate_parameters(params)  # fetch_and_validate_project
        final, extra = ep.compute_parameters(params, None)  # what _create_run logs
        logged = [[k, v] for k, v in list(final.items()) + list(extra.items())]
        command = ep.compute_command(params, tempfile.mkdtemp(dir=storage))
        out.append({'command': command, 'params': logged})
    except Exception as e:
        out.append({'error': type(e).__name__, 'message': repr(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)})
print('RESULTS ' + json.dumps(out))
`;

function ours(dir: string, c: Case): Outcome {
  try {
    const text = readFileSync(join(dir, 'MLproject'), 'utf8');
    const project = loadProject(text, dir, (rel) => existsSync(join(dir, rel)));
    assertRunnable(project.model);
    const ep = resolveEntryPoint(project.model, c.entryPoint, { SHELL });
    return buildCommand(ep, c.params, { cwd: dir, exists: existsSync });
  } catch (e) {
    if (!(e instanceof ProjectError)) throw e;
    return { error: 'ProjectError', message: e.message };
  }
}

// ---- the deliberate differences ------------------------------------------------------------------------

interface Compared {
  c: Case;
  text: string;
  ours: Outcome;
  theirs: Outcome;
}

const failed = (o: Outcome): o is { error: string; message: string } => 'error' in o;

/** Same outcome: the same command and params, or a refusal in MLflow's words (format errors by exception type). */
function agree({ ours: o, theirs: t }: Compared): boolean {
  if (!failed(o) && !failed(t)) return o.command === t.command && JSON.stringify(o.params) === JSON.stringify(t.params);
  if (!failed(o) || !failed(t)) return false;
  // A file MLflow cannot load (YAML it cannot read or build, a crash on its shape): the editor refuses the
  // project for the diagnostics that say why, in its own words.
  if (t.loading) return /^The MLproject has errors that make `mlflow run` fail/.test(o.message);
  if (t.error === 'ExecutionException') return o.message === t.message;
  if (['KeyError', 'IndexError', 'ValueError', 'AttributeError', 'TypeError'].includes(t.error)) return o.message.includes(`${t.error}: `) || o.message.includes(`(${t.error}`);
  return false;
}

/** Every class of disagreement that remains, with why it is deliberate. Each must still occur (no stale entries). */
const DELIBERATE: Array<{ why: string; matches(x: Compared): boolean }> = [
  {
    why: 'A remote URI given for a `path` parameter: MLflow downloads it with its artifact repositories (here it fails on the missing boto3/run/scheme), the editor cannot download and refuses it up front, saying so.',
    matches: ({ ours: o, theirs: t }) => failed(o) && failed(t) && /is a remote URI: MLflow would download it first/.test(o.message),
  },
  {
    why: "An empty `path` (or `file:`/`file://` naming nothing): MLflow's download of it fails with a message about the current folder ('.'), the editor refuses it before any run exists, explaining what MLflow would do.",
    matches: ({ ours: o, theirs: t }) => failed(o) && failed(t) && t.error === 'MlflowException' && /MLflow does not read that as the current folder/.test(o.message),
  },
  {
    why: 'Two parameter names equal only under Python\'s == (`1:` and `on:`/`yes:`/`true:`, which PyYAML reads as 1 and True): PyYAML keeps one dict entry (the first key, the last value), the editor keeps two parameters named by str() (1 and True). Never meant in a real project.',
    matches: ({ text }) => /^ {6}1:/m.test(text) && /^ {6}(?:on|On|ON|yes|Yes|YES|true|True|TRUE):/m.test(text),
  },
];

test('mlflow run command building agrees with the real MLflow 2.7.1 on real and generated projects', { ...skipUnlessMlflow('2.7.1'), timeout: 600_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'mwb-runcmd-'));
  try {
    const dirs = new Map<string, { dir: string; text: string; entryPoints: GeneratedProject['entryPoints'] }>();
    const addFiles = (dir: string): void => {
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'data', 'train.csv'), 'x\n');
      writeFileSync(join(dir, 'data', 'with space.csv'), 'x\n');
    };
    // The example projects of the repo's fixtures (MLflow's examples and the e2e workspaces), copied whole.
    const fixtureRoots = ['test/language-server/fixtures/valid', 'test/e2e/fixtures'].map((r) => join(REPO_ROOT, r));
    const fixtures = fixtureRoots.flatMap((r) => (existsSync(r) ? readdirSync(r) : []).map((n) => join(r, n))).filter((d) => existsSync(join(d, 'MLproject')));
    fixtures.push(join(REPO_ROOT, 'test/projects/fixtures/logging-project'));
    for (const [i, src] of fixtures.entries()) {
      const dir = join(root, `fixture-${i}`);
      cpSync(src, dir, { recursive: true });
      addFiles(dir);
      const text = readFileSync(join(dir, 'MLproject'), 'utf8');
      const model = loadProject(text, dir, () => true).model;
      const eps = model.entryPoints.map((e) => ({ name: e.name, declared: e.parameters.map((p) => ({ name: p.name, type: p.type ?? 'string', required: p.required })) }));
      eps.push({ name: 'train.py', declared: [] }, { name: 'run it.sh', declared: [] }, { name: 'nope', declared: [] });
      dirs.set(dir, { dir, text, entryPoints: eps });
    }
    for (const g of generatedProjects()) {
      const dir = join(root, g.name);
      mkdirSync(dir);
      addFiles(dir);
      writeFileSync(join(dir, 'MLproject'), g.text);
      // Merge projects declare their parameters through the parser (the point is what it makes of them).
      const model = loadProject(g.text, dir, () => true).model;
      const eps = g.entryPoints.map((e) => ({ name: e.name, declared: e.declared.length ? e.declared : model.entryPoints.find((m) => m.name === e.name)?.parameters.map((p) => ({ name: p.name, type: p.type ?? 'string', required: p.required })) ?? [] }));
      dirs.set(dir, { dir, text: g.text, entryPoints: eps });
    }

    const cases: Case[] = [];
    let seed = 1;
    for (const { dir, entryPoints } of dirs.values()) {
      for (const ep of entryPoints) {
        const sets = ep.declared.length ? valueSets(ep.declared, dir, seed++, 40) : [[], [['lr', '0.1']], [['a b', "it's"], ['x', '']]] as Array<Array<[string, string]>>;
        for (const params of sets) cases.push({ project: dir, entryPoint: ep.name, params });
      }
    }

    const input = join(root, 'cases.json');
    writeFileSync(input, JSON.stringify(cases));
    writeFileSync(join(root, 'mlflow_side.py'), MLFLOW_SIDE);
    const result = await runPython('2.7.1', join(root, 'mlflow_side.py'), {
      trackingUri: `file://${join(root, 'mlruns')}`,
      args: [input],
      env: { SHELL },
      cwd: root,
      timeoutMs: 300_000,
    }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    assert.equal(result.code, 0, result.stderr.slice(-4000));
    const theirs = markedJson<Outcome[]>(result.stdout);
    assert.equal(theirs.length, cases.length);

    const compared: Compared[] = cases.map((c, i) => ({ c, text: dirs.get(c.project)!.text, ours: ours(c.project, c), theirs: theirs[i] }));
    const agreeing = compared.filter(agree);
    const disagreeing = compared.filter((x) => !agree(x));
    const unexplained = disagreeing.filter((x) => !DELIBERATE.some((d) => d.matches(x)));
    const perClass = DELIBERATE.map((d) => disagreeing.filter((x) => d.matches(x)).length);
    const commands = compared.filter((x) => !failed(x.theirs)).length;
    t.diagnostic(`agreement ${agreeing.length}/${compared.length} cases (${commands} commands MLflow builds, ${compared.length - commands} refusals), ${dirs.size} projects`);
    DELIBERATE.forEach((d, i) => t.diagnostic(`deliberate (${perClass[i]}): ${d.why}`));
    const show = (x: Compared): string => `${x.c.project.slice(root.length + 1)} -e ${x.c.entryPoint} ${JSON.stringify(x.c.params)}\n  ours:   ${JSON.stringify(x.ours)}\n  MLflow: ${JSON.stringify(x.theirs)}`;
    if (process.env.MWB_COMPAT_DUMP) writeFileSync(join(process.env.MWB_COMPAT_DUMP, 'runcmd-deliberate.txt'), disagreeing.map((x) => `${DELIBERATE.findIndex((d) => d.matches(x))} ${show(x)}`).join('\n'));
    if (process.env.MWB_COMPAT_DUMP) writeFileSync(join(process.env.MWB_COMPAT_DUMP, "runcmd-unexplained.txt"), unexplained.map((x) => `${show(x)}\n${x.text}`).join("\n"));
    assert.equal(unexplained.length, 0, `${unexplained.length} unexplained disagreements, e.g.:\n${unexplained.slice(0, 8).map(show).join('\n')}`);
    DELIBERATE.forEach((d, i) => assert.ok(perClass[i] > 0, `no case shows the deliberate difference any more (remove it from the list): ${d.why}`));
    // The figure means something only if the inputs reach both outcomes in quantity.
    assert.ok(commands > 1500 && compared.length - commands > 200, `${commands} commands, ${compared.length - commands} refusals`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
