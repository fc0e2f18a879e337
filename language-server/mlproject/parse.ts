// Reads an MLproject the way `mlflow run` does (mlflow/projects/_project_spec.py) and reports,
// with precise ranges, everything that MLflow would reject, crash on, or silently ignore.
import { DiagnosticSink, span } from '../shared/diagnostics';
import type { QuickFix, Span } from '../shared/diagnostics';
import { describe, entries, entryMap, entryRemovalSpan, isMap, isNull, isScalar, isSeq, isString, nodeSpan, parseYaml, resolve, safeJson } from '../shared/yamlTree';
import type { Entry, Node, YAMLMap, YamlDoc } from '../shared/yamlTree';
import { scalarOffsetMap } from '../shared/scalarOffsets';
import { closest } from '../shared/suggest';
import { parseFormatString } from './formatString';
import { DATABRICKS_SPARK_JOB_KEYS, DOCKER_ENV_KEYS, ENTRY_POINT_KEYS, ENV_KEYS, PARAMETER_KEYS, TOP_LEVEL_KEYS } from './keys';
import { PARAMETER_TYPES } from './model';
import type { CommandPlaceholder, MlprojectEntryPoint, MlprojectEnvironment, MlprojectModel, MlprojectOptions, MlprojectParameter } from './model';
import { indentOf, lineEndAfter, lineStartOf, pythonStr } from './text';

export function parseMlproject(text: string, options: MlprojectOptions = {}): MlprojectModel {
  return new MlprojectParser(text, options).parse();
}

class MlprojectParser {
  private readonly sink: DiagnosticSink;
  private doc!: YamlDoc;

  constructor(
    private readonly text: string,
    private readonly options: MlprojectOptions,
  ) {
    this.sink = new DiagnosticSink(text);
  }

  parse(): MlprojectModel {
    const model = this.build();
    this.sink.keepOnlySyntaxErrorsIfAny();
    return model;
  }

  private build(): MlprojectModel {
    this.doc = parseYaml(this.text, this.sink);
    const model: MlprojectModel = {
      name: null,
      entryPoints: [],
      environment: { kind: 'python', file: null, implicit: true },
      databricksSparkJob: false,
      diagnostics: this.sink.items,
    };
    const root = resolve(this.doc.contents, this.doc);
    if (isNull(root)) {
      if (!this.doc.errors.length) {
        this.sink.error('empty-project', "The MLproject is empty: MLflow reads it as None and `mlflow run` fails ('NoneType' object has no attribute 'keys').", span(0, 0));
      }
      return model;
    }
    if (!isMap(root)) {
      this.sink.error('root-not-mapping', `An MLproject must be a mapping of keys, not ${describe(root)}; \`mlflow run\` fails on this file.`, nodeSpan(root));
      return model;
    }
    const all = entries(root, this.doc);
    const top = entryMap(root, this.doc);
    this.reportUnknownKeys(all, Object.keys(TOP_LEVEL_KEYS), 'the MLproject');

    const name = top.get('name');
    if (name && isScalar(name.value) && !isNull(name.value)) {
      model.name = pythonStr(name.value.value, name.value.source);
      model.nameSpan = name.valueSpan;
    }
    model.entryPoints = this.entryPoints(top.get('entry_points'));
    model.environment = this.environment(top, model);
    model.databricksSparkJob = this.databricksSparkJob(top, model);
    return model;
  }

  // ---- environment -------------------------------------------------------------------------

