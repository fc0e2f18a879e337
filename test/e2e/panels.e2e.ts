// End to end in a real VS Code (code-server 4.100.3, chromium via playwright-core, offline) for the editor-tab
// panels of issue 6: the runs table of an experiment with 10,000 runs (filter, sort, state kept across hide and
// show), charts of 100,000-point metrics that refine on zoom, compare with "differences only", the run page with
// artifact previews, the registered-model page, panels restored by a window reload, runs selected together in
// the Experiments tree opened in compare and charts, and a run whose every string is `<img src=x onerror=alert(1)>`
// rendered as text with no script run. The store is seeded through the store's own write path before VS Code
// starts. Screenshots of every panel land in .e2e/screenshots-panels.
//
// Run: npm run test:e2e -- panels (or npm run test:e2e for every spec).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { TrackingStore } from '../../extension/tracking/store/trackingStore';
import { E2E_DIR, E2ESession, FIXTURES } from './harness/session';
import { waitUntil, WorkbenchPage } from './harness/workbenchPage';
import { seedDemo, seedWide, wideAcc, XSS, type Demo } from '../panels/seed';

const WIDE_RUNS = 10_000;
const LONG_POINTS = 100_000;

let wb: WorkbenchPage;
let demo: Demo;
const dialogs: string[] = [];

const session = E2ESession.register(
  {
    name: 'panels',
    fixture: join(FIXTURES, 'workspace'),
    screenshots: process.env.E2E_SCREENSHOTS_PANELS ?? join(E2E_DIR, 'screenshots-panels'),
    viewport: { width: 1500, height: 950 },
    // Seed the workspace store before VS Code starts: the extension then opens it as its own.
    prepare: async (dirs) => {
      const store = await TrackingStore.open({ dir: join(dirs.workspace, '.mlflow'), checkpointIntervalMs: 0 });
      await seedWide(store, 'panels-10k', WIDE_RUNS);
      demo = await seedDemo(store, { long: 2, points: LONG_POINTS });
      await store.close();
    },
  },
  (s) => {
    wb = s.wb;
    // An alert() anywhere (workbench or any webview frame) surfaces here.
    wb.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  },
);
const step = session.step.bind(session);
const shot = (name: string): Promise<void> => session.shot(name);


/** The inner document of a panel's webview (VS Code nests it: iframe.webview → #active-frame), by our data-panel. */
async function panelFrame(panel: string, timeoutMs = 60_000): Promise<Frame> {
  return waitUntil(
    `the ${panel} webview`,
    async () => {
      for (const f of wb.page.frames()) {
        const name = await f.evaluate(() => document.body?.dataset.panel ?? '').catch(() => '');
        // A hidden panel's frame may linger: take the one that is laid out.
        if (name === panel && (await f.evaluate(() => document.body.getBoundingClientRect().width > 0).catch(() => false))) return f;
      }
      return undefined;
    },
    timeoutMs,
  );
}

/** The harness logging like a training script would: MLflow's REST API with the workspace server's token. */
const rest = <T>(rpc: string, body: Record<string, unknown>): Promise<T> => session.rest<T>('POST', rpc, body);

async function logPoints(runId: string, from: number, n: number, value: (i: number) => number): Promise<void> {
  const metrics = Array.from({ length: n }, (_, k) => ({ key: 'live_loss', value: value(from + k), timestamp: Date.now(), step: from + k }));
  await rest('runs/log-batch', { run_id: runId, metrics });
}

async function textOf(frame: Frame, selector: string): Promise<string> {
  return ((await frame.locator(selector).first().textContent()) ?? '').trim();
}

