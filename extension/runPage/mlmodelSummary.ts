// What an MLmodel file says, for previews: flavors (with their main settings), where the model came from, and
// the signature's inputs, outputs and params as tables. Reads what `mlflow.models.Model` writes; anything it
// cannot read is reported instead of thrown. Pure (shared by the run page and the registered-model page).
import { parse } from 'yaml';

export interface SignatureColumn {
  name: string;
  type: string;
  /** Tensor shape, e.g. "(-1, 4)". */
  shape?: string;
  required: boolean;
}

export interface SignatureParam {
  name: string;
  type: string;
  default: string;
  shape?: string;
}

export interface Signature {
  inputs: SignatureColumn[];
  outputs: SignatureColumn[];
  params: SignatureParam[];
}

export interface MlmodelSummary {
  flavors: Array<{ name: string; details: Array<[string, string]> }>;
  facts: Array<[string, string]>;
  signature?: Signature;
  /** Problems reading the file (not the model's validity: the language server reports that). */
  problems: string[];
}

const FACTS: Array<[string, string]> = [
  ['run_id', 'Run'],
  ['artifact_path', 'Artifact path'],
  ['model_uuid', 'Model UUID'],
  ['model_id', 'Model ID'],
  ['utc_time_created', 'Created (UTC)'],
  ['mlflow_version', 'MLflow version'],
  ['model_size_bytes', 'Size (bytes)'],
  ['saved_input_example_info', 'Input example'],
];

function scalar(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function shapeOf(v: unknown): string | undefined {
  return Array.isArray(v) ? `(${v.map(String).join(', ')})` : undefined;
}

/** A signature part: a JSON string (as MLmodel files hold it) or an already parsed list; problems noted. */
function specList(json: unknown, problems: string[], what: string): unknown[] {
  if (json === null || json === undefined) return [];
  let specs: unknown = json;
  if (typeof json === 'string') {
    try {
      specs = JSON.parse(json);
    } catch {
      problems.push(`The signature's ${what} are not valid JSON.`);
      return [];
    }
  }
  if (!Array.isArray(specs)) {
    problems.push(`The signature's ${what} are not a list.`);
    return [];
  }
  return specs;
}

function columns(json: unknown, problems: string[], what: string): SignatureColumn[] {
  const specs = specList(json, problems, what);
  return specs.map((s: unknown, i) => {
    const o = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
    const tensor = o.type === 'tensor';
    const type = tensor ? `tensor ${scalar((o['tensor-spec'] as Record<string, unknown> | undefined)?.dtype)}`.trim() : scalar(o.type) || 'unknown';
    const col: SignatureColumn = { name: typeof o.name === 'string' ? o.name : `#${i}`, type, required: o.required !== false };
    const shape = shapeOf((o['tensor-spec'] as Record<string, unknown> | undefined)?.shape ?? o.shape);
    if (shape) col.shape = shape;
    return col;
  });
}

function params(json: unknown, problems: string[]): SignatureParam[] {
  const specs = specList(json, problems, 'params');
  return specs.map((s: unknown) => {
    const o = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
    const p: SignatureParam = { name: scalar(o.name), type: scalar(o.type), default: scalar(o.default) };
    const shape = shapeOf(o.shape);
    if (shape) p.shape = shape;
    return p;
  });
}

export function summariseMlmodel(text: string): MlmodelSummary {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    return { flavors: [], facts: [], problems: [`Not valid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { flavors: [], facts: [], problems: ['An MLmodel file is a YAML mapping.'] };
  const root = doc as Record<string, unknown>;
  const flavors: MlmodelSummary['flavors'] = [];
  const fl = root.flavors;
  if (fl && typeof fl === 'object' && !Array.isArray(fl)) {
    for (const [name, body] of Object.entries(fl as Record<string, unknown>)) {
      const details: Array<[string, string]> = [];
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        for (const [k, v] of Object.entries(body as Record<string, unknown>)) details.push([k, scalar(v)]);
      }
      flavors.push({ name, details });
    }
  } else problems.push('No flavors: MLflow cannot load this model.');
  const facts = FACTS.filter(([k]) => root[k] !== undefined && root[k] !== null).map(([k, label]): [string, string] => [label, scalar(root[k])]);
  const out: MlmodelSummary = { flavors, facts, problems };
  const sig = root.signature;
  if (sig && typeof sig === 'object' && !Array.isArray(sig)) {
    const s = sig as Record<string, unknown>;
    out.signature = { inputs: columns(s.inputs, problems, 'inputs'), outputs: columns(s.outputs, problems, 'outputs'), params: params(s.params, problems) };
  }
  return out;
}
