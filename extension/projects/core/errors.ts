// Every way a project run can be refused before or while it starts, with the words the user needs.

export type ProjectErrorKind =
  /** The MLproject itself is unusable (MLflow would fail loading it). */
  | 'project'
  /** A parameter value, a missing parameter, or the entry point name. */
  | 'parameters'
  /** A tool the environment needs (python/pyenv, uv, conda, docker) is missing or not working. */
  | 'tool'
  /** The environment could not be created. */
  | 'environment'
  /** Talking to the tracking server failed. */
  | 'tracking';

export class ProjectError extends Error {
  constructor(
    readonly kind: ProjectErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProjectError';
  }
}
