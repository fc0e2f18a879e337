// The project as a whole: top-level keys, the environment and Databricks settings. Entry points
// are delegated, so that the incremental analysis can supply them from its per-entry-point cache.
import { span } from '../shared/diagnostics';
import type { DiagnosticSink, Span } from '../shared/diagnostics';
import { describe, entries, entryMap, isMap, isNull, isScalar, isSeq, isString, nodeSpan, resolve } from '../shared/yamlTree';
import type { Entry, Node, YamlDoc } from '../shared/yamlTree';
import { removeEntryFix, reportUnknownKeys } from './context';
import type { AnalysisContext } from './context';
import { DATABRICKS_SPARK_JOB_KEYS, DOCKER_ENV_KEYS, ENV_KEYS, TOP_LEVEL_KEYS } from './keys';
import type { MlprojectEntryPoint, MlprojectEnvironment, MlprojectModel } from './model';
import { pythonStr } from './text';

/** Analyses the `entry_points` entry (undefined when absent), reporting into the same sink. */
export type EntryPointsAnalysis = (entry: Entry | undefined) => MlprojectEntryPoint[];

/**
 * Builds the model from the document's root node. `hasSyntaxErrors` keeps an unparsable file from
 * also being called empty; the model's diagnostics are the sink's items.
 */
export function analyzeProject(ctx: AnalysisContext, root: Node | null, hasSyntaxErrors: boolean, entryPoints: EntryPointsAnalysis): MlprojectModel {
  return new ProjectAnalyzer(ctx, entryPoints).build(root, hasSyntaxErrors);
}

class ProjectAnalyzer {
  private readonly text: string;
  private readonly doc: YamlDoc;
  private readonly sink: DiagnosticSink;
  private readonly fileExists?: (relativePath: string) => boolean;

  constructor(
    ctx: AnalysisContext,
    private readonly entryPoints: EntryPointsAnalysis,
  ) {
    this.text = ctx.text;
    this.doc = ctx.doc;
    this.sink = ctx.sink;
    this.fileExists = ctx.fileExists;
  }

  build(root: Node | null, hasSyntaxErrors: boolean): MlprojectModel {
    const model: MlprojectModel = {
      name: null,
      entryPoints: [],
      environment: { kind: 'python', file: null, implicit: true },
      databricksSparkJob: false,
      diagnostics: this.sink.items,
    };
    if (isNull(root)) {
      if (!hasSyntaxErrors) {
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
    reportUnknownKeys(this.sink, all, Object.keys(TOP_LEVEL_KEYS), 'the MLproject');

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
          { fixes: [removeEntryFix(this.text, e, `Remove '${e.key}'`)] },
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
    const exists = this.fileExists;
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
    if (this.fileExists && !this.fileExists(value.value)) {
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
    reportUnknownKeys(this.sink, entries(value, this.doc), Object.keys(DOCKER_ENV_KEYS), "'docker_env'");
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
    reportUnknownKeys(this.sink, entries(entry.value, this.doc), Object.keys(DATABRICKS_SPARK_JOB_KEYS), "'databricks_spark_job'");
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

}

function isFalsy(node: Node | null): boolean {
  if (isNull(node)) return true;
  if (isScalar(node)) return !node.value;
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  return false;
}
