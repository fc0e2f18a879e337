// Checks an MLmodel file the way mlflow.models.Model.load and the flavor loaders read it.
import { DiagnosticSink, span } from '../shared/diagnostics';
import type { AnalysisDiagnostic, QuickFix, Span } from '../shared/diagnostics';
import { describe, entries, entryMap, isMap, isNull, isScalar, isSeq, isString, nodeSpan, parseYaml, resolve, safeJson } from '../shared/yamlTree';
import type { Entry, Node, ParsedYaml, YAMLMap, YamlDoc } from '../shared/yamlTree';
import { parseJson } from '../shared/json';
import { scalarOffsetMap } from '../shared/scalarOffsets';
import { closest } from '../shared/suggest';
import { checkParams, checkSchema } from './signature';
import { INPUT_EXAMPLE_KEYS, INPUT_EXAMPLE_TYPES, MLMODEL_KEYS, PATH_KEYS, SIGNATURE_KEYS } from './keys';

export interface MlmodelOptions {
  /** Whether a path relative to the MLmodel's directory exists; file checks are skipped without it. */
  fileExists?: (relativePath: string) => boolean;
}

export interface MlmodelFileRef {
  path: string;
  span: Span;
}

export interface MlmodelModel {
  flavors: Array<{ name: string; nameSpan: Span; span: Span }>;
  /** Files the MLmodel names, relative to its directory (for go-to-definition). */
  files: MlmodelFileRef[];
  diagnostics: AnalysisDiagnostic[];
}

const UTC_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** `parsed` is the text's parse when the caller already has it (see DocumentAnalysis). */
export function parseMlmodel(text: string, options: MlmodelOptions = {}, parsed?: ParsedYaml): MlmodelModel {
  const sink = new DiagnosticSink(text);
  const model = buildModel(text, options, sink, parsed);
  sink.keepOnlySyntaxErrorsIfAny();
  return model;
}

function buildModel(text: string, options: MlmodelOptions, sink: DiagnosticSink, parsed?: ParsedYaml): MlmodelModel {
  const doc = parseYaml(text, sink, parsed);
  const model: MlmodelModel = { flavors: [], files: [], diagnostics: sink.items };
  const root = resolve(doc.contents, doc);
  if (isNull(root)) {
    if (!doc.errors.length) sink.error('missing-flavors', 'The MLmodel file is empty: MLflow cannot load a model without flavors.', span(0, 0));
    return model;
  }
  if (!isMap(root)) {
    sink.error('root-not-mapping', `An MLmodel file must be a mapping, not ${describe(root)}; MLflow cannot load it.`, nodeSpan(root));
    return model;
  }
  const checker = new MlmodelChecker(text, doc, sink, model);
  checker.check(root);
  if (options.fileExists) {
    for (const ref of model.files) {
      if (!options.fileExists(ref.path)) {
        sink.error('model-file-not-found', `No '${ref.path}' beside this MLmodel: loading the model fails when MLflow reads it.`, ref.span);
      }
    }
  }
  return model;
}

export function analyzeMlmodel(text: string, options: MlmodelOptions = {}): AnalysisDiagnostic[] {
  return parseMlmodel(text, options).diagnostics;
}

class MlmodelChecker {
  constructor(
    private readonly text: string,
    private readonly doc: YamlDoc,
    private readonly sink: DiagnosticSink,
    private readonly model: MlmodelModel,
  ) {}

  check(root: YAMLMap): void {
    const known = Object.keys(MLMODEL_KEYS);
    for (const e of entries(root, this.doc)) {
      if (e.key === null || known.includes(e.key)) continue;
      const suggestion = e.key === 'time_created' ? 'utc_time_created' : closest(e.key, known);
      const fixes: QuickFix[] = suggestion ? [{ title: `Change to '${suggestion}'`, preferred: true, edits: [{ span: e.keySpan, newText: suggestion }] }] : [];
      this.sink.info('unknown-key', `Unknown key '${e.key}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: MLflow keeps it in the file but does not use it.`, e.keySpan, { fixes });
    }
    const keys = entryMap(root, this.doc);
    this.flavors(keys.get('flavors'), root);
    this.utcTime(keys.get('utc_time_created'));
    this.signature(keys.get('signature'));
    this.inputExample(keys.get('saved_input_example_info'));
    for (const key of ['env_vars', 'prompts']) this.stringList(keys.get(key));
    const size = keys.get('model_size_bytes');
    if (size && !isNull(size.value) && !(isScalar(size.value) && typeof size.value.value === 'number' && Number.isInteger(size.value.value))) {
      this.sink.warning('invalid-value', `'model_size_bytes' should be an integer, not ${describe(size.value)}.`, size.valueSpan);
    }
  }

