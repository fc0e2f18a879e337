// End to end in a real VS Code (code-server 4.100.3, chromium via playwright-core, offline) for MLflow 3
// (issue 11): the real MLflow 3.11 Python client, and the real MLflow 3.11 server as remote backend.
//
// A. Workspace store: `log_mlflow3.py` (`import mlflow`, 3.11) typed in the integrated terminal logs, through
//    the MLFLOW_TRACKING_URI/TOKEN the extension injects, a run with metrics over steps, a scikit-learn model
//    as a registered logged model and a traced function with nested spans, one raising. Then the Experiments
//    tree shows the run, its metrics, the logged model under the experiment and the run, the Traces node with
//    the trace; the trace opens in its tab with its span tree and the error; the run page lists the logged
//    model; the Models tree and model page show the version and its link to the logged model.
// B. Remote backend: a real `mlflow server` (3.11) populated by the same script before VS Code starts, set as
//    `mlflowWorkbench.tracking.remoteUri` in the workspace settings. Trees (metric min/max), runs table,
//    charts, run page, model page, the logged model and the trace in the tree and the trace tab.
//
// Steps that later ones build on stop the phase when they fail; checks (one feature each) report their own
// failure and let the next run. Screenshots land in .e2e/screenshots-mlflow3 (FAIL-<step>.png on failure).
// Skips with one line when MLflow 3.11 (MLFLOW3_SITE, else ../shared/mlflow-3.11/site) or Python is absent.
//
// Run: npm run test:e2e -- mlflow3
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import { E2E_DIR, E2ESession, FIXTURES } from './harness/session';
import { waitUntil, type WorkbenchPage } from './harness/workbenchPage';
import { realMlflow, runPython, startRealMlflowServer, type RealMlflow, type RealServer } from '../support/realMlflow';

const SCRIPT = 'log_mlflow3.py';
const STEPS = 10;
// loss = 1/(1+step) and accuracy = 1 - loss/2 over steps 0..9, as the script logs them.
const LOSS_SUMMARY = '0.1 · min 0.1 · max 1';
const ACCURACY_SUMMARY = '0.95 · min 0.5 · max 0.95';
const SPANS = ['predict', 'tokenize', 'score'];
const SPAN_ERROR = 'cannot score 4 tokens';

interface ScriptResults {
  mlflow: string;
  errors: Record<string, string>;
  run_id?: string;
  experiment_id?: string;
  model_id?: string;
  model_version?: string;
  trace_id?: string;
}

const mlflow3 = realMlflow('3.11');
const screenshots = process.env.E2E_SCREENSHOTS_MLFLOW3 ?? join(E2E_DIR, 'screenshots-mlflow3');
/** The shell assignments a terminal command line needs to run a script with it (telemetry off, as the house asks). */
const shellPrefix = (m: RealMlflow): string => `PYTHONPATH=${m.site} MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true ${m.python}`;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

if (typeof mlflow3 === 'string') {
  test('MLflow 3 end to end', { skip: mlflow3 }, () => undefined);
} else {
  describe('A. workspace store: the MLflow 3.11 client in the integrated terminal', () => storePhase(mlflow3));
  describe('B. remote backend: a real MLflow 3.11 server', () => remotePhase());
}

// ---- helpers shared by both phases ----------------------------------------------------------------------

/** The inner document of a panel's webview by its data-panel (the laid-out one when a hidden one lingers). */
async function panelFrame(wb: WorkbenchPage, panel: string, timeoutMs = 60_000): Promise<Frame> {
  return waitUntil(
    `the ${panel} webview`,
    async () => {
      for (const f of wb.page.frames()) {
        const name = await f.evaluate(() => document.body?.dataset.panel ?? '').catch(() => '');
        if (name === panel && (await f.evaluate(() => document.body.getBoundingClientRect().width > 0).catch(() => false))) return f;
      }
      return undefined;
    },
    timeoutMs,
  );
}

async function textOf(frame: Frame, selector: string): Promise<string> {
  return ((await frame.locator(selector).first().textContent()) ?? '').trim();
}

async function bodyText(frame: Frame): Promise<string> {
  return (await frame.evaluate(() => document.body.innerText)).replace(/\s+/g, ' ');
}

