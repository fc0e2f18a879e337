// Shared by the compatibility tests: one run of a Python workflow script through a recording proxy, and the
// step-by-step comparison of two runs' results.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { markedJson, runPython, startRecordingProxy, type Exchange, type MlflowLine, type RecordingProxy } from '../support/realMlflow';

export interface StepResult {
  step: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Side {
  results: StepResult[];
  exchanges: Exchange[];
  stderr: string;
}

/** Runs `script` with MLflow `line` against `target` through a recording proxy. */
export async function runWorkflow(line: MlflowLine, script: string, target: string, token: string | undefined): Promise<Side> {
  let proxy: RecordingProxy | undefined;
  try {
    proxy = await startRecordingProxy(target);
    const r = await runPython(line, script, { trackingUri: proxy.url, token, timeoutMs: 240_000 });
    assert.equal(r.code, 0, `the workflow script failed:\n${r.stderr.slice(-4000)}`);
    return { results: markedJson<StepResult[]>(r.stdout), exchanges: proxy.exchanges, stderr: r.stderr };
  } finally {
    await proxy?.close();
  }
}

/** `step: error` of each failed step. */
export function failedSteps(side: Side): string[] {
  return side.results.filter((r) => !r.ok).map((r) => `${r.step}: ${r.error}`);
}

/**
 * Steps whose outcome or value differs between the sides. `idSteps` return ids: only their type compares;
 * `okOnlySteps` return values the test checks per side (a known difference): only their outcome compares.
 */
export function stepDifferences(ours: Side, theirs: Side, idSteps: string[] = [], okOnlySteps: string[] = []): string[] {
  const value = (r: StepResult): unknown => (idSteps.includes(r.step) ? typeof r.value : okOnlySteps.includes(r.step) ? '<checked separately>' : r.value);
  const view = (r: StepResult | undefined): unknown => r && { step: r.step, ok: r.ok, value: value(r) };
  const out: string[] = [];
  for (let i = 0; i < Math.max(ours.results.length, theirs.results.length); i++) {
    const a = view(ours.results[i]);
    const b = view(theirs.results[i]);
    if (!isDeepStrictEqual(a, b)) out.push(`ours   ${JSON.stringify(a)}\n  mlflow ${JSON.stringify(b)}`);
  }
  return out;
}

/** The value a step returned on one side. */
export function stepValue(side: Side, step: string): unknown {
  const r = side.results.find((x) => x.step === step);
  assert.ok(r, `no step ${step}`);
  return r.value;
}
