// Files that make the store durable: the checkpoint (a SQLite image; written whole atomically, then page by page
// through imageWriter.ts) and the numbered journal files written since it.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export const CHECKPOINT_FILE = 'tracking.db';
const JOURNAL_PATTERN = /^journal-(\d{8})\.log$/;

export function journalPath(dir: string, generation: number): string {
  return join(dir, `journal-${String(generation).padStart(8, '0')}.log`);
}

/** Journal generations present in the folder, oldest first. */
export function journalGenerations(dir: string): number[] {
  return readdirSync(dir)
    .map((name) => JOURNAL_PATTERN.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

export function removeJournalsBefore(dir: string, generation: number): void {
  for (const gen of journalGenerations(dir)) {
    if (gen < generation) unlinkSync(journalPath(dir, gen));
  }
  fsyncDir(dir);
}

/** Makes a folder's entries (files created, renamed, removed) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes to a temporary file, fsyncs it, renames it over the target and fsyncs the folder. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  renameSync(tmp, path);
  fsyncDir(join(path, '..'));
}
