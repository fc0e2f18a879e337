// One project run, start to end, as `mlflow run` does it (projects/__init__.py → backend/local.py) with the
// editor's additions: everything that can be checked is checked before the run exists (parameters, types,
// tools); the run is created RUNNING with MLflow's tags and params; the environment is prepared; the command
// runs under `bash -c` in its own process group with MLFLOW_RUN_ID & co.; its output is shown and saved; at the
// end the log is attached and the run ended FINISHED / FAILED / KILLED unless the script ended it itself.
// Both the VS Code task (pseudoterminal) and the tests drive this class; it does not know about VS Code.
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../tracking/rest/types';
import { buildCommand } from '../core/command';
import { dockerRunArgs, type DockerArgs } from '../core/docker';
import { effectiveEnv, wrapCommand, type EnvManager, type EnvironmentPlan } from '../core/envPlan';
import { ProjectError } from '../core/errors';
import { assertRunnable, isMlprojectFileName, loadProject, resolveEntryPoint, type LoadedProject } from '../core/project';
import { finalStatus, osUser, projectRunTags } from '../core/runRecord';
import { checkValues, RUN_ANYWAY_HINT } from '../core/values';
import { gitInfo } from './git';
import { planEnvironment, prepareEnvironment } from './environments';
import { GroupProcess, type Env, type OutputSink } from './processes';
import { RunRecorder, type TrackingEndpoint } from './recorder';

/** The run's output, attached to it under this name. */
export const OUTPUT_ARTIFACT = 'mlflow-project-output.log';
/** Beyond this the log file stops growing (the terminal still shows everything). */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface RunRequest {
  /** Absolute folder holding the MLproject. */
  projectDir: string;
  entryPoint: string;
  /** `-P` values in the order given. */
  parameters: Array<[string, string]>;
  experiment?: { id?: string; name?: string };
  envManager?: EnvManager;
  runName?: string;
  dockerArgs?: DockerArgs;
  tracking: TrackingEndpoint;
  /** The environment the child inherits; default process.env. */
  env?: Env;
  /** false: float/int values the editor's check refuses run anyway (MLflow does not check them). Default true. */
  checkValueTypes?: boolean;
}

export type RunStatusOutcome = 'FINISHED' | 'FAILED' | 'KILLED';

export interface RunOutcome {
  /** REFUSED: nothing ran and no run was recorded (bad parameter, missing tool, tracking server down…). */
  status: RunStatusOutcome | 'REFUSED';
  runId?: string;
  experimentId?: string;
  exitCode?: number | null;
  error?: Error;
  /** The status the run record ended with (the script may have ended it itself). */
  recordedStatus?: string;
  logAttached: boolean;
}

export interface RunObserver {
  /** Output for the user: process output and MLflow-style `===` progress lines, `\n` line ends. */
  output(text: string): void;
  /** The run exists (RUNNING) and the process is about to start. */
  runCreated?(run: Run): void;
}

/** Tees output to the observer and to the log file that becomes the run's artifact. */
class OutputLog implements OutputSink {
  readonly dir = mkdtempSync(join(tmpdir(), 'mlflow-workbench-run-'));
  readonly file = join(this.dir, OUTPUT_ARTIFACT);
  private readonly fd = openSync(this.file, 'w');
  private bytes = 0;
  private truncated = false;

  constructor(private readonly observer: RunObserver) {}

  write(text: string): void {
    this.observer.output(text);
    if (this.truncated) return;
    const buf = Buffer.from(text, 'utf8');
    if (this.bytes + buf.length > MAX_LOG_BYTES) {
      this.truncated = true;
      writeSync(this.fd, `\n[output truncated at ${MAX_LOG_BYTES} bytes]\n`);
      return;
    }
    this.bytes += buf.length;
    writeSync(this.fd, buf);
  }

