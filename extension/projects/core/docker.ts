// The `docker run` MLflow's local backend puts in front of the entry command (_get_docker_command): --rm, the
// -A docker args, artifact-store volumes and credentials, the MLproject's volumes, the run's variables, the
// image. Two deliberate differences, neither changing what the container sees: every argument is shell-quoted
// (MLflow joins them raw, which breaks on spaces), and values copied from the host environment (credentials,
// `environment: [VAR]`, the tracking token) are passed as `-e NAME`, so docker copies them from the child's
// environment instead of showing secrets on the command line.
import { abspath, normpath, unquote, urlSplit } from '../python/pyPath';
import { shellQuote } from '../python/shlex';
import { ProjectError } from './errors';

/** `-A name=value` / `-A flag`: string values and `true` flags (MLflow fails on `false`, we skip it). */
export type DockerArgs = ReadonlyArray<readonly [string, string | boolean]>;

const DOCKER_WORKDIR = '/mlflow/projects/code/';

export interface DockerRunInput {
  image: string;
  volumes: readonly string[];
  environment: ReadonlyArray<string | readonly [string, string]>;
  dockerArgs?: DockerArgs;
  runId: string;
  trackingUri: string;
  experimentId: string;
  /** Set when the tracking server needs a token: passed by name. */
  hasToken: boolean;
  artifactUri: string;
  /** The host environment (for `environment: [VAR]` and artifact credentials). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** Whether a host path exists (~/.aws). */
  exists(path: string): boolean;
  home: string;
  /** The working directory relative artifact paths resolve against (the project folder). */
  cwd: string;
}

type EnvEntry = { name: string; value: string } | { name: string; fromHost: true };

function artifactStorage(input: DockerRunInput): { args: string[]; env: EnvEntry[] } {
  const uri = input.artifactUri;
  const { scheme } = urlSplit(uri);
  const host = (names: string[]): EnvEntry[] => names.filter((n) => input.hostEnv[n] !== undefined).map((name) => ({ name, fromHost: true as const }));
  if (scheme === '' || scheme === 'file') {
    const dir = scheme === 'file' ? unquote(urlSplit(uri).path) : unquote(uri);
    const container = dir.startsWith('/') ? dir : normpath(`${DOCKER_WORKDIR}${dir}`);
    return { args: ['-v', `${abspath(dir, input.cwd)}:${container}`], env: [] };
  }
  if (scheme === 's3') {
    const aws = `${input.home}/.aws`;
    return { args: input.exists(aws) ? ['-v', `${aws}:/.aws`] : [], env: host(['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'MLFLOW_S3_ENDPOINT_URL', 'MLFLOW_S3_IGNORE_TLS']) };
  }
  if (scheme === 'wasbs' || scheme === 'wasb') return { args: [], env: host(['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCESS_KEY']) };
  if (scheme === 'gs') {
    const credentials = input.hostEnv.GOOGLE_APPLICATION_CREDENTIALS;
    return credentials ? { args: ['-v', `${credentials}:/.gcs`], env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/.gcs' }] } : { args: [], env: [] };
  }
  if (scheme === 'hdfs' || scheme === 'viewfs') {
    const cache = input.hostEnv.MLFLOW_KERBEROS_TICKET_CACHE;
    return { args: cache ? ['-v', `${cache}:${cache}`] : [], env: host(['MLFLOW_KERBEROS_TICKET_CACHE', 'MLFLOW_KERBEROS_USER', 'MLFLOW_PYARROW_EXTRA_CONF']) };
  }
  // mlflow-artifacts:/ and http(s): the container talks to the tracking server like any client.
  return { args: [], env: [] };
}

/** The words before the entry command, each already shell-quoted. */
export function dockerRunArgs(input: DockerRunInput): string[] {
  const cmd = ['docker', 'run', '--rm'];
  for (const [name, value] of input.dockerArgs ?? []) {
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    if (value === true) cmd.push(flag);
    else if (value !== false) cmd.push(flag, value);
  }
  // Python dict semantics: a key set again keeps its first position (Map does the same).
  const env = new Map<string, EnvEntry>();
  const update = (e: EnvEntry): void => void env.set(e.name, e);
  update({ name: 'MLFLOW_RUN_ID', value: input.runId });
  update({ name: 'MLFLOW_TRACKING_URI', value: input.trackingUri });
  update({ name: 'MLFLOW_EXPERIMENT_ID', value: input.experimentId });
  const storage = artifactStorage(input);
  cmd.push(...storage.args);
  for (const e of storage.env) update(e);
  for (const entry of input.environment) {
    if (typeof entry === 'string') {
      if (input.hostEnv[entry] === undefined) {
        const names = input.environment.map((e) => (typeof e === 'string' ? e : e[0])).join(', ');
        throw new ProjectError('project', `This project expects the ${names} environment variables to be set on the machine running the project, but ${entry} was not set. Please ensure all expected environment variables are set`);
      }
      update({ name: entry, fromHost: true });
    } else update({ name: entry[0], value: entry[1] });
  }
  for (const v of input.volumes) cmd.push('-v', v);
  for (const e of env.values()) cmd.push('-e', 'value' in e ? `${e.name}=${e.value}` : e.name);
  if (input.hasToken) cmd.push('-e', 'MLFLOW_TRACKING_TOKEN');
  cmd.push(input.image);
  return cmd.map(shellQuote);
}