  private environment(top: Map<string, Entry>, model: MlprojectModel): MlprojectEnvironment {
    const envEntries = ENV_KEYS.map((k) => top.get(k))
      .filter((e): e is Entry => e !== undefined)
      .sort((a, b) => a.keySpan.start - b.keySpan.start);
    if (envEntries.length > 1) {
      const names = envEntries.map((e) => e.key).join(', ');
      for (const e of envEntries) {
        this.sink.error(
          'multiple-env-fields',
          `MLflow refuses a project with more than one environment field (${names}), even when one is null: "Project cannot contain multiple environment fields". Keep only one.`,
          e.keySpan,
          { fixes: [this.removeEntryFix(e, `Remove '${e.key}'`)] },
        );
      }
    }

    const docker = top.get('docker_env');
    const python = top.get('python_env');
    const conda = top.get('conda_env');
    const dockerEnv = docker ? this.dockerEnv(docker, model) : undefined;
    const pythonFile = python ? this.envFile(python, 'python_env') : undefined;
    const condaFile = conda ? this.envFile(conda, 'conda_env') : undefined;
    if (dockerEnv) return dockerEnv;
    if (pythonFile) return { kind: 'python', file: pythonFile.path, implicit: false, keySpan: python!.keySpan, fileSpan: pythonFile.span };
    if (condaFile) return { kind: 'conda', file: condaFile.path, implicit: false, keySpan: conda!.keySpan, fileSpan: condaFile.span };
    const exists = this.options.fileExists;
    if (exists?.('python_env.yaml')) return { kind: 'python', file: 'python_env.yaml', implicit: true };
    if (exists?.('conda.yaml')) return { kind: 'conda', file: 'conda.yaml', implicit: true };
    return { kind: 'python', file: null, implicit: true };
  }

  private envFile(entry: Entry, key: 'python_env' | 'conda_env'): { path: string; span: Span } | undefined {
    const value = entry.value;
    if (isNull(value)) {
      this.sink.warning('env-field-null', `'${key}' is null, so MLflow ignores it and looks for python_env.yaml or conda.yaml in the project instead.`, entry.keySpan);
      return undefined;
    }
    if (!isString(value)) {
      if (isScalar(value) && !value.value) return undefined; // falsy values are skipped by MLflow
      this.sink.error('env-path-not-string', `'${key}' must be a path to a file relative to the project, not ${describe(value)}; MLflow fails when joining it to the project directory.`, entry.valueSpan);
      return undefined;
    }
    if (value.value === '') return undefined;
    const what = key === 'python_env' ? 'python_env file' : 'conda environment file';
    if (this.options.fileExists && !this.options.fileExists(value.value)) {
      this.sink.error('env-file-not-found', `No file '${value.value}' relative to the project: MLflow fails with "Project specified ${what} ${value.value}, but no such file was found."`, entry.valueSpan);
    }
    return { path: value.value, span: entry.valueSpan };
  }

  private dockerEnv(entry: Entry, model: MlprojectModel): MlprojectEnvironment | undefined {
    const value = entry.value;
    // MLflow treats a falsy docker_env (null, {}, '') as absent.
    if (isNull(value) || (isMap(value) && value.items.length === 0) || (isScalar(value) && !value.value)) return undefined;
    if (!isMap(value)) {
      this.sink.error('docker-env-not-mapping', `'docker_env' must be a mapping with an 'image', not ${describe(value)}; MLflow fails reading it.`, entry.valueSpan);
      return undefined;
    }
    const env: MlprojectEnvironment & { kind: 'docker' } = { kind: 'docker', image: null, volumes: [], environment: [], keySpan: entry.keySpan };
    const keys = entryMap(value, this.doc);
    this.reportUnknownKeys(entries(value, this.doc), Object.keys(DOCKER_ENV_KEYS), "'docker_env'");
    const image = keys.get('image');
    if (!image) {
      this.sink.error('docker-env-missing-image', "'docker_env' has no 'image': MLflow fails with \"Docker environment specified but no image attribute found.\"", entry.keySpan);
    } else if (isNull(image.value) || (isScalar(image.value) && !image.value.value)) {
      this.sink.error('docker-env-missing-image', "'image' is empty: MLflow fails with \"Docker environment specified but no image attribute found.\"", isNull(image.value) ? image.keySpan : image.valueSpan);
    } else if (isScalar(image.value)) {
      env.image = pythonStr(image.value.value, image.value.source);
    } else {
      this.sink.error('docker-env-invalid-image', `'image' must be an image name, not ${describe(image.value)}.`, image.valueSpan);
    }

    const volumes = keys.get('volumes');
    if (volumes && !isFalsy(volumes.value)) {
      const message = 'Docker volumes must be a list of strings such as "/host/path:/container/path"; MLflow rejects the project otherwise.';
      if (!isSeq(volumes.value)) this.sink.error('docker-volumes-invalid', message, volumes.valueSpan);
      else
        for (const item of volumes.value.items) {
          const node = resolve(item, this.doc);
          if (isString(node)) env.volumes.push(node.value);
          else this.sink.error('docker-volumes-invalid', message, nodeSpan(node ?? (item as Node), volumes.valueSpan));
        }
    }

    const environment = keys.get('environment');
    if (environment && !isFalsy(environment.value)) {
      const message = 'Docker environment must be a list of "VAR" strings (copied from the host) or [NAME, VALUE] pairs; MLflow rejects the project otherwise.';
      if (!isSeq(environment.value)) this.sink.error('docker-environment-invalid', message, environment.valueSpan);
      else
        for (const item of environment.value.items) {
          const node = resolve(item, this.doc);
          if (isString(node)) env.environment.push(node.value);
          else if (isSeq(node)) {
            const pair = node.items.map((i) => resolve(i, this.doc));
            if (pair.length !== 2 || !pair.every((p) => isScalar(p) && !isNull(p))) {
              this.sink.error('docker-environment-invalid', `A variable to set must be a [NAME, VALUE] pair; MLflow reads only the first two items and fails when there are fewer.`, nodeSpan(node));
            } else {
              const [n, v] = pair as Array<Node & { value: unknown; source?: string }>;
              env.environment.push([pythonStr(n.value, n.source), pythonStr(v.value, v.source)]);
            }
          } else this.sink.error('docker-environment-invalid', message, nodeSpan(node ?? (item as Node), environment.valueSpan));
        }
    }

    if (!model.name) {
      this.sink.error('docker-env-missing-name', "A project with 'docker_env' needs a 'name': MLflow uses it to tag the image and fails without it.", entry.keySpan);
    }
    return env;
  }

