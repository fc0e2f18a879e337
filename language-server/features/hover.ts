// Hover: what a key means, and a parameter's type, default and whether it is required.
import type { Span } from '../shared/diagnostics';
import type { DocumentAnalysis } from '../documents';
import type { MlprojectModel, MlprojectParameter } from '../mlproject/model';
import { DATABRICKS_SPARK_JOB_KEYS, DOCKER_ENV_KEYS, ENTRY_POINT_KEYS, PARAMETER_KEYS, PARAMETER_TYPE_DOCS, TOP_LEVEL_KEYS } from '../mlproject/keys';
import { FLAVORS, INPUT_EXAMPLE_KEYS, MLMODEL_KEYS, PYFUNC_KEYS, SIGNATURE_KEYS } from '../mlmodel/keys';
import { PYTHON_ENV_KEYS } from '../envfiles/pythonEnv';
import { CONDA_ENV_KEYS } from '../envfiles/condaEnv';
import { isString, nodeSpan } from '../shared/yamlTree';
import { treePositionAt } from './cursor';

export interface HoverResult {
  markdown: string;
  span: Span;
}

const within = (s: Span | undefined, offset: number): s is Span => !!s && offset >= s.start && offset <= s.end;

export function hover(analysis: DocumentAnalysis, offset: number): HoverResult | undefined {
  const kind = analysis.kind;
  if (kind === 'mlproject') {
    const fromModel = hoverMlprojectModel(analysis.mlproject, offset);
    if (fromModel) return fromModel;
  }
  const at = treePositionAt(analysis.yaml, offset);
  if (!at.path.length || !at.keySpan) return undefined;
  const p = at.path;
  const key = p[p.length - 1];
  let docs: string | undefined;
  if (!at.onKey) {
    // Values: parameter types are worth explaining.
    if (kind === 'mlproject' && p[0] === 'entry_points' && p[2] === 'parameters' && isString(at.value ?? null)) {
      const type = (at.value as { value: string }).value;
      const typeDoc = PARAMETER_TYPE_DOCS[type];
      if (typeDoc && (p.length === 4 || key === 'type')) return { markdown: `**${type}** parameter type\n\n${typeDoc}`, span: nodeSpan(at.value) };
    }
    return undefined;
  }
  if (kind === 'mlproject') {
    if (p.length === 1) docs = TOP_LEVEL_KEYS[key];
    else if (p[0] === 'entry_points' && p.length === 3) docs = ENTRY_POINT_KEYS[key];
    else if (p[0] === 'entry_points' && p.length === 5 && p[2] === 'parameters') docs = PARAMETER_KEYS[key];
    else if (p[0] === 'docker_env' && p.length === 2) docs = DOCKER_ENV_KEYS[key];
    else if (p[0] === 'databricks_spark_job' && p.length === 2) docs = DATABRICKS_SPARK_JOB_KEYS[key];
  } else if (kind === 'mlmodel') {
    if (p.length === 1) docs = MLMODEL_KEYS[key];
    else if (p[0] === 'flavors' && p.length === 2) docs = FLAVORS[key] ?? `Flavor '${key}'.`;
    else if (p[0] === 'flavors' && p[1] === 'python_function' && p.length === 3) docs = PYFUNC_KEYS[key];
    else if (p[0] === 'signature' && p.length === 2) docs = SIGNATURE_KEYS[key];
    else if (p[0] === 'saved_input_example_info' && p.length === 2) docs = INPUT_EXAMPLE_KEYS[key];
  } else if (p.length === 1) {
    docs = (kind === 'python-env' ? PYTHON_ENV_KEYS : CONDA_ENV_KEYS)[key];
  }
  return docs ? { markdown: `**${key}**\n\n${docs}`, span: at.keySpan } : undefined;
}

/** Entry point names, parameter names and `{placeholders}` hover with what MLflow will do. */
function hoverMlprojectModel(model: MlprojectModel, offset: number): HoverResult | undefined {
  for (const ep of model.entryPoints) {
    if (within(ep.nameSpan, offset)) {
      const params = ep.parameters.map((p) => `- ${describeParameter(p)}`).join('\n');
      const command = ep.command === null ? '_no command_' : `\`\`\`sh\n${ep.command.trim()}\n\`\`\``;
      return { markdown: `**Entry point \`${ep.name}\`**${ep.name === 'main' ? ' (the default)' : ''}\n\n${command}${params ? `\n\nParameters:\n${params}` : ''}`, span: ep.nameSpan };
    }
    for (const p of ep.parameters) {
      if (within(p.nameSpan, offset)) return { markdown: parameterMarkdown(p), span: p.nameSpan };
    }
    for (const ph of ep.placeholders) {
      if (!within(ph.span, offset)) continue;
      const p = ep.parameters.find((x) => x.name === ph.name);
      return { markdown: p ? parameterMarkdown(p) : `**${ph.name}** is not declared: MLflow fails with KeyError when building the command.`, span: ph.span };
    }
  }
  return undefined;
}

function describeParameter(p: MlprojectParameter): string {
  const value = p.required ? '**required**' : `default \`${p.defaultText}\``;
  return `\`${p.name}\`: ${p.type ?? 'invalid'}, ${value}`;
}

function parameterMarkdown(p: MlprojectParameter): string {
  const typeDoc = p.type ? PARAMETER_TYPE_DOCS[p.type] : undefined;
  const requirement = p.required
    ? 'Required: it has no default, so `mlflow run` fails unless you pass `-P ' + p.name + '=...`.'
    : `Default: \`${p.defaultText}\` (used when no value is given).`;
  return [`**Parameter \`${p.name}\`** — type \`${p.type ?? 'invalid'}\``, requirement, typeDoc].filter(Boolean).join('\n\n');
}
