// What each MLproject key means, for hover and completion. Wording is ours, facts are MLflow's.

export const TOP_LEVEL_KEYS: Record<string, string> = {
  name: 'Project name. Optional, but required with `docker_env` (it tags the image) and on Kubernetes.',
  entry_points:
    'Commands that `mlflow run` can execute, by name. The default entry point is `main`; a name that is not declared runs as a script (`.py`, `.sh`, `.R`).',
  python_env:
    'Path, relative to the project, of a `python_env.yaml` file (python version, build dependencies, pip dependencies). MLflow creates a virtualenv from it.',
  conda_env: 'Path, relative to the project, of a conda environment file. MLflow creates a conda environment from it.',
  docker_env: 'Run in a Docker container: `image` (required), `volumes` (`"host:container"` strings) and `environment` (`"VAR"` or `[NAME, VALUE]`).',
  databricks_spark_job: 'Run as a Databricks Spark job: `python_file`, `parameters`, `python_libraries`.',
};

export const ENV_KEYS = ['conda_env', 'python_env', 'docker_env'] as const;

export const ENTRY_POINT_KEYS: Record<string, string> = {
  command:
    'Shell command run with `bash -c` in the project directory. It is a Python format string: `{param}` is replaced by the shell-quoted value, `{{` and `}}` are literal braces, and parameters not declared are appended as `--name value`.',
  parameters: 'Parameters of this entry point: `name: type` (required) or `name: {type: ..., default: ...}`.',
};

export const PARAMETER_KEYS: Record<string, string> = {
  type: 'One of `string` (default), `float`, `int`, `path`, `uri`. Only `path` (made absolute, or downloaded when remote) and `uri` (must have a scheme) change how the value is handled.',
  default: 'Value used when none is given. Without a default the parameter is required.',
};

export const PARAMETER_TYPE_DOCS: Record<string, string> = {
  string: 'Text, passed through unchanged (then shell-quoted).',
  float: 'A number. MLflow neither checks nor converts it; your program receives the text.',
  int: 'An integer. MLflow neither checks nor converts it; your program receives the text.',
  path: 'A local path (made absolute; it must exist) or a remote URI (s3, gs, dbfs, http...) that MLflow downloads first.',
  uri: 'A URI with a scheme (`s3://...`, `file:///...`). Values without a scheme, relative paths included, are rejected.',
};

export const DOCKER_ENV_KEYS: Record<string, string> = {
  image: 'Docker image to run the project in (required). With `--build-image`, MLflow builds a new image on top of it.',
  volumes: 'Volumes to mount, as `"host_path:container_path"` strings.',
  environment: 'Environment variables: `"VAR"` copies VAR from the host, `[NAME, VALUE]` sets a new one.',
};

export const DATABRICKS_SPARK_JOB_KEYS: Record<string, string> = {
  python_file: 'Python file submitted as the Spark job. Exclusive with `entry_points`.',
  parameters: 'List of command-line arguments for the job.',
  python_libraries: 'List of Python libraries to install on the cluster.',
};