  private flavors(entry: Entry | undefined, root: YAMLMap): void {
    if (!entry) {
      const first = root.items[0]?.key as Node | undefined;
      this.sink.error('missing-flavors', "No 'flavors': MLflow cannot load this model (every saved model lists at least one flavor, usually python_function).", nodeSpan(first ?? root));
      return;
    }
    if (!isMap(entry.value) || entry.value.items.length === 0) {
      this.sink.error('missing-flavors', `'flavors' must map flavor names to their settings, not ${describe(entry.value)}; MLflow cannot load this model.`, isNull(entry.value) ? entry.keySpan : entry.valueSpan);
      return;
    }
    for (const flavor of entries(entry.value, this.doc)) {
      if (flavor.key === null) continue;
      this.model.flavors.push({ name: flavor.key, nameSpan: flavor.keySpan, span: span(flavor.keySpan.start, Math.max(flavor.keySpan.end, flavor.valueSpan.end)) });
      if (!isMap(flavor.value)) {
        this.sink.error('flavor-not-mapping', `Flavor '${flavor.key}' must be a mapping of its settings, not ${describe(flavor.value)}.`, isNull(flavor.value) ? flavor.keySpan : flavor.valueSpan);
        continue;
      }
      const settings = entryMap(flavor.value, this.doc);
      if (flavor.key === 'python_function') this.pyfunc(flavor, settings);
      for (const key of PATH_KEYS) this.fileRef(settings.get(key));
      const extra = settings.get('extra_files');
      if (extra && isSeq(extra.value)) {
        for (const item of extra.value.items) {
          const node = resolve(item, this.doc);
          if (isMap(node)) this.fileRef(entryMap(node, this.doc).get('path'));
        }
      }
    }
  }

  private pyfunc(flavor: Entry, settings: Map<string, Entry>): void {
    const loader = settings.get('loader_module');
    if (!loader || isNull(loader.value)) {
      this.sink.error('missing-loader-module', "python_function has no 'loader_module': mlflow.pyfunc.load_model cannot load this model (it imports that module and calls its _load_pyfunc).", loader ? loader.keySpan : flavor.keySpan);
    } else if (!isString(loader.value)) {
      this.sink.error('missing-loader-module', `'loader_module' must be a Python module name such as mlflow.sklearn, not ${describe(loader.value)}.`, loader.valueSpan);
    }
    const env = settings.get('env');
    if (env && !isNull(env.value)) {
      if (isString(env.value)) this.fileRef(env);
      else if (isMap(env.value)) {
        for (const e of entries(env.value, this.doc)) {
          if (e.key !== 'conda' && e.key !== 'virtualenv') this.sink.warning('unknown-key', `Unknown environment '${e.key}': MLflow reads 'conda' and 'virtualenv'.`, e.keySpan);
          this.fileRef(e);
        }
      } else this.sink.error('invalid-value', `'env' must be a conda file path or {conda: ..., virtualenv: ...}, not ${describe(env.value)}.`, env.valueSpan);
    }
    const artifacts = settings.get('artifacts');
    if (artifacts && isMap(artifacts.value)) {
      for (const a of entries(artifacts.value, this.doc)) if (isMap(a.value)) this.fileRef(entryMap(a.value, this.doc).get('path'));
    }
  }

