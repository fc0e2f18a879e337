// Which runs a multi-selection in the Experiments tree names: run rows only (a selection may also hold
// experiments, params or artifacts), of the first selected run's workspace folder (panels read one store),
// each once, in selection order. Pure.
import type { TrackingNode } from '../experiments/trackingNodes';

export type RunNode = Extract<TrackingNode, { kind: 'run' }>;

export function selectedRuns(selection: readonly TrackingNode[]): RunNode[] {
  const runs = selection.filter((n): n is RunNode => n.kind === 'run');
  const session = runs[0]?.session;
  const seen = new Set<string>();
  return runs.filter((n) => n.session === session && !seen.has(n.run.info.run_id) && seen.add(n.run.info.run_id));
}
