// One owner per store. The lock file names the owning process and where its server listens, so a second
// opener (another VS Code window, a CLI) can become its client; a lock left by a dead process is taken over.
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface OwnerInfo {
  pid: number;
  hostname: string;
  startedAt: number;
  /** Set once the owner's tracking server listens. */
  port?: number;
  host?: string;
  token?: string;
}

export type LockResult = { owned: true; lock: OwnerLock } | { owned: false; owner: OwnerInfo };

export const LOCK_FILE = 'owner.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readOwner(storeDir: string): OwnerInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(storeDir, LOCK_FILE), 'utf8')) as OwnerInfo;
  } catch {
    return undefined;
  }
}

export class OwnerLock {
  private constructor(
    readonly path: string,
    private info: OwnerInfo,
  ) {}

  static acquire(storeDir: string): LockResult {
    const path = join(storeDir, LOCK_FILE);
    for (let attempt = 0; attempt < 5; attempt++) {
      const info: OwnerInfo = { pid: process.pid, hostname: hostname(), startedAt: Date.now() };
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify(info));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        return { owned: true, lock: new OwnerLock(path, info) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(storeDir);
      if (owner && owner.hostname === hostname() && !isAlive(owner.pid)) {
        // Stale: its process is gone. Remove it and race for it again.
        try {
          unlinkSync(path);
        } catch {
          /* another opener removed it first */
        }
        continue;
      }
      if (owner) return { owned: false, owner };
      // Unreadable lock (being written right now): give the writer a moment.
      const until = Date.now() + 20;
      while (Date.now() < until) {
        /* spin briefly */
      }
    }
    const owner = readOwner(storeDir);
    if (owner) return { owned: false, owner };
    throw new Error(`Cannot lock the store at ${storeDir}`);
  }

  get owner(): OwnerInfo {
    return this.info;
  }

  /** Publishes where this owner's server can be reached. Written atomically. */
  update(patch: Partial<Pick<OwnerInfo, 'port' | 'host' | 'token'>>): void {
    this.info = { ...this.info, ...patch };
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.info), { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  release(): void {
    const current = (() => {
      try {
        return JSON.parse(readFileSync(this.path, 'utf8')) as OwnerInfo;
      } catch {
        return undefined;
      }
    })();
    if (current && current.pid === this.info.pid && current.startedAt === this.info.startedAt) {
      try {
        unlinkSync(this.path);
      } catch {
        /* already gone */
      }
    }
  }
}