/** A tree row whose label matches (labels only; descriptions are separate). */
function rowMatching(wb: WorkbenchPage, pane: Locator, label: RegExp): Locator {
  return wb.rows(pane).filter({ has: wb.page.locator('.label-name', { hasText: label }) }).first();
}

/** The row labelled `label` directly under `parent` (by the tree's data-index and aria-level), once it shows. */
async function childRow(wb: WorkbenchPage, pane: Locator, parent: Locator, label: string): Promise<Locator> {
  await parent.waitFor({ timeout: 30_000 });
  return waitUntil(`"${label}" under its parent row`, async () => {
    const at = Number(await parent.getAttribute('data-index'));
    const level = Number(await parent.getAttribute('aria-level'));
    const rows = (await wb.rows(pane).evaluateAll((els) => els.map((r) => ({ i: Number(r.getAttribute('data-index')), level: Number(r.getAttribute('aria-level')), label: r.querySelector('.label-name')?.textContent ?? '' })))).sort((a, b) => a.i - b.i);
    for (const r of rows.filter((x) => x.i > at)) {
      if (r.level <= level) break;
      if (r.level === level + 1 && r.label === label) return pane.locator(`.monaco-list-row[data-index="${r.i}"]`);
    }
    return undefined;
  }, 30_000);
}

/** The metric summaries (min/max) of a run in the Experiments tree. */
async function assertMetricSummaries(wb: WorkbenchPage, pane: Locator, runName: string): Promise<void> {
  const run = wb.row(pane, runName);
  await run.waitFor({ timeout: 30_000 });
  await wb.expand(run);
  await wb.expand(wb.row(pane, 'Metrics'));
  await waitUntil('the loss summary with min and max', async () => (await wb.description(wb.row(pane, 'loss'))) === LOSS_SUMMARY, 30_000);
  assert.equal(await wb.description(wb.row(pane, 'accuracy')), ACCURACY_SUMMARY);
  await wb.expand(wb.row(pane, 'Parameters'));
  assert.equal(await wb.description(wb.row(pane, 'C')), '0.5');
}

/** The logged model shows under its experiment (ready, with its registered version) and under its run. */
async function assertLoggedModelInTree(wb: WorkbenchPage, pane: Locator, experiment: string, runName: string, registered: string): Promise<void> {
  await wb.viewAction(pane, 'Collapse All');
  const exp = wb.row(pane, experiment);
  await wb.expand(exp);
  const group = await childRow(wb, pane, exp, 'Logged models');
  await wb.expand(group);
  // MLflow names the logged model after log_model's `name`: "model".
  const model = await childRow(wb, pane, group, 'model');
  // The client finalizes the upload: READY.
  await waitUntil('the logged model to show as ready', async () => /ready/.test(await wb.description(model)), 30_000);
  await wb.expand(model);
  const versions = await childRow(wb, pane, model, 'Registered versions');
  await wb.expand(versions);
  await childRow(wb, pane, versions, `${registered} v1`);
  const run = await childRow(wb, pane, exp, runName);
  await wb.expand(run);
  const runGroup = await childRow(wb, pane, run, 'Logged models');
  await wb.expand(runGroup);
  await childRow(wb, pane, runGroup, 'model');
}

