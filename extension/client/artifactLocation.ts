// Where a run's artifact lives on this machine, for artifact URIs the workspace store serves from disk.
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfined, safeSegments } from '../tracking/server/artifactPaths';

export { listLocalArtifacts } from '../tracking/server/artifactPaths';

const PROXY_PREFIX = 'mlflow-artifacts:/';

/**
 * The local file of `relPath` under a run's artifact URI, or undefined when the artifacts are remote
 * (s3://, gs://, …). Paths that would leave the run's folder throw.
 */
export function localArtifactFile(artifactsDir: string, artifactUri: string, relPath: string): string | undefined {
  const sub = safeSegments(relPath);
  if (artifactUri.startsWith(PROXY_PREFIX)) {
    const root = safeSegments(artifactUri.slice(PROXY_PREFIX.length).replace(/^\/+/, ''));
    if (root.length < 2) return undefined;
    return resolveConfined(artifactsDir, root.slice(0, 2), [...root.slice(2), ...sub]).target;
  }
  if (artifactUri.startsWith('file:')) return join(fileURLToPath(artifactUri), ...sub);
  if (isAbsolute(artifactUri)) return join(artifactUri, ...sub);
  return undefined;
}
