// What "Run Entry Point…" remembers per entry point, and how a remembered value meets a project that may have
// changed since: a value is offered again only for a parameter that is still declared.
import type { MlprojectParameter } from '../../../language-server/mlproject/model';
import type { EnvManager } from './envPlan';
import { defaultString } from './values';

export interface RememberedRun {
  parameters: Record<string, string>;
  /** Extra (undeclared) parameters, as `k=v` pairs the user typed. */
  extras?: Array<[string, string]>;
  experimentId?: string;
  experimentName?: string;
  envManager?: EnvManager;
  runName?: string;
}

export function rememberKey(projectDir: string, entryPoint: string): string {
  return `mlflowWorkbench.projects.last:${projectDir}#${entryPoint}`;
}

/** The value to pre-fill: the last one typed, else the declared default, else empty. */
export function initialValue(p: MlprojectParameter, remembered: RememberedRun | undefined): string {
  return remembered?.parameters[p.name] ?? defaultString(p) ?? '';
}

/** Values for a run without prompting; undefined when a required parameter has nothing to use. */
export function valuesWithoutPrompt(params: readonly MlprojectParameter[], remembered: RememberedRun | undefined): Array<[string, string]> | undefined {
  const out: Array<[string, string]> = [];
  for (const p of params) {
    const last = remembered?.parameters[p.name];
    if (last !== undefined) out.push([p.name, last]);
    else if (p.required) return undefined;
  }
  for (const extra of remembered?.extras ?? []) out.push(extra);
  return out;
}

/**
 * `k=v` as `mlflow run -P` splits it: on the first `=`. Undefined when there is no `=` or no key.
 */
export function parseAssignment(text: string): [string, string] | undefined {
  const i = text.indexOf('=');
  if (i <= 0) return undefined;
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}