  // ---- databricks --------------------------------------------------------------------------

  private databricksSparkJob(top: Map<string, Entry>, model: MlprojectModel): boolean {
    const entry = top.get('databricks_spark_job');
    if (!entry || isNull(entry.value)) return false;
    if (!isMap(entry.value)) {
      this.sink.error('databricks-spark-job-invalid', `'databricks_spark_job' must be a mapping, not ${describe(entry.value)}.`, entry.valueSpan);
      return true;
    }
    this.reportUnknownKeys(entries(entry.value, this.doc), Object.keys(DATABRICKS_SPARK_JOB_KEYS), "'databricks_spark_job'");
    const job = entryMap(entry.value, this.doc);
    const pythonFile = job.get('python_file');
    const hasPythonFile = pythonFile !== undefined && !isNull(pythonFile.value);
    if (hasPythonFile && model.entryPoints.length) {
      this.sink.error('databricks-spark-job-invalid', "A Databricks Spark job takes either 'python_file' or 'entry_points', not both; MLflow rejects the project.", pythonFile.keySpan);
    }
    if (!hasPythonFile && !model.entryPoints.length) {
      this.sink.error('databricks-spark-job-invalid', "A Databricks Spark job needs 'databricks_spark_job.python_file' or 'entry_points'; MLflow rejects the project.", entry.keySpan);
    }
    for (const key of ['parameters', 'python_libraries']) {
      const e = job.get(key);
      if (e && !isNull(e.value) && !isSeq(e.value)) this.sink.error('databricks-spark-job-invalid', `'${key}' must be a list.`, e.valueSpan);
    }
    for (const ep of model.entryPoints)
      for (const p of ep.parameters)
        if (p.type === 'path') this.sink.error('databricks-spark-job-invalid', `Databricks Spark jobs do not support 'path' parameters; MLflow rejects '${p.name}'.`, p.typeSpan ?? p.nameSpan);
    for (const key of ENV_KEYS) {
      const e = top.get(key);
      if (e) this.sink.error('databricks-spark-job-invalid', `Databricks Spark jobs do not support '${key}'; MLflow rejects the project.`, e.keySpan);
    }
    return true;
  }

  // ---- entry points ------------------------------------------------------------------------

