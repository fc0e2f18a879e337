// conda.yaml: a standard conda environment file. Conda itself validates most of it; we check the
// shape, and what MLflow needs to turn it into a virtualenv (`--env-manager virtualenv|uv`).
import type { AnalysisDiagnostic, DiagnosticSink } from '../shared/diagnostics';
import { describe, entries, entryMap, isMap, isNull, isSeq, isString, nodeSpan, resolve } from '../shared/yamlTree';
import type { Entry, Node, ParsedYaml, YAMLMap, YamlDoc } from '../shared/yamlTree';
import { analyzeEnvFile } from './envFile';

export const CONDA_ENV_KEYS: Record<string, string> = {
  name: 'Environment name. MLflow names the environment itself (mlflow-<hash>), so this is informational.',
  channels: 'Conda channels to search, in order (e.g. `conda-forge`).',
  dependencies: 'Conda packages (`python=3.10.12`, `pip`) and a `pip:` list of pip requirements.',
  prefix: 'Install location used by `conda env create` when given.',
  variables: 'Environment variables set when the environment is activated.',
};

export function analyzeCondaEnv(text: string, parsed?: ParsedYaml): AnalysisDiagnostic[] {
  return analyzeEnvFile(text, {
    empty: 'conda.yaml is empty: conda cannot create an environment from it.',
    notMapping: (what) => `conda.yaml must be a mapping, not ${what}.`,
    known: Object.keys(CONDA_ENV_KEYS),
    unknownKey: (sink, e, suggestion, fixes) =>
      sink.warning('unknown-key', `Unknown key '${e.key}' in conda.yaml${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: conda ignores it.`, e.keySpan, { fixes }),
    checkRoot,
  }, parsed);
}

function checkRoot(root: YAMLMap, doc: YamlDoc, sink: DiagnosticSink): void {
  const keys = entryMap(root, doc);
  const name = keys.get('name');
  if (name && !isNull(name.value) && !isString(name.value)) sink.warning('conda-name-not-string', `'name' should be a string, not ${describe(name.value)}.`, name.valueSpan);
  const channels = keys.get('channels');
  if (channels) checkStringList(doc, channels, sink, 'channel names');
  const deps = keys.get('dependencies');
  if (deps) checkDependencies(doc, deps, sink);
}

function checkStringList(doc: YamlDoc, e: Entry, sink: DiagnosticSink, what: string): void {
  if (isNull(e.value)) return;
  if (!isSeq(e.value)) {
    sink.error('conda-invalid-shape', `'${e.key}' must be a list of ${what}, not ${describe(e.value)}.`, e.valueSpan);
    return;
  }
  for (const item of e.value.items) {
    const node = resolve(item, doc);
    if (!isString(node)) sink.error('conda-invalid-shape', `Expected a string in '${e.key}', not ${describe(node)}.`, nodeSpan(node, e.valueSpan));
  }
}

function checkDependencies(doc: YamlDoc, e: Entry, sink: DiagnosticSink): void {
  if (isNull(e.value)) return;
  if (!isSeq(e.value)) {
    sink.error('conda-invalid-shape', `'dependencies' must be a list, not ${describe(e.value)}.`, e.valueSpan);
    return;
  }
  for (const item of e.value.items) {
    const node = resolve(item, doc);
    if (isString(node)) {
      checkPythonSpec(node, sink);
      continue;
    }
    if (isMap(node)) {
      const pairs = entries(node, doc);
      const pip = pairs.find((p) => p.key === 'pip');
      if (!pip || pairs.length !== 1) {
        sink.error('conda-invalid-shape', "A mapping in 'dependencies' must be a single 'pip:' list; MLflow cannot convert any other mapping to a Python environment.", nodeSpan(node));
      }
      if (pip) checkStringList(doc, pip, sink, 'pip requirements');
      continue;
    }
    sink.error('conda-invalid-shape', `Expected a package spec such as "numpy=1.26" or a 'pip:' list, not ${describe(node)}.`, nodeSpan(node as Node | null, e.valueSpan));
  }
}

/** MLflow's conda → virtualenv conversion only understands python pinned with =, ==, <= or >=. */
function checkPythonSpec(node: Node & { value: string }, sink: DiagnosticSink): void {
  const m = /^python\s*(.*)$/.exec(node.value.trim());
  if (!m || /^[\w-]/.test(m[1])) return; // another package such as python-dateutil
  if (m[1] === '' || !/^(==|=|<=|>=)\s*[\d.*]+$/.test(m[1])) {
    sink.warning(
      'conda-python-unpinned',
      `MLflow can only convert this environment for --env-manager virtualenv/uv when python is pinned with =, ==, <= or >= (e.g. "python=3.10.12"); '${node.value}' makes that conversion fail.`,
      nodeSpan(node),
    );
  }
}