/** The Traces node of the experiment lists the trace; opening it shows the span tree and the error in its tab. */
async function assertTraceInTreeAndTab(wb: WorkbenchPage, pane: Locator, experiment: string, traceId: string, shot: (n: string) => Promise<void>): Promise<void> {
  await wb.viewAction(pane, 'Collapse All');
  await wb.expand(wb.row(pane, experiment));
  const traces = wb.row(pane, 'Traces');
  await traces.waitFor({ timeout: 30_000 });
  await wb.expand(traces);
  // A trace row is named after its root span (MLflow's trace name tag), else by its id.
  const trace = rowMatching(wb, pane, new RegExp(`^(predict|${escapeRegExp(traceId)})$`));
  await trace.waitFor({ timeout: 30_000 });
  await shot('trace-in-tree');
  await trace.click();
  const frame = await panelFrame(wb, 'traceView');
  await waitUntil('the trace id in the tab', async () => (await textOf(frame, '#trace-id')) === traceId, 30_000);
  // The trace as a whole answered: the exception was caught inside it.
  assert.equal(await textOf(frame, '#trace-state'), 'OK');
  // The span tree: the root, then its two children one level down, in start order.
  const spans = async (): Promise<string[]> =>
    frame.locator('#spans .span-row').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('aria-level')}:${r.querySelector('.span-name')?.textContent ?? ''}`));
  await waitUntil('the span tree', async () => (await spans()).length === SPANS.length, 30_000);
  assert.deepEqual(await spans(), ['1:predict', '2:tokenize', '2:score']);
  const failing = frame.locator('#spans .span-row', { has: frame.locator('.span-name', { hasText: /^score$/ }) });
  assert.equal(await failing.locator('.dot').getAttribute('title'), 'ERROR');
  // Selected, the failing span shows its exception.
  await failing.click();
  await waitUntil('the exception of the failing span', async () => (await textOf(frame, '#span-details .exception-message')).includes(SPAN_ERROR), 20_000);
  assert.equal(await textOf(frame, '#span-details .exception-type'), 'ValueError');
  await shot('trace-tab');
}

/** The run page of a run lists its logged model. */
async function assertRunPage(wb: WorkbenchPage, pane: Locator, experiment: string, runName: string, modelId: string | undefined, registered: string, shot: (n: string) => Promise<void>): Promise<Frame> {
  await wb.viewAction(pane, 'Collapse All');
  await wb.expand(wb.row(pane, experiment));
  await wb.contextMenu(wb.row(pane, runName), 'Open Run');
  const frame = await panelFrame(wb, 'runPage');
  await waitUntil('the run page', async () => (await textOf(frame, '#run-name')) === runName, 30_000);
  assert.match(await textOf(frame, '#status'), /FINISHED/);
  await frame.locator('#metrics tr[data-metric="loss"]').waitFor({ timeout: 20_000 });
  await shot('run-page');
  if (modelId !== undefined) {
    // The run's logged model: its id, its registered version and its artifacts (the MLmodel among them).
    await waitUntil('the "Logged models" section with the model', async () => {
      const text = await bodyText(frame);
      return text.includes('Logged models (1)') && text.includes(modelId) && text.includes(`${registered} v1`) && text.includes('MLmodel');
    }, 30_000);
    await frame.getByText(/^Logged models \(1\)$/).first().scrollIntoViewIfNeeded().catch(() => undefined);
    await shot('run-page-logged-model');
  }
  return frame;
}

/** The Models tree shows version 1; the model page shows it and links it to the logged model. */
async function assertModelPage(wb: WorkbenchPage, model: string, runId: string, runName: string, modelId: string, shot: (n: string) => Promise<void>): Promise<void> {
  const models = wb.pane('Models');
  await wb.expand(wb.row(models, model));
  await wb.row(models, 'Version 1').waitFor({ timeout: 30_000 });
  await wb.contextMenu(wb.row(models, model), 'Open Registered Model');
  const frame = await panelFrame(wb, 'modelPage');
  await waitUntil('the model page', async () => (await textOf(frame, '#model-name')) === model, 30_000);
  const card = frame.locator('.version.card[data-version="1"]');
  await card.waitFor({ timeout: 30_000 });
  await shot('model-page');
  // MLflow 3 registers the logged model (source models:/<id>, model_id on the version): the card links to it,
  // a link of its own beside "Version 1", the source run and the Edit buttons (the plain source text is none).
  const link = await waitUntil(`a link to the logged model ${modelId} on the version`, async () => {
    const links = card.locator('button.link, a, [role="link"]');
    for (let i = 0; i < (await links.count()); i++) {
      const t = ((await links.nth(i).textContent()) ?? '').trim();
      if (t !== 'Version 1' && t !== runId && t !== 'Edit' && (t.includes(modelId) || /^model\b/.test(t))) return links.nth(i);
    }
    return undefined;
  }, 30_000);
  // Following it shows the logged model where it was produced: its run's page, which lists it.
  await link.click();
  const page = await panelFrame(wb, 'runPage');
  await waitUntil('the logged model\'s run page', async () => (await textOf(page, '#run-name')) === runName && (await bodyText(page)).includes(modelId), 30_000);
}

/** The model page reads the version's MLmodel from the logged model it was registered from. */
async function assertModelSignature(wb: WorkbenchPage, model: string, shot: (n: string) => Promise<void>): Promise<void> {
  await wb.runCommand('MLflow: Open Registered Model');
  await wb.pickQuickInputRow(model);
  const frame = await panelFrame(wb, 'modelPage');
  await waitUntil('the model page', async () => (await textOf(frame, '#model-name')) === model, 30_000);
  await frame.locator('.version.card[data-version="1"] .version-name').click();
  await waitUntil('the MLmodel of version 1 (sklearn flavor)', async () => {
    const text = await textOf(frame, '#signature');
    if (/^Version 1/.test(text) && !(await frame.locator('#signature .mlmodel').count())) throw new Error(`no MLmodel: ${text}`);
    return /sklearn/.test(text);
  }, 30_000);
  await shot('model-signature');
}

// ---- A. the workspace store ---------------------------------------------------------------------------

function storePhase(m: RealMlflow): void {
  const EXPERIMENT = 'mlflow3-demo';
  const RUN = 'mlflow3-run';
  const MODEL = 'mlflow3-model';
  let wb: WorkbenchPage;
  let results: ScriptResults | undefined;
  let stderr = '';
  const session = E2ESession.register(
    { name: 'mlflow3-store', fixture: join(FIXTURES, 'mlflow3-workspace'), screenshots: join(screenshots, 'store'), viewport: { width: 1500, height: 950 } },
    (s) => {
      wb = s.wb;
    },
  );
  const step = session.step.bind(session);
  const check = session.check.bind(session);
  const shot = (name: string): Promise<void> => session.shot(`store-${name}`);
  const need = <K extends keyof ScriptResults>(key: K): NonNullable<ScriptResults[K]> => {
    const v = results?.[key];
    assert.ok(v, `the script did not report ${String(key)}: ${JSON.stringify(results?.errors ?? {})}`);
    return v as NonNullable<ScriptResults[K]>;
  };

  step('activates on the workspace and serves its store', async () => {
    await wb.open(session.server.url, session.workspace);
    await wb.statusItem(/MLflow 127\.0\.0\.1:\d+/).waitFor({ timeout: 90_000 });
    await wb.activityItem('MLflow').waitFor({ timeout: 30_000 });
  });

  step(`a script using import mlflow (${m.version}) typed in the terminal logs a run, a model and a trace`, async () => {
    await wb.newTerminal();
    await wb.typeInTerminal('echo "uri=$MLFLOW_TRACKING_URI token=${#MLFLOW_TRACKING_TOKEN}"');
    await waitUntil('the injected tracking URI', async () => /uri=http:\/\/127\.0\.0\.1:\d+ token=[1-9]/.test(await wb.terminalText()));
    // MLflow's own warnings go to a file, so the terminal shows the script's lines.
    const started = Date.now();
    await wb.typeInTerminal(`clear; ${shellPrefix(m)} ${SCRIPT} --experiment ${EXPERIMENT} --run-name ${RUN} --model ${MODEL} --steps ${STEPS} --results results.json 2> mlflow3-stderr.log`);
    await waitUntil('the script to finish', async () => /MLFLOW3 DONE/.test(await wb.terminalText()), 240_000);
    console.log(`store: the MLflow 3.11 script ran in ${Date.now() - started} ms`);
    await shot('01-terminal');
    results = JSON.parse(readFileSync(join(session.workspace, 'results.json'), 'utf8')) as ScriptResults;
    stderr = existsSync(join(session.workspace, 'mlflow3-stderr.log')) ? readFileSync(join(session.workspace, 'mlflow3-stderr.log'), 'utf8') : '';
    assert.ok(results.run_id, `no run: ${stderr.slice(-3000)}`);
    assert.match(await wb.terminalText(), /metrics ok/);
  });

  // Each part of the script is reported apart, so the checks after this one look at whatever did get logged.
  check('the script logged its model (registered) and its trace without an error', async () => {
    assert.deepEqual(results?.errors, {}, `parts of the script failed against the workspace store:\n${stderr.slice(-3000)}`);
    assert.match(results?.model_id ?? '', /^m-[0-9a-f]{32}$/);
    assert.equal(results?.model_version, '1');
    assert.match(results?.trace_id ?? '', /^tr-[0-9a-f]{32}$/);
  });

  check('the Experiments tree shows the run with its metrics (min/max) and params', async () => {
    await wb.activityItem('MLflow').click();
    const pane = wb.pane('Experiments');
    await wb.expand(wb.row(pane, EXPERIMENT));
    await assertMetricSummaries(wb, pane, RUN);
    await shot('02-tree-run');
  });

  check('the logged model shows under the experiment and under the run', async () => {
    need('model_id');
    await assertLoggedModelInTree(wb, wb.pane('Experiments'), EXPERIMENT, RUN, MODEL);
    await shot('03-tree-logged-model');
  });

  check('the Traces node lists the trace; it opens in its tab with the span tree and the error', async () => {
    await assertTraceInTreeAndTab(wb, wb.pane('Experiments'), EXPERIMENT, need('trace_id'), (n) => shot(`04-${n}`));
  });

  check('the run page shows the logged model', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertRunPage(wb, wb.pane('Experiments'), EXPERIMENT, RUN, need('model_id'), MODEL, (n) => shot(`05-${n}`));
  });

  check('the Models tree and model page show version 1 and its link to the logged model', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertModelPage(wb, MODEL, need('run_id'), RUN, need('model_id'), (n) => shot(`06-${n}`));
  });

  check('the model page shows the MLmodel of the version, read from the logged model', async () => {
    need('model_id');
    await wb.runCommand('View: Close All Editors');
    await assertModelSignature(wb, MODEL, (n) => shot(`07-${n}`));
  });
}

// ---- B. a real MLflow 3.11 server as the remote backend -----------------------------------------------

function remotePhase(): void {
  const EXPERIMENT = 'remote-demo';
  const RUN = 'remote-run';
  const MODEL = 'remote-model';
  let wb: WorkbenchPage;
  let server: RealServer | undefined;
  let results: ScriptResults;
  const session = E2ESession.register(
    {
      name: 'mlflow3-remote',
      fixture: join(FIXTURES, 'mlflow3-remote-workspace'),
      screenshots: join(screenshots, 'remote'),
      viewport: { width: 1500, height: 950 },
      // The server runs and holds its data before VS Code starts; the workspace settings point at it.
      prepare: async (dirs) => {
        server = await startRealMlflowServer('3.11');
        const settings = join(dirs.workspace, '.vscode', 'settings.json');
        writeFileSync(settings, readFileSync(settings, 'utf8').replace('MLFLOW3_PORT', new URL(server.url).port));
        const out = join(dirs.root, 'remote-results.json');
        const script = join(FIXTURES, 'mlflow3-workspace', SCRIPT);
        const r = await runPython('3.11', script, { trackingUri: server.url, args: ['--experiment', EXPERIMENT, '--run-name', RUN, '--model', MODEL, '--steps', String(STEPS), '--results', out], cwd: dirs.root, timeoutMs: 180_000 });
        assert.equal(r.code, 0, `${SCRIPT} against the real server:\n${r.stdout}\n${r.stderr.slice(-3000)}`);
        results = JSON.parse(readFileSync(out, 'utf8')) as ScriptResults;
        assert.deepEqual(results.errors, {}, 'the real client against the real server logs every part');
      },
    },
    (s) => {
      wb = s.wb;
    },
  );
  after(async () => {
    await server?.stop();
  });
  const step = session.step.bind(session);
  const check = session.check.bind(session);
  const shot = (name: string): Promise<void> => session.shot(`remote-${name}`);

  step('the views read the remote MLflow 3.11 server set in the workspace settings', async () => {
    await wb.open(session.server.url, session.workspace);
    const port = new URL(server!.url).port;
    const item = wb.statusItem(new RegExp(`MLflow 127\\.0\\.0\\.1:${port}`));
    await item.waitFor({ timeout: 90_000 });
    assert.equal(await item.locator('.codicon-cloud').count(), 1, 'remote mode (cloud icon)');
    await wb.activityItem('MLflow').click();
    const pane = wb.pane('Experiments');
    await wb.row(pane, EXPERIMENT).waitFor({ timeout: 30_000 });
    await shot('01-remote-tree');
  });

  check('a terminal gets the remote server as MLFLOW_TRACKING_URI', async () => {
    await wb.newTerminal();
    await wb.typeInTerminal('echo "uri=$MLFLOW_TRACKING_URI"');
    await waitUntil('the remote URI in the terminal', async () => (await wb.terminalText()).includes(`uri=${server!.url}`));
    await wb.runCommand('View: Hide Panel');
  });

  check('the Experiments tree shows the run with its metrics (min/max) and params', async () => {
    const pane = wb.pane('Experiments');
    await wb.expand(wb.row(pane, EXPERIMENT));
    await assertMetricSummaries(wb, pane, RUN);
    await shot('02-tree-run');
  });

  check('the runs table lists the run with its metric', async () => {
    await wb.runCommand('MLflow: Open Runs Table');
    await wb.pickQuickInputRow(EXPERIMENT);
    const frame = await panelFrame(wb, 'runsTable');
    await waitUntil('the table to load', async () => /^1 of 1 runs?/.test(await textOf(frame, '#summary')), 60_000);
    const row = frame.locator(`.tr[data-run="${results.run_id}"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await textOf(frame, `.tr[data-run="${results.run_id}"] .name`), RUN);
    const columns = await frame.locator('.th[data-column]').evaluateAll((ths) => ths.map((t) => t.getAttribute('data-column')));
    const cells = (await row.locator('.td').allTextContents()).map((c) => c.trim());
    const loss = columns.indexOf('metric:loss');
    assert.ok(loss >= 0, `a loss column: ${columns.join(', ')}`);
    assert.equal(cells[loss + 1], '0.1', `loss cell (cells: ${cells.join(' | ')})`);
    await shot('03-runs-table');
  });

  check('charts draw every point of the run\'s metrics (the remote history reads, no page-token error)', async () => {
    await wb.runCommand('View: Close All Editors');
    const pane = wb.pane('Experiments');
    await wb.viewAction(pane, 'Collapse All');
    await wb.expand(wb.row(pane, EXPERIMENT));
    await wb.contextMenu(wb.row(pane, RUN), 'Open Metric Charts');
    const frame = await panelFrame(wb, 'charts');
    const card = frame.locator('section.chart-card[data-key="loss"]');
    await card.waitFor({ timeout: 30_000 });
    const errors = async (): Promise<string[]> => (await frame.locator('.error:not(.hidden)').allTextContents()).map((t) => t.trim()).filter(Boolean);
    await waitUntil('the loss chart to draw its points', async () => {
      const e = await errors();
      if (e.length) throw new Error(`the charts show an error: ${e.join('; ')}`);
      return (await card.getAttribute('data-points')) === String(STEPS);
    }, 60_000);
    // Each card draws when its own series arrives: wait for the second one too rather than reading it at once.
    const accuracy = frame.locator('section.chart-card[data-key="accuracy"]');
    await waitUntil('the accuracy chart to draw its points', async () => (await accuracy.getAttribute('data-points')) === String(STEPS), 30_000);
    assert.deepEqual(await errors(), []);
    await shot('04-charts');
  });

  check('the run page shows the run and its logged model', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertRunPage(wb, wb.pane('Experiments'), EXPERIMENT, RUN, results.model_id, MODEL, (n) => shot(`05-${n}`));
  });

  check('the Models tree and model page show version 1 and its link to the logged model', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertModelPage(wb, MODEL, results.run_id!, RUN, results.model_id!, (n) => shot(`06-${n}`));
  });

  check('the model page shows the MLmodel of the version, read from the logged model', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertModelSignature(wb, MODEL, (n) => shot(`06b-${n}`));
  });

  check('the logged model shows under the experiment and under the run', async () => {
    await wb.runCommand('View: Close All Editors');
    await assertLoggedModelInTree(wb, wb.pane('Experiments'), EXPERIMENT, RUN, MODEL);
    await shot('07-tree-logged-model');
  });

  check('the Traces node lists the trace; it opens in its tab with the span tree and the error', async () => {
    await assertTraceInTreeAndTab(wb, wb.pane('Experiments'), EXPERIMENT, results.trace_id!, (n) => shot(`08-${n}`));
  });
}
