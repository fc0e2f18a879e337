// Checks the JSON inside MLmodel signatures against the rules of mlflow/types/schema.py, so that a
// signature that `mlflow.models.Model.load` would reject is flagged where the mistake is.
import { jsonKindName } from '../shared/json';
import type { JsonNode, JsonProperty } from '../shared/json';

/** Offsets are indices into the JSON text. */
export interface SchemaProblem {
  start: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
}

export const SCALAR_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'];
const COMPLEX_TYPES = ['array', 'object', 'map', 'any', 'sparkml_vector'];
const COLUMN_KEYS = ['type', 'name', 'required', 'items', 'properties', 'values'];
const NUMPY_DTYPES = new Set([
  'bool', 'bool_', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float16', 'float32', 'float64', 'float128',
  'longdouble', 'complex64', 'complex128', 'complex256', 'object', 'str', 'str_', 'bytes', 'bytes_', 'unicode', 'datetime64', 'timedelta64', 'int', 'float', 'complex',
]);

class Problems {
  readonly items: SchemaProblem[] = [];
  error(at: { start: number; end: number }, message: string): void {
    this.items.push({ start: at.start, end: at.end, message, severity: 'error' });
  }
  warning(at: { start: number; end: number }, message: string): void {
    this.items.push({ start: at.start, end: at.end, message, severity: 'warning' });
  }
}

function prop(node: JsonNode & { kind: 'object' }, key: string): JsonProperty | undefined {
  let found: JsonProperty | undefined;
  for (const p of node.properties) if (p.key === key) found = p; // json.loads keeps the last
  return found;
}

function keySpan(p: JsonProperty): { start: number; end: number } {
  return { start: p.keyStart, end: p.keyEnd };
}

/** `inputs` / `outputs`: a non-empty list of column specs or of tensor specs. */
export function checkSchema(root: JsonNode): SchemaProblem[] {
  const out = new Problems();
  if (root.kind === 'null') return out.items;
  if (root.kind !== 'array') {
    out.error(root, `A schema is a JSON list of column or tensor specs, not ${jsonKindName(root)}.`);
    return out.items;
  }
  if (root.items.length === 0) {
    out.error(root, 'A schema cannot be empty: MLflow rejects "Creating Schema with empty inputs".');
    return out.items;
  }
  const specs: Array<{ node: JsonNode; tensor: boolean; named: boolean; optional: boolean }> = [];
  for (const item of root.items) {
    if (item.kind !== 'object') {
      out.error(item, `Each schema entry must be a JSON object, not ${jsonKindName(item)}.`);
      continue;
    }
    const type = prop(item, 'type');
    const tensor = type?.value.kind === 'string' && type.value.value === 'tensor';
    if (tensor) checkTensorSpec(item, out);
    else checkColumnSpec(item, out);
    const name = prop(item, 'name');
    const required = prop(item, 'required');
    specs.push({ node: item, tensor, named: name !== undefined && name.value.kind !== 'null', optional: required?.value.kind === 'boolean' && !required.value.value });
  }
  if (specs.some((s) => s.tensor) && specs.some((s) => !s.tensor)) {
    out.error(root, 'A schema cannot mix column specs and tensor specs.');
  }
  if (specs.some((s) => s.named) && specs.some((s) => !s.named)) {
    for (const s of specs.filter((x) => !x.named)) out.error(s.node, 'All schema entries must be named, or none: this one has no "name" while others do.');
  }
  const tensors = specs.filter((s) => s.tensor);
  if (tensors.length > 1) for (const s of tensors.filter((x) => !x.named)) out.error(s.node, 'When a schema has several tensors, each must have a "name".');
  for (const s of specs) if (!s.named && s.optional) out.error(s.node, 'Only named entries can be optional ("required": false).');
  const seen = new Map<string, JsonNode>();
  for (const s of specs) {
    const n = s.node.kind === 'object' ? prop(s.node, 'name') : undefined;
    if (n?.value.kind === 'string') {
      if (seen.has(n.value.value)) out.error(n.value, `Duplicate name "${n.value.value}" in the schema.`);
      seen.set(n.value.value, n.value);
    }
  }
  return out.items;
}