  close(): void {
    closeSync(this.fd);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Reads the MLproject of a folder (any file whose lower-cased name is `mlproject`). */
export function readProject(projectDir: string): LoadedProject {
  const file = readdirSync(projectDir).find(isMlprojectFileName);
  if (!file) throw new ProjectError('project', `No MLproject file in ${projectDir}.`);
  return loadProject(readFileSync(join(projectDir, file), 'utf8'), projectDir, (rel) => existsSync(rel.startsWith('/') ? rel : join(projectDir, rel)));
}

export class ProjectRunExecution {
  private readonly env: Env;
  private process: GroupProcess | undefined;
  private readonly helpers = new Set<GroupProcess>();
  private stopRequested = false;

  constructor(
    private readonly request: RunRequest,
    private readonly observer: RunObserver,
  ) {
    this.env = request.env ?? process.env;
  }

  /** Ends the run's processes (SIGTERM to the group, SIGKILL after a grace period); the run ends KILLED. */
  stop(): void {
    this.stopRequested = true;
    this.process?.stop();
    for (const h of this.helpers) h.stop();
  }

  /** Typed input from the terminal goes to the process's stdin. */
  input(text: string): void {
    this.process?.input(text);
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /** Runs everything; never rejects (failures come back in the outcome and in the output). */
  async start(): Promise<RunOutcome> {
    const say = (line: string): void => this.observer.output(`${line}\n`);
    let prepared: Awaited<ReturnType<ProjectRunExecution['prepare']>>;
    try {
      prepared = await this.prepare(say);
    } catch (e) {
      say(`${(e as Error).message}`);
      return { status: 'REFUSED', error: e as Error, logAttached: false };
    }
    const { recorder, experimentId, run } = prepared;
    const runId = run.info.run_id;
    this.observer.runCreated?.(run);
    const log = new OutputLog(this.observer);
    let exitCode: number | null | undefined;
    let error: Error | undefined;
    try {
      exitCode = await this.execute(prepared, log);
    } catch (e) {
      error = e as Error;
      log.write(`${error.message}\n`);
    }
    const succeeded = !error && !this.stopRequested && exitCode === 0;
    log.write(this.stopRequested ? `=== Run (ID '${runId}') interrupted, cancelling run ===\n` : succeeded ? `=== Run (ID '${runId}') succeeded ===\n` : `=== Run (ID '${runId}') failed ===\n`);
    log.close();
    let logAttached = false;
    try {
      await recorder.uploadArtifact(run.info.artifact_uri ?? '', OUTPUT_ARTIFACT, log.file);
      logAttached = true;
    } catch (e) {
      say(`The output log could not be attached to the run: ${(e as Error).message}`);
    } finally {
      log.dispose();
    }
    let recordedStatus: string | undefined;
    try {
      const current = (await recorder.getRun(runId)).info.status ?? 'RUNNING';
      const status = finalStatus(current, { stopped: this.stopRequested, exitCode: error ? 1 : (exitCode ?? null) });
      if (status) await recorder.terminate(runId, status, Date.now());
      recordedStatus = status ?? current;
    } catch (e) {
      say(`The run could not be ended: ${(e as Error).message}`);
    }
    const status: RunStatusOutcome = this.stopRequested ? 'KILLED' : succeeded ? 'FINISHED' : 'FAILED';
    return { status, runId, experimentId, exitCode, error, recordedStatus, logAttached };
  }

  /** Everything up to and including the run record; throws ProjectError before any run exists. */
  private async prepare(say: (line: string) => void) {
    const req = this.request;
    const project = readProject(req.projectDir);
    assertRunnable(project.model);
    const ep = resolveEntryPoint(project.model, req.entryPoint, this.env);
    const ctx = { cwd: req.projectDir, exists: existsSync };
    // Float/int checks are the editor's own (MLflow passes such values on): skipped when the user said "run anyway".
    const problems = checkValues(ep.parameters, req.parameters, ctx).filter((p) => !(p.editorOnly && req.checkValueTypes === false));
    if (problems.length) {
      const hint = problems.every((p) => p.editorOnly) ? `\n${RUN_ANYWAY_HINT}` : '';
      throw new ProjectError('parameters', problems.map((p) => p.message).join('\n') + hint);
    }
    const built = buildCommand(ep, req.parameters, ctx);
    const effective = effectiveEnv(project.model.environment, req.envManager);
    const plan = await planEnvironment(project.model, effective, { projectDir: req.projectDir, env: this.env }, (w) => say(`WARNING: ${w}`));

    const recorder = new RunRecorder(req.tracking);
    const experimentId = await recorder.resolveExperiment(req.experiment ?? {});
    const user = osUser(this.env, () => userInfo().username);
    const tags = projectRunTags({ projectDir: req.projectDir, entryPoint: req.entryPoint, user, git: await gitInfo(req.projectDir, this.env), env: effective });
    // Stopped before the run exists: record nothing. Once it exists, a stop ends it KILLED (see execute).
    if (this.stopRequested) throw new ProjectError('parameters', 'Stopped before the run started.');
    const run = await recorder.createRun({ experimentId, tags, runName: req.runName, user, startTime: Date.now() });
    try {
      await recorder.logParams(run.info.run_id, built.params);
    } catch (e) {
      // The run exists now: never leave it RUNNING forever.
      await recorder.terminate(run.info.run_id, 'FAILED', Date.now()).catch(() => undefined);
      throw e;
    }
    return { recorder, experimentId, run, plan, entryCommand: built.command, model: project.model };
  }

  private async execute(prepared: { recorder: RunRecorder; experimentId: string; run: Run; plan: EnvironmentPlan; entryCommand: string }, log: OutputLog): Promise<number | null> {
    const { recorder, run, plan, experimentId } = prepared;
    const runId = run.info.run_id;
    const result = await prepareEnvironment(plan, {
      sink: log,
      env: this.env,
      projectDir: this.request.projectDir,
      register: (p) => {
        this.helpers.add(p);
        void p.exited.finally(() => this.helpers.delete(p)).catch(() => undefined);
      },
      stopped: () => this.stopRequested,
    });
    if (result.docker) {
      const tags: Array<[string, string]> = [['mlflow.docker.image.uri', result.docker.imageUri]];
      if (result.docker.imageId) tags.push(['mlflow.docker.image.id', result.docker.imageId]);
      await recorder.setTags(runId, tags);
    }
    if (this.stopRequested) return null;
    const dockerRun =
      plan.kind === 'docker'
        ? dockerRunArgs({
            image: plan.image,
            volumes: plan.volumes,
            environment: plan.environment,
            dockerArgs: this.request.dockerArgs,
            runId,
            trackingUri: this.request.tracking.uri,
            experimentId,
            hasToken: Boolean(this.request.tracking.token),
            artifactUri: run.info.artifact_uri ?? '',
            hostEnv: this.env,
            exists: existsSync,
            home: homedir(),
            cwd: this.request.projectDir,
          })
        : undefined;
    const command = wrapCommand(plan, prepared.entryCommand, dockerRun);
    log.write(`=== Running command '${command}' in run with ID '${runId}' ===\n`);
    const childEnv: Record<string, string | undefined> = {
      ...this.env,
      MLFLOW_RUN_ID: runId,
      MLFLOW_TRACKING_URI: this.request.tracking.uri,
      MLFLOW_EXPERIMENT_ID: experimentId,
      MLFLOW_TRACKING_TOKEN: this.request.tracking.token,
      // Output goes through a pipe, not a terminal: without this Python would hold it back until exit.
      PYTHONUNBUFFERED: this.env.PYTHONUNBUFFERED ?? '1',
    };
    if (!childEnv.MLFLOW_TRACKING_TOKEN) delete childEnv.MLFLOW_TRACKING_TOKEN;
    this.process = new GroupProcess('bash', ['-c', command], { cwd: this.request.projectDir, env: childEnv, sink: log, stdin: 'pipe' });
    if (this.stopRequested) this.process.stop();
    const { code, signal } = await this.process.exited;
    if (signal) log.write(`=== The process ended with signal ${signal} ===\n`);
    return code;
  }
}
