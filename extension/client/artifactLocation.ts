// Where a run's artifact lives on this machine, for artifact URIs the workspace store serves from disk.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileInfo } from '../tracking/rest/types';
import { resolveConfined, safeSegments } from '../tracking/server/artifactPaths';

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

/** Direct children of a local folder as artifacts/list names them (`prefix/name`); none when it is missing. */
export function listLocalArtifacts(dir: string, prefix: string): FileInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name): FileInfo[] => {
    if (name.endsWith('.part')) return []; // uploads still in flight
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (!st) return [];
    const path = prefix ? `${prefix}/${name}` : name;
    return st.isDirectory() ? [{ path, is_dir: true }] : [{ path, is_dir: false, file_size: st.size }];
  });
}