function checkColumnSpec(node: JsonNode & { kind: 'object' }, out: Problems): void {
  for (const p of node.properties) {
    if (!COLUMN_KEYS.includes(p.key)) out.error(keySpan(p), `Unexpected key "${p.key}" in a column spec; MLflow accepts only "type", "name" and "required" (plus "items", "properties" or "values" for complex types).`);
  }
  const name = prop(node, 'name');
  if (name && name.value.kind !== 'string' && name.value.kind !== 'null') out.error(name.value, `"name" must be a string, not ${jsonKindName(name.value)}.`);
  const required = prop(node, 'required');
  if (required && required.value.kind !== 'boolean') out.error(required.value, `"required" must be true or false, not ${jsonKindName(required.value)}.`);
  checkTypeSpec(node, out, 0);
}

/** A data type: `{"type": scalar}` or a complex one with its `items` / `properties` / `values`. */
function checkTypeSpec(node: JsonNode & { kind: 'object' }, out: Problems, depth: number): void {
  const type = prop(node, 'type');
  if (!type) {
    out.error(node, 'Missing "type".');
    return;
  }
  if (type.value.kind !== 'string') {
    out.error(type.value, `"type" must be a string, not ${jsonKindName(type.value)}.`);
    return;
  }
  const t = type.value.value;
  if (SCALAR_TYPES.includes(t) || t === 'any' || t === 'sparkml_vector') return;
  if (!COMPLEX_TYPES.includes(t)) {
    out.error(type.value, `Unsupported type "${t}": MLflow expects one of ${[...SCALAR_TYPES, ...COMPLEX_TYPES, 'tensor'].join(', ')}.`);
    return;
  }
  if (depth > 50) return;
  const needs = t === 'array' ? 'items' : t === 'map' ? 'values' : 'properties';
  const inner = prop(node, needs);
  if (!inner) {
    out.error(type.value, `Type "${t}" needs "${needs}".`);
    return;
  }
  if (inner.value.kind !== 'object') {
    out.error(inner.value, `"${needs}" must be a JSON object, not ${jsonKindName(inner.value)}.`);
    return;
  }
  if (t !== 'object') {
    checkTypeSpec(inner.value, out, depth + 1);
    return;
  }
  if (inner.value.properties.length === 0) out.error(inner.value, 'An object type needs at least one property.');
  const names = new Set<string>();
  for (const p of inner.value.properties) {
    if (names.has(p.key)) out.error(keySpan(p), `Duplicate property "${p.key}".`);
    names.add(p.key);
    if (p.value.kind !== 'object') {
      out.error(p.value, `Property "${p.key}" must be a JSON object with a "type", not ${jsonKindName(p.value)}.`);
      continue;
    }
    const req = prop(p.value, 'required');
    if (req && req.value.kind !== 'boolean') out.error(req.value, `"required" must be true or false, not ${jsonKindName(req.value)}.`);
    checkTypeSpec(p.value, out, depth + 1);
  }
}

function checkTensorSpec(node: JsonNode & { kind: 'object' }, out: Problems): void {
  for (const p of node.properties) {
    if (!['type', 'tensor-spec', 'name'].includes(p.key)) out.warning(keySpan(p), `Unexpected key "${p.key}" in a tensor spec; MLflow ignores it.`);
  }
  const spec = prop(node, 'tensor-spec');
  if (!spec) {
    out.error(node, 'A tensor spec needs "tensor-spec": {"dtype": ..., "shape": [...]}.');
    return;
  }
  if (spec.value.kind !== 'object') {
    out.error(spec.value, `"tensor-spec" must be a JSON object, not ${jsonKindName(spec.value)}.`);
    return;
  }
  const dtype = prop(spec.value, 'dtype');
  const shape = prop(spec.value, 'shape');
  if (!dtype || !shape) out.error(keySpan(spec), 'Missing keys in "tensor-spec": expected "dtype" and "shape".');
  if (dtype) {
    if (dtype.value.kind !== 'string') out.error(dtype.value, `"dtype" must be a numpy dtype name, not ${jsonKindName(dtype.value)}.`);
    else checkDtype(dtype.value, out);
  }
  if (shape) {
    if (shape.value.kind !== 'array') out.error(shape.value, `"shape" must be a list of dimensions (-1 for a variable one), not ${jsonKindName(shape.value)}.`);
    else
      for (const d of shape.value.items)
        if (d.kind !== 'number' || !d.integer || d.value < -1) out.error(d, 'Each dimension must be a non-negative integer, or -1 for a variable dimension.');
  }
}

