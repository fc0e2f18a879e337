// Completion: keys valid at the cursor, parameter types, flavor names, and `{param}` names inside
// a command. Editor-free: the server converts these items to LSP.
import type { Span } from '../shared/diagnostics';
import type { DocumentAnalysis } from '../documents';
import { DATABRICKS_SPARK_JOB_KEYS, DOCKER_ENV_KEYS, ENTRY_POINT_KEYS, PARAMETER_KEYS, PARAMETER_TYPE_DOCS, TOP_LEVEL_KEYS } from '../mlproject/keys';
import { FLAVORS, INPUT_EXAMPLE_KEYS, INPUT_EXAMPLE_TYPES, MLMODEL_KEYS, PYFUNC_KEYS, SIGNATURE_KEYS } from '../mlmodel/keys';
import { PYTHON_ENV_KEYS } from '../envfiles/pythonEnv';
import { CONDA_ENV_KEYS } from '../envfiles/condaEnv';
import { linePositionAt } from './cursor';

export interface CompletionItem {
  label: string;
  kind: 'property' | 'value' | 'variable' | 'module';
  detail?: string;
  documentation?: string;
  /** Text to insert in place of `replace` (defaults to the label). */
  insertText?: string;
  replace: Span;
}

export function complete(analysis: DocumentAnalysis, offset: number): CompletionItem[] {
  const { kind, text } = analysis;
  if (kind === 'mlproject') {
    const placeholders = completePlaceholder(analysis, offset);
    if (placeholders) return placeholders;
  }
  const at = linePositionAt(text, offset);
  if (!at) return [];
  const path = at.position === 'value' ? [...at.parents, at.key ?? ''] : at.parents;
  const keyItems = (docs: Record<string, string>, detail?: string): CompletionItem[] =>
    Object.entries(docs)
      .filter(([k]) => !siblingKeys(text, offset, at.indent).has(k))
      .map(([label, documentation]) => ({ label, kind: 'property', detail, documentation, insertText: `${label}: `, replace: at.prefixSpan }));
  const values = (docs: Record<string, string> | string[], detail?: string): CompletionItem[] =>
    (Array.isArray(docs) ? docs.map((d) => [d, '']) : Object.entries(docs)).map(([label, documentation]) => ({
      label,
      kind: 'value',
      detail,
      documentation: documentation || undefined,
      replace: at.prefixSpan,
    }));

  if (kind === 'mlproject') {
    if (at.position === 'key') {
      if (path.length === 0) return keyItems(TOP_LEVEL_KEYS);
      if (path.length === 2 && path[0] === 'entry_points') return keyItems(ENTRY_POINT_KEYS);
      if (path.length === 4 && path[0] === 'entry_points' && path[2] === 'parameters') return keyItems(PARAMETER_KEYS);
      if (path.length === 1 && path[0] === 'docker_env') return keyItems(DOCKER_ENV_KEYS);
      if (path.length === 1 && path[0] === 'databricks_spark_job') return keyItems(DATABRICKS_SPARK_JOB_KEYS);
      return [];
    }
    const isParamType = (path.length === 5 && path[2] === 'parameters' && path[4] === 'type') || (path.length === 4 && path[2] === 'parameters');
    if (path[0] === 'entry_points' && isParamType) return values(PARAMETER_TYPE_DOCS, 'parameter type');
    return [];
  }
  if (kind === 'mlmodel') {
    if (at.position === 'key') {
      if (path.length === 0) return keyItems(MLMODEL_KEYS);
      if (path.length === 1 && path[0] === 'flavors') {
        return keyItems(FLAVORS, 'flavor').map((i) => ({ ...i, kind: 'module', insertText: `${i.label}:\n${' '.repeat(at.indent + 2)}` }));
      }
      if (path.length === 2 && path[0] === 'flavors' && path[1] === 'python_function') return keyItems(PYFUNC_KEYS);
      if (path.length === 1 && path[0] === 'signature') return keyItems(SIGNATURE_KEYS);
      if (path.length === 1 && path[0] === 'saved_input_example_info') return keyItems(INPUT_EXAMPLE_KEYS);
      return [];
    }
    if (path.join('.') === 'saved_input_example_info.type') return values(INPUT_EXAMPLE_TYPES);
    if (path.join('.') === 'saved_input_example_info.pandas_orient') return values(['split', 'values']);
    if (path.join('.') === 'flavors.python_function.loader_module') {
      return values(['mlflow.pyfunc.model', ...Object.keys(FLAVORS).filter((f) => f !== 'python_function').map((f) => `mlflow.${f}`)], 'loader module');
    }
    return [];
  }
  if (at.position !== 'key' || path.length !== 0) return [];
  return keyItems(kind === 'python-env' ? PYTHON_ENV_KEYS : CONDA_ENV_KEYS);
}

/** Inside `{...` of a command: the entry point's parameter names. */
function completePlaceholder(analysis: DocumentAnalysis, offset: number): CompletionItem[] | undefined {
  const { text, mlproject: model } = analysis;
  const ep = model.entryPoints.find((e) => e.commandSpan && offset > e.commandSpan.start && offset <= e.commandSpan.end);
  if (!ep) return undefined;
  const before = text.slice(ep.commandSpan!.start, offset);
  const m = /\{([^{}\s]*)$/.exec(before);
  // `{{` is a literal brace, not a placeholder.
  if (!m || /\{\{[^{}\s]*$/.test(before)) return undefined;
  const replace = { start: offset - m[1].length, end: offset };
  const closing = text[offset] === '}' ? '' : '}';
  return ep.parameters.map((p) => ({
    label: p.name,
    kind: 'variable',
    detail: p.type ?? undefined,
    documentation: p.required ? 'Required parameter' : `Default: ${p.defaultText}`,
    insertText: `${p.name}${closing}`,
    replace,
  }));
}

/** Keys already written at the same indentation in the block around the cursor. */
function siblingKeys(text: string, offset: number, indent: number): Set<string> {
  const keys = new Set<string>();
  const lines = text.split('\n');
  const lineNo = text.slice(0, offset).split('\n').length - 1;
  const scan = (step: number): void => {
    for (let i = lineNo + step; i >= 0 && i < lines.length; i += step) {
      const line = lines[i];
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const lineIndent = line.length - line.trimStart().length;
      if (lineIndent < indent) return;
      const m = /^\s*([\w.-]+)\s*:/.exec(line);
      if (lineIndent === indent && m) keys.add(m[1]);
    }
  };
  scan(-1);
  scan(1);
  return keys;
}
