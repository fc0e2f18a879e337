// Artifact paths are confined to their run: `<experiment>/<run>/...` of a run that exists, no absolute paths,
// no `.`/`..` segments (even percent-encoded twice), no backslashes, drive letters or NUL, and no symlink
// that leads out of the run's folder.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import type { FileInfo } from '../rest/types';
import { basename, dirname, join, sep } from 'node:path';
import { invalidParameter } from '../errors';

/** Splits an already URL-decoded relative path into safe segments, or throws INVALID_PARAMETER_VALUE. */
export function safeSegments(path: string): string[] {
  const refuse = (): never => {
    throw invalidParameter(`Invalid path: '${path}'. Artifact paths must be relative and stay inside the run's artifact folder.`);
  };
  if (path.includes('\0') || path.includes('\\') || path.startsWith('/') || /^[a-zA-Z]:/.test(path)) refuse();
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return [];
  const segments = trimmed.split('/');
  for (const s of segments) {
    let decoded = s;
    try {
      decoded = decodeURIComponent(s); // a second decoding must not reveal traversal either
    } catch {
      /* not percent-encoded: fine */
    }
    if (s === '' || s === '.' || s === '..' || decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded) || /^[a-zA-Z]:$/.test(s)) refuse();
  }
  return segments;
}

/**
 * Resolves segments under root. The deepest existing ancestor of the target is resolved through symlinks;
 * with the not-yet-existing rest appended, it must still lie inside `<real root>/<confine...>`.
 */
export function resolveConfined(root: string, confine: string[], rest: string[]): { runDir: string; target: string } {
  const runDir = join(root, ...confine);
  const target = join(runDir, ...rest);
  const allowed = join(realpathSync(root), ...confine);
  let probe = target;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = join(realpathSync(probe), ...missing);
      if (real !== allowed && !real.startsWith(allowed + sep)) {
        throw invalidParameter("Invalid path: the artifact path leaves the run's artifact folder.");
      }
      return { runDir, target };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.unshift(basename(probe));
      probe = dirname(probe);
    }
  }
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