function checkDtype(node: JsonNode & { kind: 'string' }, out: Problems): void {
  const name = node.value;
  if (/^[<>|=]?[SUa]\d+$/.test(name)) {
    out.error(node, `MLflow does not support size information in flexible dtypes such as "${name}"; use "str" or "bytes".`);
    return;
  }
  if (NUMPY_DTYPES.has(name) || /^(datetime64|timedelta64)(\[\w+\])?$/.test(name) || /^[<>|=]?[biufcmMOSUV?]\d*$/.test(name)) return;
  out.warning(node, `"${name}" does not look like a numpy dtype name (e.g. "float32", "int64", "str").`);
}

/** `params`: a list of `{"name", "type", "default", "shape"}`. */
export function checkParams(root: JsonNode): SchemaProblem[] {
  const out = new Problems();
  if (root.kind === 'null') return out.items;
  if (root.kind !== 'array') {
    out.error(root, `"params" is a JSON list of param specs, not ${jsonKindName(root)}.`);
    return out.items;
  }
  const names = new Set<string>();
  for (const item of root.items) {
    if (item.kind !== 'object') {
      out.error(item, `Each param spec must be a JSON object, not ${jsonKindName(item)}.`);
      continue;
    }
    for (const p of item.properties) {
      if (!['name', 'type', 'dtype', 'default', 'shape'].includes(p.key)) out.error(keySpan(p), `Unexpected key "${p.key}" in a param spec; MLflow accepts "name", "type", "default" and "shape".`);
    }
    const name = prop(item, 'name');
    const type = prop(item, 'type') ?? prop(item, 'dtype');
    const def = prop(item, 'default');
    const missing = [!name && 'name', !type && 'type', !def && 'default'].filter(Boolean);
    if (missing.length) out.error(item, `A param spec needs ${missing.map((m) => `"${m}"`).join(', ')}.`);
    if (name) {
      if (name.value.kind !== 'string') out.error(name.value, `"name" must be a string, not ${jsonKindName(name.value)}.`);
      else {
        if (names.has(name.value.value)) out.error(name.value, `Duplicate param name "${name.value.value}".`);
        names.add(name.value.value);
      }
    }
    let typeName: string | undefined;
    if (type) {
      if (type.value.kind === 'string' && (SCALAR_TYPES.includes(type.value.value) || type.value.value === 'object') && type.value.value !== 'binary') typeName = type.value.value;
      else if (type.value.kind === 'object') checkTypeSpec(type.value, out, 0);
      else out.error(type.value, `A param type must be one of ${SCALAR_TYPES.filter((t) => t !== 'binary').join(', ')} or object.`);
    }
    const shape = prop(item, 'shape');
    let list = false;
    if (shape && shape.value.kind !== 'null') {
      const ok = shape.value.kind === 'array' && shape.value.items.length === 1 && shape.value.items[0].kind === 'number' && shape.value.items[0].value === -1;
      if (!ok) out.error(shape.value, 'A param "shape" must be null or [-1] (a one-dimensional list).');
      list = ok;
    }
    if (def && typeName && def.value.kind !== 'null') {
      if (list) {
        if (def.value.kind !== 'array') out.error(def.value, `With shape [-1] the default must be a list, not ${jsonKindName(def.value)}.`);
        else for (const v of def.value.items) checkParamDefault(v, typeName, out);
      } else checkParamDefault(def.value, typeName, out);
    }
  }
  return out.items;
}

function checkParamDefault(value: JsonNode, type: string, out: Problems): void {
  const ok =
    type === 'boolean' ? value.kind === 'boolean'
    : type === 'integer' || type === 'long' ? value.kind === 'number' && value.integer
    : type === 'float' || type === 'double' ? value.kind === 'number'
    : type === 'string' ? value.kind === 'string'
    : type === 'datetime' ? value.kind === 'string' && !Number.isNaN(Date.parse(value.value))
    : type === 'object' ? value.kind === 'object'
    : true;
  if (!ok) out.error(value, `The default (${jsonKindName(value)}) does not match the param type "${type}".`);
}
