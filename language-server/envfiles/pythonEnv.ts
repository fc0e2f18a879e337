// python_env.yaml, read by MLflow's PythonEnv: exactly `python`, `build_dependencies` and
// `dependencies`; anything else makes environment creation fail.
import type { AnalysisDiagnostic, DiagnosticSink } from '../shared/diagnostics';
import { describe, entries, isNull, isScalar, isSeq, isString, nodeSpan, resolve } from '../shared/yamlTree';
import { analyzeEnvFile } from './envFile';
import type { Entry, ParsedYaml, YamlDoc } from '../shared/yamlTree';

export const PYTHON_ENV_KEYS: Record<string, string> = {
  python: 'Python version, as a quoted string (e.g. "3.10.12"). Without it MLflow uses the current Python version.',
  build_dependencies: 'Packages installed first, with pip (e.g. `pip`, `setuptools`, `wheel==0.41.2`).',
  dependencies: 'pip requirement lines installed into the environment (e.g. `mlflow==2.14.1`, `-r requirements.txt`).',
};

export function analyzePythonEnv(text: string, parsed?: ParsedYaml): AnalysisDiagnostic[] {
  return analyzeEnvFile(text, {
    empty: 'python_env.yaml is empty: MLflow fails creating the environment (PythonEnv needs a mapping).',
    notMapping: (what) => `python_env.yaml must be a mapping, not ${what}; MLflow fails creating the environment.`,
    known: Object.keys(PYTHON_ENV_KEYS),
    unknownKey: (sink, e, suggestion, fixes) =>
      sink.error('python-env-unknown-key', `python_env.yaml allows only python, build_dependencies and dependencies; MLflow fails on '${e.key}' (unexpected keyword argument)${suggestion ? `. Did you mean '${suggestion}'?` : '.'}`, e.keySpan, { fixes }),
    checkRoot: (root, doc, sink, text) => {
      for (const e of entries(root, doc)) {
        if (e.key === 'python') checkPython(text, e, sink);
        else if (e.key === 'build_dependencies' || e.key === 'dependencies') checkRequirementList(doc, e, sink);
      }
    },
  }, parsed);
}

function checkPython(text: string, e: Entry, sink: DiagnosticSink): void {
  if (isNull(e.value) || isString(e.value)) return;
  const source = text.slice(e.valueSpan.start, e.valueSpan.end);
  if (isScalar(e.value) && typeof e.value.value === 'number') {
    const read = String(e.value.value);
    const lost = read !== source.trim();
    sink.error(
      'python-version-not-string',
      `Unquoted, ${source} is the number ${read}${lost ? `, not the version ${source}` : ''}; MLflow requires a string ("\`python\` must be a string"). Quote it: "${source}".`,
      e.valueSpan,
      { fixes: [{ title: `Quote the version: "${source}"`, preferred: true, edits: [{ span: e.valueSpan, newText: `"${source}"` }] }] },
    );
    return;
  }
  sink.error('python-version-not-string', `'python' must be a version string such as "3.10.12", not ${describe(e.value)}; MLflow fails creating the environment.`, e.valueSpan);
}

function checkRequirementList(doc: YamlDoc, e: Entry, sink: DiagnosticSink): void {
  if (isNull(e.value)) return;
  if (!isSeq(e.value)) {
    sink.error('dependencies-not-list', `'${e.key}' must be a list of pip requirements, not ${describe(e.value)}; MLflow fails creating the environment.`, e.valueSpan);
    return;
  }
  for (const item of e.value.items) {
    const node = resolve(item, doc);
    if (!isString(node)) {
      sink.error('dependency-not-string', `Each requirement must be a string such as "scikit-learn==1.5.0", not ${describe(node)}; MLflow fails writing the requirements file.`, nodeSpan(node, e.valueSpan));
    }
  }
}
