// One end-to-end session per spec file: a fresh profile with the packaged extension installed, code-server
// on a copy of a fixture workspace, and headless chromium on it. Steps build on each other, so after a
// failure the rest are skipped; a failing step leaves FAIL-<step>.png of every window, and the run folder
// (code-server.log, workspace, profile) is kept for a look.
import { after, before, test, type TestContext } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { installExtensions, isolatedEnv, makeRunDirs, startCodeServer, type CodeServer, type RunDirs } from './codeServer';
import { WorkbenchPage } from './workbenchPage';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const E2E_DIR = join(ROOT, '.e2e');
export const FIXTURES = join(ROOT, 'test', 'e2e', 'fixtures');
const VSIX = process.env.E2E_VSIX ?? join(ROOT, 'dist', 'mlflow-workbench.vsix');
const CODE_SERVER = process.env.E2E_CODE_SERVER ?? join(E2E_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const EXTENSION_ID = 'mlflow-workbench.mlflow-workbench';
/** The flags the house asks for, plus /dev/shm off (small in containers). */
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface SessionOptions {
  /** Prefix of the run folder under .e2e/runs. */
  name: string;
  /** The workspace the session opens a copy of. */
  fixture: string;
  /** Where screenshots go; emptied first. */
  screenshots: string;
  stepTimeoutMs?: number;
  viewport?: { width: number; height: number };
  /** Runs before code-server starts, e.g. to seed the workspace store. */
  prepare?: (dirs: RunDirs) => Promise<void>;
}

/** What the owner lock of a workspace store says: who serves it, where, with which token. */
export interface Owner {
  pid: number;
  port: number;
  host: string;
  token: string;
}

export class E2ESession {
  server!: CodeServer;
  browser!: BrowserContext;
  /** The first window. */
  wb!: WorkbenchPage;
  /** Every window opened, for screenshots on failure. */
  readonly windows: WorkbenchPage[] = [];
  runDir = '';
  failed: string | undefined;
  /** A check (not a step) failed: the run folder is kept too. */
  checksFailed = false;

  private constructor(readonly options: SessionOptions) {}

  /**
   * Registers the spec's before/after hooks; the session's fields are set once `before` has run, and then
   * `started` is called (specs keep their own short names for the first window there).
   */
  static register(options: SessionOptions, started?: (session: E2ESession) => void): E2ESession {
    const session = new E2ESession(options);
    before(async () => {
      await session.start();
      started?.(session);
    });
    after(() => session.stop());
    return session;
  }

  private async start(): Promise<void> {
    for (const [what, path] of [['the packaged extension (npm run package)', VSIX], ['code-server (scripts/e2e/installCodeServer.mjs)', CODE_SERVER], ['chromium (apt-get install chromium)', CHROMIUM]]) {
      if (!existsSync(path)) throw new Error(`missing ${what}: ${path}`);
    }
    rmSync(this.options.screenshots, { recursive: true, force: true });
    mkdirSync(this.options.screenshots, { recursive: true });
    mkdirSync(join(E2E_DIR, 'runs'), { recursive: true });
    this.runDir = mkdtempSync(join(E2E_DIR, 'runs', `${this.options.name}-`));
    const dirs = makeRunDirs(this.runDir, this.options.fixture);
    await this.options.prepare?.(dirs);
    const env = isolatedEnv(dirs);
    installExtensions(CODE_SERVER, dirs, env, [VSIX], EXTENSION_ID);
    this.server = await startCodeServer(CODE_SERVER, dirs, env);
    this.browser = await chromium.launchPersistentContext(dirs.browserProfile, {
      executablePath: CHROMIUM,
      headless: !process.env.HEADFUL,
      args: CHROMIUM_ARGS,
      viewport: this.options.viewport ?? { width: 1400, height: 900 },
      env: env as Record<string, string>,
    });
    this.wb = new WorkbenchPage(this.browser.pages()[0] ?? (await this.browser.newPage()));
    this.windows.push(this.wb);
  }

  private async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.server?.stop();
    if (!process.env.KEEP && !this.failed && !this.checksFailed) rmSync(this.runDir, { recursive: true, force: true });
    else if (this.runDir) console.log(`kept the run folder (code-server.log, workspace, profile): ${this.runDir}`);
  }

  /** A step of the story: skipped once an earlier one failed; on failure, a screenshot of every window. */
  step(name: string, fn: (t: TestContext) => Promise<void>): void {
    this.define(name, fn, true);
  }

  /**
   * A check that later steps do not build on: skipped once an earlier step failed, but its own failure (with
   * screenshots) lets the next ones run, so one missing feature does not hide the state of the others.
   */
  check(name: string, fn: (t: TestContext) => Promise<void>): void {
    this.define(name, fn, false);
  }

  private define(name: string, fn: (t: TestContext) => Promise<void>, gates: boolean): void {
    test(name, { timeout: this.options.stepTimeoutMs ?? 180_000 }, async (t) => {
      if (this.failed) {
        t.skip(`skipped: "${this.failed}" failed`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        if (gates) this.failed = name;
        else this.checksFailed = true;
        for (const [i, w] of this.windows.entries()) {
          await w.screenshot(join(this.options.screenshots, `FAIL-${name.replace(/[^\w-]+/g, '_')}${i ? `-window${i + 1}` : ''}.png`)).catch(() => undefined);
        }
        // Leave no menu, picker or dialog open for the next check.
        for (const w of this.windows) await w.page.keyboard.press('Escape').catch(() => undefined);
        throw err;
      }
    });
  }

  shot(name: string, window: WorkbenchPage = this.wb): Promise<void> {
    return window.screenshot(join(this.options.screenshots, `${name}.png`));
  }

  /** The workspace folder VS Code has open. */
  get workspace(): string {
    return this.server.dirs.workspace;
  }

  /** The owner lock of a folder's store (the workspace's by default). */
  owner(folder = this.workspace): Owner {
    return JSON.parse(readFileSync(join(folder, '.mlflow', 'owner.lock'), 'utf8')) as Owner;
  }

  /** The harness's own view of the store, over MLflow's REST API with the owner's token. */
  async rest<T>(method: 'GET' | 'POST', rpc: string, body?: Record<string, unknown>): Promise<T> {
    const o = this.owner();
    const query = method === 'GET' && body ? `?${new URLSearchParams(body as Record<string, string>)}` : '';
    const res = await fetch(`http://${o.host}:${o.port}/api/2.0/mlflow/${rpc}${query}`, {
      method,
      headers: { Authorization: `Bearer ${o.token}`, ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${rpc}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}