  private entryPoints(entry: Entry | undefined): MlprojectEntryPoint[] {
    if (!entry) return [];
    if (isNull(entry.value)) {
      this.sink.error('entry-points-not-mapping', "'entry_points' is null: MLflow crashes reading it ('NoneType' object has no attribute 'items'). Declare entry points or remove the key.", entry.keySpan, {
        fixes: [this.removeEntryFix(entry, "Remove 'entry_points'")],
      });
      return [];
    }
    if (!isMap(entry.value)) {
      this.sink.error('entry-points-not-mapping', `'entry_points' must be a mapping of names to entry points, not ${describe(entry.value)}; MLflow crashes reading it.`, entry.valueSpan);
      return [];
    }
    return winners(entries(entry.value, this.doc)).map((e) => this.entryPoint(e));
  }

  private entryPoint(entry: Entry): MlprojectEntryPoint {
    const name = entry.key ?? '';
    const value = entry.value;
    const ep: MlprojectEntryPoint = {
      name,
      nameSpan: entry.keySpan,
      span: span(entry.keySpan.start, Math.max(entry.keySpan.end, entry.valueSpan.end)),
      command: null,
      placeholders: [],
      escapes: [],
      parameters: [],
    };
    if (isNull(value)) {
      this.sink.error('missing-command', `Entry point '${name}' is empty: MLflow crashes loading the project ('NoneType' object has no attribute 'get'). Give it a 'command'.`, entry.keySpan);
      return ep;
    }
    if (!isMap(value)) {
      const fixes: QuickFix[] = [];
      if (isScalar(value) && isString(value)) {
        const indent = indentOf(this.text, entry.keySpan.start) + 2;
        const source = this.text.slice(entry.valueSpan.start, entry.valueSpan.end);
        fixes.push({ title: `Make it the command of '${name}'`, preferred: true, edits: [{ span: entry.valueSpan, newText: `\n${' '.repeat(indent)}command: ${source}` }] });
      }
      this.sink.error('entry-point-not-mapping', `Entry point '${name}' must be a mapping with 'command' (and optional 'parameters'), not ${describe(value)}; MLflow crashes loading the project.`, entry.valueSpan, { fixes });
      return ep;
    }
    const all = entries(value, this.doc);
    const keys = entryMap(value, this.doc);
    this.reportUnknownKeys(all, Object.keys(ENTRY_POINT_KEYS), `entry point '${name}'`);

    const params = keys.get('parameters');
    if (params) {
      ep.parametersKeySpan = params.keySpan;
      if (isNull(params.value)) {
        this.sink.error('parameters-null', `'parameters' is null: MLflow crashes loading the project ('NoneType' object has no attribute 'items'). Declare parameters or remove the key.`, params.keySpan, {
          fixes: [this.removeEntryFix(params, "Remove 'parameters'")],
        });
      } else if (!isMap(params.value)) {
        this.sink.error('parameters-not-mapping', `'parameters' must be a mapping of names to types or {type, default}, not ${describe(params.value)}; MLflow crashes loading the project.`, params.valueSpan);
      } else {
        ep.parameters = winners(entries(params.value, this.doc)).map((p) => this.parameter(p));
      }
    }

    const command = keys.get('command');
    if (!command || isNull(command.value)) {
      this.sink.error('missing-command', `Entry point '${name}' has no 'command': \`mlflow run -e ${name}\` crashes ('NoneType' object has no attribute 'format').`, command ? command.keySpan : entry.keySpan);
    } else if (!isString(command.value)) {
      this.sink.error('command-not-string', `'command' must be a string, not ${describe(command.value)}; MLflow crashes formatting it. Quote it.`, command.valueSpan);
    } else {
      ep.command = command.value.value;
      ep.commandSpan = command.valueSpan;
      this.command(ep, command, params);
    }
    return ep;
  }

