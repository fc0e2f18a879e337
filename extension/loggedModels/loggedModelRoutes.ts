// MLflow 3's logged-model RPCs (/api/2.0/mlflow/logged-models…): field parsing per route, then one store call.
import type { TrackingStore } from '../tracking/store/trackingStore';
import type { ArtifactService } from '../tracking/server/artifactRoutes';
import type { PathRoute } from '../tracking/server/pathRoutes';

export function loggedModelRoutes(_store: TrackingStore, _artifacts: ArtifactService): PathRoute[] {
  return []; // filled in by the logged-models work (issue 11)
}
