// MLflow 3's trace RPCs (/api/3.0/mlflow/traces…, /api/2.0/mlflow/traces…): field parsing per route, then one
// store call.
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { ArtifactService } from '../tracking/server/artifactRoutes';
import type { PathRoute } from '../tracking/server/pathRoutes';

export function traceRoutes(_store: TrackingStore, _artifacts: ArtifactService): PathRoute[] {
  return []; // filled in by the traces work (issue 11)
}