  private command(ep: MlprojectEntryPoint, command: Entry, params: Entry | undefined): void {
    const node = command.value as Node & { value: string };
    const toDoc = scalarOffsetMap(this.text, node as never);
    const docSpan = (start: number, end: number): Span => {
      const s = toDoc(start);
      return span(s, end > start ? toDoc(end - 1) + 1 : s);
    };
    const parsed = parseFormatString(ep.command!);
    ep.escapes = parsed.escapes.map((e) => docSpan(e.start, e.end));
    for (const problem of parsed.problems) {
      const code = problem.kind === 'single-close-brace' || problem.kind === 'unclosed-brace' ? 'unbalanced-brace' : 'invalid-placeholder';
      const advice = code === 'unbalanced-brace' ? ' Write `{{` or `}}` for a literal brace.' : '';
      this.sink.error(code, `MLflow formats the command with Python's str.format, which fails: "${problem.message}".${advice}`, docSpan(problem.start, problem.end));
    }
    const declared = new Set(ep.parameters.map((p) => p.name));
    const used = new Set<string>();
    const declareFixes = new Map<string, QuickFix[]>();
    for (const field of parsed.fields) {
      const placeholder: CommandPlaceholder = { name: field.name, span: docSpan(field.start, field.end), nameSpan: docSpan(field.nameStart, field.nameEnd) };
      if (field.name === '' || /^\d+$/.test(field.name)) {
        this.sink.error('positional-placeholder', `MLflow passes parameters by name only, so '{${field.name}}' fails with IndexError. Name a parameter, or write '{{' and '}}' for literal braces.`, placeholder.span);
        continue;
      }
      ep.placeholders.push(placeholder);
      used.add(field.name);
      if (!declared.has(field.name)) {
        this.sink.error('undeclared-placeholder', `'{${field.name}}' is not a parameter of entry point '${ep.name}': MLflow fails building the command (KeyError: '${field.name}'). Declare it under 'parameters'.`, placeholder.nameSpan, {
          fixes: declareFixes.get(field.name) ?? declareFixes.set(field.name, this.declareParameterFixes(ep, command, params, field.name)).get(field.name),
        });
      }
      if (field.hasAccessor) {
        this.sink.warning('placeholder-accessor', `Parameters are substituted as shell-quoted strings, so '.attribute' or '[index]' applies to that string, not to a number or object.`, placeholder.span);
      }
    }
    // After an unclosed '{' we cannot tell which parameters the user meant to use.
    const truncated = parsed.problems.some((p) => p.kind === 'unclosed-brace');
    for (const p of ep.parameters) {
      if (!truncated && p.form !== 'invalid' && !used.has(p.name)) {
        this.sink.hint('unused-parameter', `Parameter '${p.name}' is never used in the command: MLflow substitutes declared parameters only where '{${p.name}}' appears, so its value is dropped.`, p.nameSpan, { unnecessary: true });
      }
    }
  }

  private parameter(entry: Entry): MlprojectParameter {
    const name = entry.key ?? '';
    const value = entry.value;
    const param: MlprojectParameter = {
      name,
      type: null,
      default: null,
      defaultText: null,
      required: true,
      form: 'invalid',
      nameSpan: entry.keySpan,
      span: span(entry.keySpan.start, Math.max(entry.keySpan.end, entry.valueSpan.end)),
    };
    if (isString(value)) {
      param.form = 'short';
      param.type = value.value;
      param.typeSpan = entry.valueSpan;
      this.checkType(param);
      return param;
    }
    if (isNull(value)) {
      this.sink.error('parameter-null', `Parameter '${name}' has no type: MLflow crashes loading the project ('NoneType' object has no attribute 'get'). Write '${name}: string' or '${name}: {type: string, default: ...}'.`, entry.keySpan, {
        fixes: [{ title: `Declare '${name}' as a string`, preferred: true, edits: [{ span: span(entry.keySpan.end, this.colonEnd(entry)), newText: ': string' }] }],
      });
      return param;
    }
    if (isScalar(value)) {
      const text = this.text.slice(entry.valueSpan.start, entry.valueSpan.end);
      const type = typeof value.value === 'number' ? (Number.isInteger(value.value) && !/[.eE]/.test(text) ? 'int' : 'float') : 'string';
      this.sink.error('bare-scalar-parameter', `'${name}: ${text}' is not a parameter declaration: MLflow expects a type (e.g. '${name}: ${type}') or '{type: ..., default: ...}' and crashes on a bare value. Did you mean a default?`, entry.valueSpan, {
        fixes: [{ title: `Declare '${name}' as {type: ${type}, default: ${text}}`, preferred: true, edits: [{ span: entry.valueSpan, newText: `{type: ${type}, default: ${text}}` }] }],
      });
      return param;
    }
    if (!isMap(value)) {
      this.sink.error('parameter-invalid', `Parameter '${name}' must be a type name or a mapping {type, default}, not ${describe(value)}; MLflow crashes loading the project.`, entry.valueSpan);
      return param;
    }
    param.form = 'long';
    this.reportUnknownKeys(entries(value, this.doc), Object.keys(PARAMETER_KEYS), `parameter '${name}'`);
    const keys = entryMap(value, this.doc);
    const type = keys.get('type');
    if (!type) param.type = 'string';
    else if (isString(type.value)) {
      param.type = type.value.value;
      param.typeSpan = type.valueSpan;
      this.checkType(param);
    } else {
      param.type = 'string';
      this.sink.warning('unknown-parameter-type', `The type of '${name}' should be one of ${PARAMETER_TYPES.join(', ')}, not ${describe(type.value)}; MLflow then treats the value as plain text.`, isNull(type.value) ? type.keySpan : type.valueSpan);
    }
    const def = keys.get('default');
    if (def && !isNull(def.value)) {
      const node = def.value!;
      param.default = isScalar(node) ? node.value : JSON.parse(safeJson(node) ?? 'null');
      param.defaultText = isScalar(node) ? pythonStr(node.value, node.source) : this.text.slice(def.valueSpan.start, def.valueSpan.end);
      param.defaultSpan = def.valueSpan;
      param.required = false;
      this.checkDefault(param, node);
    }
    return param;
  }