/** No element the probe would have created exists, and nothing called alert. */
async function assertNoInjection(frame: Frame, where: string): Promise<void> {
  // Anything a logged string could have become: the probe's <img>, an inline handler, or a script that is not
  // our bundle or VS Code's acquireVsCodeApi glue (#_vscodeApiScript).
  const injected = await frame.evaluate(() =>
    [...document.querySelectorAll('img[src="x"], [onerror], [onload], script')]
      .filter((e) => !(e.tagName === 'SCRIPT' && ((e as HTMLScriptElement).src.includes('/dist/webviews/') || e.id === '_vscodeApiScript')))
      .map((e) => e.outerHTML.slice(0, 200)),
  );
  assert.deepEqual(injected, [], `${where}: an element from a logged string was created`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
}

async function openTableFor(experiment: string): Promise<Frame> {
  await wb.runCommand('MLflow: Open Runs Table');
  await wb.pickQuickInputRow(experiment);
  const frame = await panelFrame('runsTable');
  await waitUntil(`the ${experiment} table to load`, async () => /^\d[\d,]* of [\d,]+ runs/.test(await textOf(frame, '#summary')), 90_000);
  return frame;
}

async function selectRows(frame: Frame, names: string[]): Promise<void> {
  for (const name of names) {
    const row = frame.locator('.tr', { has: frame.locator('.name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.locator('input[type="checkbox"]').check();
  }
}

step('the extension activates on the seeded store', async () => {
  await wb.open(session.server.url, session.server.dirs.workspace);
  await wb.statusItem(/MLflow 127\.0\.0\.1:\d+/).waitFor({ timeout: 120_000 });
});

step('runs table: opens an experiment of 10,000 runs, filters with the search grammar, sorts', async () => {
  const t0 = Date.now();
  await wb.runCommand('MLflow: Open Runs Table');
  await wb.pickQuickInputRow('panels-10k');
  const picked = Date.now();
  const first = await panelFrame('runsTable');
  await first.locator('.tr[data-run]').first().waitFor({ timeout: 60_000 });
  console.log(`runs table: experiment picked to first rows shown in ${Date.now() - picked} ms`);
  const frame = await openTableFor('panels-10k'); // the same panel, revealed
  await waitUntil('all 10,000 runs', async () => (await textOf(frame, '#summary')).startsWith('10,000 of 10,000 runs'), 90_000);
  console.log(`runs table: command to 10,000 runs listed in ${Date.now() - t0} ms (includes the quick pick)`);
  await frame.locator('.tr[data-run]').first().waitFor();
  // 50 data columns exist (20 params + 25 metrics + 5 tags); the chooser lists them all.
  await shot('01-runs-table');

  const expected = Array.from({ length: WIDE_RUNS }, (_, i) => wideAcc(i)).filter((a) => a > 0.995).length;
  await frame.locator('#filter input').fill('metrics.acc > 0.995');
  await waitUntil('the filter to apply', async () => (await textOf(frame, '#summary')).startsWith(`${expected} of 10,000 runs`));
  await shot('02-runs-table-filtered');

  // Sort ascending by acc: the smallest acc above 0.995 comes first.
  await frame.locator('.th[data-column="metric:acc"]').click();
  await waitUntil('ascending sort', async () => (await frame.locator('.th[data-column="metric:acc"]').getAttribute('aria-sort')) === 'ascending');
  const names = Array.from({ length: WIDE_RUNS }, (_, i) => i).filter((i) => wideAcc(i) > 0.995);
  const best = names.reduce((a, b) => (wideAcc(a) < wideAcc(b) ? a : b));
  const nested = (i: number): boolean => i % 50 === 1 || i % 50 === 2;
  await waitUntil('the lowest acc first', async () => {
    const first = await textOf(frame, '.tr[data-run] .name');
    return first === `run-${String(best).padStart(5, '0')}` || (nested(best) && first.startsWith('run-'));
  });
  await frame.locator('.th[data-column="metric:acc"]').click();
  await waitUntil('descending sort', async () => (await frame.locator('.th[data-column="metric:acc"]').getAttribute('aria-sort')) === 'descending');
  await shot('03-runs-table-sorted');

  // A filter the grammar rejects: MLflow's message inline, the last good filter still applied.
  await frame.locator('#filter input').fill('metrics.acc > high');
  await waitUntil('the inline error', async () => /Expected numeric value type for metric/.test(await textOf(frame, '#filter-error')));
  assert.ok((await textOf(frame, '#summary')).startsWith(`${expected} of`));
  await shot('04-runs-table-filter-error');
  await frame.locator('#filter input').fill('metrics.acc > 0.995');
  await waitUntil('the error to clear', async () => (await frame.locator('#filter-error').getAttribute('class'))?.includes('hidden'));

  // Hidden and shown again (another editor on top, then back): the webview rebuilds from its saved state.
  await wb.runCommand('View: Open Next Editor');
  await wb.runCommand('View: Open Previous Editor');
  const again = await panelFrame('runsTable');
  await waitUntil('the filter to survive hide/show', async () => (await textOf(again, '#summary')).startsWith(`${expected} of 10,000 runs`));
  assert.equal(await again.locator('#filter input').inputValue(), 'metrics.acc > 0.995');
});

step('compare: two runs side by side, differences only', async () => {
  await wb.runCommand('View: Close All Editors');
  const table = await openTableFor('panels-demo');
  await selectRows(table, ['long-0', 'long-1']);
  await table.locator('#compare').click();
  const frame = await panelFrame('compare');
  await frame.locator('#compare-table').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('tr[data-field="param:same"]').count(), 1);
  await frame.locator('#diff-only').click();
  await waitUntil('only differing rows', async () => (await frame.locator('tr[data-field="param:same"]').count()) === 0);
  assert.equal(await frame.locator('tr[data-field="param:lr"]').count(), 1);
  assert.equal(await frame.locator('tr[data-field="param:optimizer"]').count(), 1);
  assert.equal(await frame.locator('tr[data-field="tag:team"]').count(), 0, 'the shared tag is not a difference');
  await shot('05-compare-differences');
  await frame.locator('#tab-parallel').click();
  await frame.locator('#parallel').waitFor();
  await shot('06-compare-parallel-coordinates');
  await frame.locator('#tab-scatter').click();
  await frame.locator('#scatter').waitFor();
  await shot('07-compare-scatter');
});

step('charts: 100,000-point metrics drawn with extremes kept, zoom refetches full detail', async () => {
  // The table from the previous step still has long-0 and long-1 selected: they open in charts.
  await wb.page.locator('.tabs-container .tab', { hasText: 'Runs: panels-demo' }).first().click();
  const table = await panelFrame('runsTable');
  await table.locator('#open-charts').click();
  const frame = await panelFrame('charts');
  const card = frame.locator('section.chart-card[data-key="loss"]');
  await waitUntil('the loss chart', async () => (await card.getAttribute('data-points')) !== null, 60_000);
  const firstPaint = await frame.evaluate(() => document.body.dataset.firstPaintMs);
  console.log(`charts: first paint ${firstPaint} ms after the webview script started`);
  assert.equal(await card.getAttribute('data-exact'), 'false', 'two 100,000-point histories are downsampled');
  const drawn = Number(await card.getAttribute('data-points'));
  assert.ok(drawn < 2 * 4 * 4096 + 10, `bounded: ${drawn} points drawn`);
  await shot('08-charts');
  // Drag across a tenth of the plot, twice: each zoom asks for its range again; the second holds every point.
  const drag = async (from: number, to: number): Promise<void> => {
    const box = (await card.locator('canvas').boundingBox())!;
    const y = box.y + box.height / 2;
    await wb.page.mouse.move(box.x + box.width * from, y);
    await wb.page.mouse.down();
    await wb.page.mouse.move(box.x + box.width * to, y, { steps: 5 });
    await wb.page.mouse.up();
  };
  await drag(0.45, 0.55);
  await waitUntil('the first zoom', async () => /zoomed/.test(await textOf(frame, 'section.chart-card[data-key="loss"] .badge')), 30_000);
  await drag(0.45, 0.55);
  await waitUntil('the zoomed range at full fidelity', async () => (await card.getAttribute('data-exact')) === 'true', 30_000);
  assert.match(await textOf(frame, 'section.chart-card[data-key="loss"] .badge'), /all points · zoomed/);
  await shot('09-charts-zoomed');
});

step('a window reload brings back the open runs table and charts, with their content and state', async () => {
  // Open now: the panels-demo table (long-0 and long-1 checked) and, in front, the charts of those two runs.
  await Promise.all([wb.page.waitForEvent('load', { timeout: 90_000 }), wb.runCommand('Developer: Reload Window')]);
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  const charts = await panelFrame('charts', 120_000);
  const card = charts.locator('section.chart-card[data-key="loss"]');
  await waitUntil('the restored chart to draw', async () => (await card.getAttribute('data-points')) !== null, 120_000);
  assert.equal(await charts.locator('.legend-item[data-run]').count(), 2, 'the same two runs');
  await shot('09b-charts-after-reload');
  await wb.page.locator('.tabs-container .tab', { hasText: 'Runs: panels-demo' }).first().click();
  const table = await panelFrame('runsTable', 120_000);
  await waitUntil('the restored table to list its runs', async () => /^\d+ of \d+ runs/.test(await textOf(table, '#summary')), 120_000);
  await table.locator('.tr[data-run]').first().waitFor();
  // Its own state came back too: the runs checked before the reload still are.
  for (const name of ['long-0', 'long-1']) {
    const box = table.locator('.tr', { has: table.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).first().locator('input[type="checkbox"]');
    assert.ok(await box.isChecked(), `${name} still selected`);
  }
  await shot('09c-runs-table-after-reload');
});

step('Experiments tree: two runs selected together open in compare and in charts', async () => {
  await wb.runCommand('View: Close All Editors');
  await wb.activityItem('MLflow').click();
  const pane = wb.pane('Experiments');
  await wb.expand(wb.row(pane, 'panels-demo'));
  const first = wb.row(pane, 'long-0');
  const second = wb.row(pane, 'long-1');
  await first.waitFor({ timeout: 30_000 });
  await first.click();
  await second.click({ modifiers: ['ControlOrMeta'] });
  await waitUntil('both rows selected', async () => (await first.getAttribute('aria-selected')) === 'true' && (await second.getAttribute('aria-selected')) === 'true');
  await wb.contextMenu(second, 'Compare Runs');
  const cmp = await panelFrame('compare');
  await cmp.locator('#compare-table').waitFor({ timeout: 30_000 });
  const head = await textOf(cmp, '#compare-table thead');
  assert.ok(head.includes('long-0') && head.includes('long-1'), `both runs compared: ${head}`);
  await shot('09d-tree-selection-compare');
  // The view title offers the same for the selection: charts of both runs.
  await wb.viewAction(pane, 'Open Selected Runs in Metric Charts');
  const charts = await panelFrame('charts');
  await waitUntil('both runs charted', async () => (await charts.locator('.legend-item[data-run]').count()) === 2, 60_000);
});

step('run page: facts, note, params, metrics and artifact previews (CSV table, MLmodel signature, image)', async () => {
  await wb.runCommand('View: Close All Editors');
  const table = await openTableFor('panels-demo');
  await table.locator('.tr .name', { hasText: /^long-0$/ }).click();
  const frame = await panelFrame('runPage');
  await waitUntil('the run page', async () => (await textOf(frame, '#run-name')) === 'long-0');
  assert.match(await textOf(frame, '#status'), /FINISHED/);
  assert.equal(await frame.locator('#params tr').count(), 3);
  await frame.locator('#metrics tr[data-metric="loss"]').waitFor();
  await frame.locator('.tree-item.dir[data-path="data"]').click();
  await frame.locator('.tree-item.file[data-path="data/table.csv"]').click();
  await frame.locator('#csv-preview').waitFor({ timeout: 20_000 });
  assert.equal(await frame.locator('#csv-preview tbody tr').count(), 3);
  assert.equal(await textOf(frame, '#csv-preview tbody tr:nth-child(2) td'), 'quoted, comma');
  await shot('10-run-page-csv-preview');
  await frame.locator('.tree-item.dir[data-path="model"]').click();
  await frame.locator('.tree-item.file[data-path="model/MLmodel"]').click();
  await frame.locator('table.signature').first().waitFor({ timeout: 20_000 });
  assert.match(await textOf(frame, 'table.signature'), /sepal length \(cm\)/);
  await shot('11-run-page-mlmodel-preview');
  await frame.locator('.tree-item.file[data-path="plot.png"]').click();
  await frame.locator('img.preview-image').waitFor({ timeout: 20_000 });
  await waitUntil('the image to decode', async () => frame.evaluate(() => (document.querySelector('img.preview-image') as HTMLImageElement | null)?.naturalWidth === 2));
  await frame.locator('.tree-item.file[data-path="evil.svg"]').click();
  await frame.locator('img.preview-image').waitFor({ timeout: 20_000 });
  await assertNoInjection(frame, 'run page with an SVG holding a script');
  await shot('12-run-page-image-preview');
});

step(`a run named ${XSS} with such params and tags renders as text everywhere and runs no script`, async () => {
  await wb.runCommand('View: Close All Editors');
  const table = await openTableFor('panels-demo');
  const name = table.locator('.tr .name', { hasText: XSS });
  await name.waitFor();
  assert.equal((await name.textContent())?.trim(), XSS);
  await assertNoInjection(table, 'runs table');
  // Show the probe's param and tag columns too.
  await table.locator('#columns').click();
  // Params are shown by default; tags are not.
  for (const id of ['param:xss', 'tag:xss']) {
    const box = table.locator(`.chooser-line[data-column="${id}"] input`);
    if (!(await box.isChecked())) await box.click();
    // Checking re-renders the chooser (the column moves to the shown list): wait for that before the next one.
    await waitUntil(`${id} in the shown columns`, async () => (await box.isChecked()) && (await box.evaluate((e) => e.closest('.chooser-line')?.querySelector('.moves') !== null)));
  }
  await table.locator('#columns-apply').click();
  await waitUntil('the probe tag column', async () => (await table.locator('.th[data-column="tag:xss"]').count()) === 1);
  // Every cell that holds the probe shows it as text: the name, the source, two params and a tag.
  const columns = await table.locator('.th[data-column]').evaluateAll((ths) => ths.map((t) => t.getAttribute('data-column')));
  const cells = await waitUntil('the probe row with every column', async () => {
    const texts = (await table.locator(`.tr[data-run="${demo.xssRun}"] .td`).allTextContents()).map((c) => c.trim());
    return texts.length === columns.length + 1 ? texts : undefined;
  });
  for (const id of ['attr:name', 'attr:source', 'param:lr', 'param:xss', 'tag:xss']) {
    assert.equal(cells[columns.indexOf(id) + 1], XSS, `${id} (columns: ${columns.join(', ')}; cells: ${cells.join(' | ')})`);
  }
  await assertNoInjection(table, 'runs table with the probe columns');
  await shot('13-xss-runs-table');

  await name.click();
  const page = await panelFrame('runPage');
  await waitUntil('the probe run page', async () => (await textOf(page, '#run-name')) === XSS);
  assert.match(await textOf(page, '#params'), /<img src=x onerror=alert\(1\)>/);
  assert.match(await textOf(page, '#tags'), /<img src=x onerror=alert\(1\)>/);
  // The note is Markdown: its heading shows the probe as text, the <script> as text, the javascript: link as text.
  assert.equal(await textOf(page, '#note-body h2'), XSS);
  assert.match(await textOf(page, '#note-body'), /<script>alert\(1\)<\/script>/);
  assert.equal(await page.locator('#note-body a').count(), 0, 'a javascript: link is not a link');
  await assertNoInjection(page, 'run page');
  await shot('14-xss-run-page');

  // Charts and compare of the probe run with another.
  await wb.runCommand('View: Close All Editors');
  const t2 = await openTableFor('panels-demo');
  await selectRows(t2, [XSS, 'long-1']);
  await t2.locator('#compare').click();
  const cmp = await panelFrame('compare');
  await cmp.locator('#compare-table').waitFor();
  assert.match(await textOf(cmp, '#compare-table thead'), /<img src=x onerror=alert\(1\)>/);
  await assertNoInjection(cmp, 'compare');
  await shot('15-xss-compare');
  const tableTab = wb.page.locator('.tabs-container .tab', { hasText: 'Runs: panels-demo' }).first();
  await tableTab.click();
  const t3 = await panelFrame('runsTable');
  await t3.locator('#open-charts').click();
  const charts = await panelFrame('charts');
  await charts.locator(`.legend-item[data-run="${demo.xssRun}"] .run-name`).waitFor();
  assert.equal(await textOf(charts, `.legend-item[data-run="${demo.xssRun}"] .run-name`), XSS);
  await assertNoInjection(charts, 'charts');
  await shot('16-xss-charts');
});

step('registered model page: versions, aliases, stage, signature and audit history', async () => {
  await wb.runCommand('View: Close All Editors');
  await wb.runCommand('MLflow: Open Registered Model');
  await wb.pickQuickInputRow(demo.modelName);
  const frame = await panelFrame('modelPage');
  await waitUntil('the model page', async () => (await textOf(frame, '#model-name')) === demo.modelName);
  assert.equal(await frame.locator('.version.card').count(), 2);
  assert.match(await textOf(frame, '.version.card[data-version="1"]'), /@champion/);
  assert.match(await textOf(frame, '.version.card[data-version="1"]'), /Production/);
  // Version 2's source run logged no model: its signature says so. Version 1's MLmodel has one.
  await frame.locator('.version.card[data-version="1"] .version-name').click();
  await frame.locator('#signature table.signature').first().waitFor({ timeout: 30_000 });
  assert.match(await textOf(frame, '#signature'), /petal width \(cm\)/);
  await waitUntil('the audit trail', async () => (await frame.locator('#audit li').count()) >= 4);
  // Edit the model's description in place.
  await frame.locator('#edit-description-model').click();
  await frame.locator('#edit-model textarea').fill('Iris classifier, second edition');
  await frame.locator('#save-model').click();
  await waitUntil('the saved description', async () => /second edition/.test(await textOf(frame, '#page')));
  await waitUntil('the edit in the audit trail', async () => /changed the description/.test(await textOf(frame, '#audit')));
  await assertNoInjection(frame, 'model page');
  await shot('17-model-page');
});

step('live: a new running run appears in the table, and its chart follows the points it logs', async () => {
  await wb.runCommand('View: Close All Editors');
  const table = await openTableFor('panels-demo');
  const before = await textOf(table, '#summary');
  const created = await rest<{ run: { info: { run_id: string } } }>('runs/create', { experiment_id: demo.experimentId, run_name: 'live-run', start_time: Date.now() });
  const id = created.run.info.run_id;
  await logPoints(id, 0, 200, (i) => 1 / (1 + i));
  await waitUntil('the new run in the table', async () => (await table.locator('.tr .name', { hasText: /^live-run$/ }).count()) === 1, 30_000);
  assert.notEqual(await textOf(table, '#summary'), before);
  await selectRows(table, ['live-run']);
  await table.locator('#open-charts').click();
  const charts = await panelFrame('charts');
  const card = charts.locator('section.chart-card[data-key="live_loss"]');
  await waitUntil('the live chart', async () => (await card.getAttribute('data-points')) === '200', 60_000);
  await shot('19-live-chart-before');
  // The run keeps logging, with a spike: the chart extends by itself (no reload, no click).
  await logPoints(id, 200, 300, (i) => (i === 450 ? 40 : 1 / (1 + i)));
  await waitUntil('the chart to follow the run', async () => (await card.getAttribute('data-points')) === '500', 30_000);
  await shot('20-live-chart-after');
  await rest('runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() });
  await wb.page.locator('.tabs-container .tab', { hasText: 'Runs: panels-demo' }).first().click();
  const again = await panelFrame('runsTable');
  await waitUntil('the finished status', async () => /FINISHED/.test(await textOf(again, `.tr[data-run="${id}"]`)), 30_000);
});

step('panels follow the theme: the charts in a high-contrast theme', async () => {
  await wb.runCommand('Preferences: Color Theme');
  await wb.quickInputBox.fill('Dark High Contrast');
  await wb.pickQuickInputRow('Dark High Contrast');
  await wb.runCommand('View: Close All Editors');
  const table = await openTableFor('panels-demo');
  await selectRows(table, ['long-0', 'long-1']);
  await table.locator('#open-charts').click();
  const frame = await panelFrame('charts');
  await waitUntil('the loss chart', async () => (await frame.locator('section.chart-card[data-key="loss"]').getAttribute('data-points')) !== null, 60_000);
  assert.ok(await frame.evaluate(() => document.body.classList.contains('vscode-high-contrast')));
  await shot('18-charts-high-contrast');
});