  private fileRef(entry: Entry | undefined): void {
    if (!entry || !isString(entry.value) || entry.value.value === '') return;
    const path = entry.value.value;
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) || path.startsWith('/')) return; // URIs and absolute paths are not beside the model
    this.model.files.push({ path, span: entry.valueSpan });
  }

  private utcTime(entry: Entry | undefined): void {
    if (!entry || isNull(entry.value)) return;
    const node = entry.value!;
    const source = this.text.slice(entry.valueSpan.start, entry.valueSpan.end);
    if (isScalar(node) && node.value instanceof Date) {
      this.sink.warning('utc-time-format', "Unquoted, YAML reads this as a timestamp object rather than text; MLflow writes 'utc_time_created' as a quoted string.", entry.valueSpan, {
        fixes: [{ title: 'Quote the time', preferred: true, edits: [{ span: entry.valueSpan, newText: `'${source}'` }] }],
      });
      return;
    }
    if (!isString(node) || !UTC_TIME.test(node.value)) {
      this.sink.warning('utc-time-format', `'utc_time_created' should be a UTC time 'YYYY-MM-DD HH:MM:SS.ffffff' (as MLflow writes it), not ${isString(node) ? JSON.stringify(node.value) : describe(node)}.`, entry.valueSpan);
    }
  }

  private signature(entry: Entry | undefined): void {
    if (!entry || isNull(entry.value)) return;
    if (!isMap(entry.value)) {
      this.sink.error('signature-invalid', `'signature' must be a mapping with inputs, outputs and params, not ${describe(entry.value)}.`, entry.valueSpan);
      return;
    }
    for (const e of entries(entry.value, this.doc)) {
      if (e.key === null || !(e.key in SIGNATURE_KEYS)) {
        this.sink.warning('unknown-key', `Unknown key '${e.key}' in 'signature': MLflow reads inputs, outputs and params.`, e.keySpan);
        continue;
      }
      this.signaturePart(e);
    }
  }

  private signaturePart(e: Entry): void {
    const node = e.value;
    if (isNull(node)) return;
    if (!isString(node)) {
      const fixes: QuickFix[] = [];
      const json = isMap(node) || isSeq(node) ? safeJson(node) : undefined;
      if (json !== undefined) {
        fixes.push({ title: 'Convert to a JSON string', preferred: true, edits: [{ span: e.valueSpan, newText: `'${json.replace(/'/g, "''")}'` }] });
      }
      this.sink.error('signature-not-json-string', `'${e.key}' must be a JSON string (MLflow calls json.loads on it), not ${describe(node)} written as YAML.`, e.valueSpan, { fixes });
      return;
    }
    const toDoc = scalarOffsetMap(this.text, node as never);
    const parsed = parseJson(node.value);
    if (parsed.error) {
      const at = toDoc(parsed.error.offset);
      this.sink.error('signature-invalid-json', `'${e.key}' is not valid JSON (${parsed.error.message}); loading the model fails in json.loads.`, span(at, at + 1));
      return;
    }
    const problems = e.key === 'params' ? checkParams(parsed.node!) : checkSchema(parsed.node!);
    for (const p of problems) {
      const at = span(toDoc(p.start), p.end > p.start ? toDoc(p.end - 1) + 1 : toDoc(p.start));
      this.sink.add('signature-schema', p.severity, `${p.message}${p.severity === 'error' ? ' MLflow rejects this signature when loading the model.' : ''}`, at);
    }
  }

  private inputExample(entry: Entry | undefined): void {
    if (!entry || isNull(entry.value)) return;
    if (!isMap(entry.value)) {
      this.sink.error('input-example-invalid', `'saved_input_example_info' must be a mapping, not ${describe(entry.value)}.`, entry.valueSpan);
      return;
    }
    const known = Object.keys(INPUT_EXAMPLE_KEYS);
    for (const e of entries(entry.value, this.doc)) {
      if (e.key === null || !known.includes(e.key)) this.sink.warning('unknown-key', `Unknown key '${e.key}' in 'saved_input_example_info': MLflow ignores it.`, e.keySpan);
    }
    const keys = entryMap(entry.value, this.doc);
    const path = keys.get('artifact_path');
    if (!path || !isString(path.value)) {
      this.sink.error('input-example-invalid', "'saved_input_example_info' needs 'artifact_path' (the example file, e.g. input_example.json); loading the example fails without it.", path ? path.valueSpan : entry.keySpan);
    } else this.fileRef(path);
    this.fileRef(keys.get('serving_input_path'));
    const type = keys.get('type');
    if (type && !(isString(type.value) && INPUT_EXAMPLE_TYPES.includes(type.value.value))) {
      this.sink.error('input-example-invalid', `'type' must be one of ${INPUT_EXAMPLE_TYPES.join(', ')}; MLflow cannot read the example otherwise.`, type.valueSpan);
    }
    const orient = keys.get('pandas_orient');
    if (orient && !(isString(orient.value) && ['split', 'values'].includes(orient.value.value))) {
      this.sink.error('input-example-invalid', "'pandas_orient' must be 'split' or 'values'.", orient.valueSpan);
    }
  }

  private stringList(entry: Entry | undefined): void {
    if (!entry || isNull(entry.value)) return;
    if (!isSeq(entry.value)) {
      this.sink.warning('invalid-value', `'${entry.key}' should be a list of strings, not ${describe(entry.value)}.`, entry.valueSpan);
      return;
    }
    for (const item of entry.value.items) {
      const node = resolve(item, this.doc);
      if (!isString(node)) this.sink.warning('invalid-value', `'${entry.key}' should contain only strings, not ${describe(node)}.`, nodeSpan(node as Node | null, entry.valueSpan));
    }
  }
}