  private checkType(param: MlprojectParameter): void {
    const type = param.type ?? '';
    if ((PARAMETER_TYPES as readonly string[]).includes(type)) return;
    const aliases: Record<string, string> = { str: 'string', integer: 'int', double: 'float', number: 'float', file: 'path', url: 'uri' };
    const suggestion = aliases[type.toLowerCase()] ?? closest(type, PARAMETER_TYPES);
    const fixes: QuickFix[] = suggestion && param.typeSpan ? [{ title: `Change type to '${suggestion}'`, preferred: true, edits: [{ span: param.typeSpan, newText: suggestion }] }] : [];
    this.sink.warning(
      'unknown-parameter-type',
      `Unknown parameter type '${type}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: MLflow documents ${PARAMETER_TYPES.join(', ')} and passes anything else through as text.`,
      param.typeSpan ?? param.nameSpan,
      { fixes },
    );
  }

  private checkDefault(param: MlprojectParameter, node: Node): void {
    const at = param.defaultSpan!;
    if (!isScalar(node)) {
      this.sink.warning('default-type-mismatch', `The default of '${param.name}' is ${describe(node)}: MLflow passes str() of it (Python syntax) to the command.`, at);
      return;
    }
    const value = node.value;
    const text = param.defaultText ?? '';
    switch (param.type) {
      case 'int':
        if (typeof value === 'boolean' || !/^\s*[+-]?\d+(_\d+)*\s*$/.test(text)) {
          this.sink.warning('default-type-mismatch', `Default ${JSON.stringify(text)} is not an int. MLflow does not check it and passes the text to your program, which will likely fail to parse it.`, at);
        }
        break;
      case 'float':
        if (typeof value === 'boolean' || !isPythonFloat(text)) {
          this.sink.warning('default-type-mismatch', `Default ${JSON.stringify(text)} is not a float. MLflow does not check it and passes the text to your program, which will likely fail to parse it.`, at);
        }
        break;
      case 'uri':
        if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
          this.sink.error('invalid-uri-default', `Default ${JSON.stringify(text)} has no URI scheme: unless a value is given, MLflow fails with "Expected URI for parameter ${param.name} but got ${text}". Use e.g. 'file:///...' or 's3://...'.`, at);
        }
        break;
      case 'path':
        if (typeof value === 'string' && this.options.fileExists && isLocalRelativePath(value) && !this.options.fileExists(value)) {
          this.sink.info('path-default-not-found', `No '${value}' in the project: unless it exists when the run starts (or another value is given), MLflow fails ("no such file or directory was found").`, at);
        }
        break;
    }
  }

  // ---- fixes -------------------------------------------------------------------------------

  private removeEntryFix(entry: Entry, title: string): QuickFix {
    return { title, edits: [{ span: entryRemovalSpan(this.text, entry), newText: '' }] };
  }

  /** End of the `:` after a key (or the key's end when there is none, as in flow sequences). */
  private colonEnd(entry: Entry): number {
    const m = /^\s*:/.exec(this.text.slice(entry.keySpan.end, entry.keySpan.end + 200));
    return m ? entry.keySpan.end + m[0].length : entry.keySpan.end;
  }

  private declareParameterFixes(ep: MlprojectEntryPoint, command: Entry, params: Entry | undefined, name: string): QuickFix[] {
    const title = `Declare parameter '${name}'`;
    const declaration = `${name}: string`;
    const fix = (at: number, newText: string, end = at): QuickFix[] => [{ title, preferred: true, edits: [{ span: span(at, end), newText }] }];
    if (!params) {
      const cmdKeyStart = command.keySpan.start;
      const lineStart = lineStartOf(this.text, cmdKeyStart);
      const indent = cmdKeyStart - lineStart;
      if (this.text.slice(lineStart, cmdKeyStart).trim() !== '') return fix(cmdKeyStart, `parameters: {${declaration}}, `);
      const step = Math.max(2, indent - indentOf(this.text, ep.nameSpan.start));
      return fix(lineStart, `${' '.repeat(indent)}parameters:\n${' '.repeat(indent + step)}${declaration}\n`);
    }
    const value = params.value;
    if (isNull(value)) {
      if (params.valueSpan.end > params.valueSpan.start) return fix(params.valueSpan.start, `{${declaration}}`, params.valueSpan.end);
      return fix(this.colonEnd(params), ` {${declaration}}`);
    }
    if (!isMap(value)) return [];
    const map = value as YAMLMap;
    const range = map.range ?? [params.valueSpan.start, params.valueSpan.end, params.valueSpan.end];
    if (map.flow) {
      const close = this.text.lastIndexOf('}', range[1] - 1);
      if (close < range[0]) return [];
      const empty = this.text.slice(range[0] + 1, close).trim() === '';
      return fix(close, empty ? declaration : `, ${declaration}`);
    }
    const items = entries(map, this.doc);
    const last = items[items.length - 1];
    const first = items[0];
    if (!first || !last) return [];
    const indent = first.keySpan.start - lineStartOf(this.text, first.keySpan.start);
    const end = lineEndAfter(this.text, Math.max(last.valueSpan.end, last.keySpan.end));
    const needsNewline = end === this.text.length && !this.text.endsWith('\n');
    return fix(end, `${needsNewline ? '\n' : ''}${' '.repeat(indent)}${declaration}\n`);
  }

  private reportUnknownKeys(all: Entry[], known: string[], where: string): void {
    for (const e of all) {
      if (e.key === null || known.includes(e.key)) continue;
      const suggestion = closest(e.key, known);
      const fixes: QuickFix[] = suggestion ? [{ title: `Change to '${suggestion}'`, preferred: true, edits: [{ span: e.keySpan, newText: suggestion }] }] : [];
      this.sink.warning('unknown-key', `Unknown key '${e.key}' in ${where}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}: MLflow ignores it.`, e.keySpan, { fixes });
    }
  }
}

/** The entries PyYAML keeps: the last of each duplicated key. */
function winners(all: Entry[]): Entry[] {
  const last = new Map<string, Entry>();
  for (const e of all) if (e.key !== null) last.set(e.key, e);
  return all.filter((e) => e.key !== null && last.get(e.key) === e);
}

function isFalsy(node: Node | null): boolean {
  if (isNull(node)) return true;
  if (isScalar(node)) return !node.value;
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  return false;
}

function isPythonFloat(text: string): boolean {
  const t = text.trim().replace(/_/g, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || /^[+-]?(inf|infinity|nan)$/i.test(t);
}

function isLocalRelativePath(value: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  return !value.startsWith('/') && !value.startsWith('~') && !value.includes('$');
}
