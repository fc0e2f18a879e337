// End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100.3, driven by Debian's chromium through
// playwright-core, offline): the packaged extension is installed into a fresh profile and a fixture workspace
// is opened. Each step proves one thing a user does; they build on each other, so after a failure the rest
// are skipped. Screenshots of each view land in .e2e/screenshots, and FAIL-<step>.png on any failure.
//
// Run: npm run test:e2e (installs code-server on first use, packages the extension, runs this file).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_DIR, E2ESession, FIXTURES, type Owner } from './harness/session';
import { waitUntil, WorkbenchPage } from './harness/workbenchPage';

interface RestRun {
  info: { run_id: string; run_name: string; lifecycle_stage: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}

async function runByName(name: string): Promise<RestRun | undefined> {
  const r = await rest<{ runs?: RestRun[] }>('POST', 'runs/search', { experiment_ids: ['0', '1', '2', '3'], filter: `attributes.run_name = '${name}'`, run_view_type: 'ALL' });
  return r.runs?.[0];
}

const session = E2ESession.register({
  name: 'run',
  fixture: join(FIXTURES, 'workspace'),
  screenshots: process.env.E2E_SCREENSHOTS ?? join(E2E_DIR, 'screenshots'),
}, (s) => {
  wb = s.wb;
});
const step = session.step.bind(session);
const shot = session.shot.bind(session);
const owner = (): Owner => session.owner();
const rest = session.rest.bind(session);
let wb: WorkbenchPage;
let wb2: WorkbenchPage | undefined;

step('activates, starts the tracking server and shows its URI in the status bar', async () => {
  await wb.open(session.server.url, session.server.dirs.workspace);
  // Activation by workspaceContains:**/MLproject; the status bar shows the URI once the server listens.
  const item = wb.statusItem(/MLflow 127\.0\.0\.1:\d+/);
  await item.waitFor({ timeout: 90_000 });
  const text = (await item.innerText()).trim();
  const o = owner();
  assert.equal(text, `MLflow 127.0.0.1:${o.port}`);
  const health = await fetch(`http://127.0.0.1:${o.port}/health`);
  assert.equal(await health.text(), 'OK');
  // Without the token the server refuses: the per-workspace token is in force.
  assert.equal((await fetch(`http://127.0.0.1:${o.port}/api/2.0/mlflow/experiments/search?max_results=1`)).status, 401);
  await wb.activityItem('MLflow').waitFor({ timeout: 30_000 });
  await shot('01-activated-status-bar');
});

step('a script typed in the integrated terminal logs a run through MLFLOW_TRACKING_URI alone', async () => {
  await wb.newTerminal();
  await wb.typeInTerminal('echo "uri=$MLFLOW_TRACKING_URI"');
  const o = owner();
  await waitUntil('the terminal to echo the tracking URI', async () => (await wb.terminalText()).includes(`uri=http://127.0.0.1:${o.port}`));
  await wb.typeInTerminal('python3 train.py --experiment demo --run-name first-run --steps 10 --lr 0.01 --children 1');
  const out = await waitUntil('the script to log its run', async () => /RUN_ID=[0-9a-f]{32}/.exec(await wb.terminalText()), 60_000);
  assert.ok(out);
  await shot('02-terminal-logged-run');
  const run = await runByName('first-run');
  assert.equal(run?.data.params?.find((p) => p.key === 'lr')?.value, '0.01');
});

step('the run appears in the Experiments tree with its params, metrics, tags and artifacts', async () => {
  await wb.activityItem('MLflow').click();
  const pane = wb.pane('Experiments');
  await wb.expand(wb.row(pane, 'demo'));
  const run = wb.row(pane, 'first-run');
  await run.waitFor({ timeout: 30_000 });
  assert.match(await wb.description(run), /just now|min ago/);
  assert.match(await wb.description(run), /1 nested/);
  // The child run hangs under its parent, not beside it.
  assert.equal(await wb.row(pane, 'first-run-trial-1').count(), 0);
  await wb.expand(run);
  await wb.row(pane, 'first-run-trial-1').waitFor();
  await wb.expand(wb.row(pane, 'Parameters'));
  assert.equal(await wb.description(wb.row(pane, 'lr')), '0.01');
  assert.equal(await wb.description(wb.row(pane, 'steps')), '10');
  await wb.expand(wb.row(pane, 'Metrics'));
  // loss = 1/(1+step) over steps 0..9; accuracy = 1 - loss/2.
  await waitUntil('the loss summary', async () => (await wb.description(wb.row(pane, 'loss'))) === '0.1 · min 0.1 · max 1');
  assert.equal(await wb.description(wb.row(pane, 'accuracy')), '0.95 · min 0.5 · max 0.95');
  await wb.expand(wb.row(pane, 'Tags'));
  assert.equal(await wb.description(wb.row(pane, 'team')), 'vision');
  await wb.expand(wb.row(pane, 'Artifacts'));
  await wb.row(pane, 'notes.txt').waitFor();
  const model = wb.row(pane, 'model');
  assert.equal(await wb.description(model), 'MLflow model');
  await wb.expand(model);
  await wb.row(pane, 'MLmodel').waitFor();
  await shot('03-experiments-tree-run-values');
  // An artifact opens in an editor (the MLmodel as the real file in the store, so the language server sees it).
  await wb.row(pane, 'MLmodel').click();
  await wb.page.locator('.tabs-container .tab', { hasText: 'MLmodel' }).first().waitFor({ timeout: 20_000 });
  await wb.page.locator('.monaco-editor .view-lines', { hasText: 'loader_module' }).first().waitFor({ timeout: 20_000 });
  // Opened as the MLmodel language, so the language server validates it.
  await wb.statusItem(/^MLmodel$/).waitFor({ timeout: 20_000 });
  await shot('04-mlmodel-artifact-editor');
});

step('rename, delete and restore a run from the tree', async () => {
  const pane = wb.pane('Experiments');
  await wb.contextMenu(wb.row(pane, 'first-run'), 'Rename Run…');
  await wb.answerInput('renamed-run');
  await wb.row(pane, 'renamed-run').waitFor({ timeout: 20_000 });
  assert.equal((await runByName('renamed-run'))?.info.lifecycle_stage, 'active');
  await shot('05-run-renamed');

  await wb.contextMenu(wb.row(pane, 'renamed-run'), 'Delete Run');
  await wb.row(pane, 'renamed-run').waitFor({ state: 'detached', timeout: 20_000 });
  assert.equal((await runByName('renamed-run'))?.info.lifecycle_stage, 'deleted');

  await wb.runCommand('MLflow: Show Deleted Experiments and Runs');
  const deleted = wb.row(pane, 'renamed-run');
  await waitUntil('the deleted run to show as deleted', async () => /deleted/.test(await wb.description(deleted)));
  await shot('06-run-deleted-shown');
  await wb.contextMenu(deleted, 'Restore Run');
  await waitUntil('the run to be restored', async () => !/deleted/.test(await wb.description(wb.row(pane, 'renamed-run'))));
  assert.equal((await runByName('renamed-run'))?.info.lifecycle_stage, 'active');
  await wb.runCommand('MLflow: Hide Deleted Experiments and Runs');
  await wb.clearNotifications();
});

step('create an experiment', async () => {
  await wb.runCommand('MLflow: Create Experiment…');
  await wb.answerInput('e2e-created');
  const pane = wb.pane('Experiments');
  await wb.row(pane, 'e2e-created').waitFor({ timeout: 20_000 });
  const found = await rest<{ experiment: { name: string } }>('GET', 'experiments/get-by-name', { experiment_name: 'e2e-created' });
  assert.equal(found.experiment.name, 'e2e-created');
  await shot('07-experiment-created');
});

step("register a model from the run's MLmodel folder and set an alias; it shows in the Models tree", async () => {
  const pane = wb.pane('Experiments');
  const run = wb.row(pane, 'renamed-run');
  await wb.expand(run);
  await wb.expand(wb.row(pane, 'Artifacts'));
  await wb.contextMenu(wb.row(pane, 'model'), 'Register Model…');
  await wb.answerInput('e2e-model');
  await wb.notification(/Registered e2e-model version 1/).waitFor({ timeout: 30_000 });
  const models = wb.pane('Models');
  await wb.expand(wb.row(models, 'e2e-model'));
  const version = wb.row(models, 'Version 1');
  await version.waitFor({ timeout: 20_000 });
  await wb.contextMenu(version, 'Set Alias…');
  await wb.answerInput('champion');
  await waitUntil('the alias on the version row', async () => (await wb.description(wb.row(models, 'Version 1'))).startsWith('@champion'));
  const viaRest = await rest<{ model_version: { version: string; run_id: string } }>('GET', 'registered-models/alias', { name: 'e2e-model', alias: 'champion' });
  assert.equal(viaRest.model_version.version, '1');
  assert.equal(viaRest.model_version.run_id, (await runByName('renamed-run'))?.info.run_id);
  await wb.clearNotifications();
  await shot('08-models-tree-alias');
  // The version links to its source run: following it selects the run in the Experiments view.
  await wb.expand(wb.row(models, 'Version 1'));
  await wb.row(models, 'Source run').click();
  await waitUntil('the source run to be revealed', async () => (await wb.row(wb.pane('Experiments'), 'renamed-run').getAttribute('aria-selected')) === 'true');
});

step('a second window on the same workspace sees the same runs and logs without losing anything', async () => {
  const page2 = await session.browser.newPage();
  wb2 = new WorkbenchPage(page2);
  session.windows.push(wb2);
  await wb2.open(session.server.url, session.server.dirs.workspace);
  const o = owner();
  // The second window's extension host finds the store owned and becomes a client of the first one's server.
  const item = wb2.statusItem(new RegExp(`MLflow 127\\.0\\.0\\.1:${o.port}`));
  await item.waitFor({ timeout: 90_000 });
  assert.equal(await item.locator('.codicon-plug').count(), 1, 'the second window is a client');
  assert.equal(owner().pid, o.pid, 'the first window still owns the store');
  await wb2.activityItem('MLflow').click();
  const pane2 = wb2.pane('Experiments');
  await wb2.expand(wb2.row(pane2, 'demo'));
  await wb2.row(pane2, 'renamed-run').waitFor({ timeout: 30_000 });
  await shot('09-second-window', wb2);

  // Both windows log at once: 150 steps each, one request per point. Meanwhile the first window's tree
  // refreshes live; what is expanded and selected there must stay so.
  const pane1 = wb.pane('Experiments');
  await wb.row(pane1, 'notes.txt').click();
  await waitUntil('notes.txt to be selected', async () => (await wb.row(pane1, 'notes.txt').getAttribute('aria-selected')) === 'true');
  await wb2.newTerminal();
  await wb.typeInTerminal('clear');
  await wb.typeInTerminal('python3 train.py --experiment demo --run-name from-window-1 --steps 150');
  await wb2.typeInTerminal('python3 train.py --experiment demo --run-name from-window-2 --steps 150');
  for (const [p, name] of [[wb, 'from-window-1'], [wb2, 'from-window-2']] as const) {
    await waitUntil(`${name} to finish`, async () => new RegExp(`logged run ${name} RUN_ID=`).test(await p.terminalText()), 120_000);
  }
  for (const name of ['from-window-1', 'from-window-2']) {
    const run = await runByName(name);
    for (const key of ['loss', 'accuracy']) {
      const history = await rest<{ metrics?: unknown[] }>('GET', 'metrics/get-history', { run_id: run!.info.run_id, metric_key: key });
      assert.equal(history.metrics?.length, 150, `${name} ${key}: every point arrived`);
    }
  }
  // Both trees show both runs: the owner refreshes on its server's writes, the client polls.
  for (const [p, pane] of [[wb, pane1], [wb2, pane2]] as const) {
    await p.row(pane, 'from-window-1').waitFor({ timeout: 30_000 });
    await p.row(pane, 'from-window-2').waitFor({ timeout: 30_000 });
    await waitUntil('both runs to show as finished', async () => (await pane.locator('.monaco-list-row .codicon-sync').count()) === 0, 30_000);
  }
  assert.equal(await wb.row(pane1, 'renamed-run').getAttribute('aria-expanded'), 'true', 'expansion kept through live refreshes');
  assert.equal(await wb.row(pane1, 'notes.txt').getAttribute('aria-selected'), 'true', 'selection kept through live refreshes');
  await shot('10-first-window-after-concurrent-logging');
  await shot('11-second-window-after-concurrent-logging', wb2);
});

step('gc: a run deleted in the tree is removed for good by the palette command, after a modal naming it', async () => {
  await wb.page.bringToFront();
  const pane = wb.pane('Experiments');
  const run = await runByName('from-window-2');
  assert.ok(run);
  const artifacts = join(session.server.dirs.workspace, '.mlflow', 'artifacts');
  const exp = (await rest<{ run: { info: { experiment_id: string } } }>('GET', 'runs/get', { run_id: run.info.run_id })).run.info.experiment_id;
  const folder = join(artifacts, exp, run.info.run_id);
  assert.ok(existsSync(folder), 'the run has an artifact folder before gc');
  await wb.contextMenu(wb.row(pane, 'from-window-2'), 'Delete Run');
  await wb.row(pane, 'from-window-2').waitFor({ state: 'detached', timeout: 20_000 });
  await wb.clearNotifications();
  await wb.runCommand('MLflow: Remove Deleted Runs Permanently (gc)…');
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 20_000 });
  assert.match(await dialog.innerText(), /Permanently remove 1 run from workspace\?/);
  await shot('12a-gc-confirmation');
  await dialog.locator('.monaco-button', { hasText: 'Remove Permanently' }).click();
  await wb.notification(/Removed 1 run\. The store went from/).waitFor({ timeout: 30_000 });
  assert.equal(await runByName('from-window-2'), undefined, 'gone from every view type over REST');
  assert.ok(!existsSync(folder), 'its artifact folder is gone');
  await wb.runCommand('MLflow: Show Deleted Experiments and Runs');
  await wb.row(pane, 'from-window-1').waitFor({ timeout: 20_000 });
  assert.equal(await wb.row(pane, 'from-window-2').count(), 0, 'not in the deleted view either');
  await wb.runCommand('MLflow: Hide Deleted Experiments and Runs');
  await wb.clearNotifications();
});

step('thousands of runs: an experiment shows a page and loads more on demand', async () => {
  // 230 runs, made through the API (the harness plays a sweep script): three pages of 100.
  const { experiment_id: exp } = await rest<{ experiment_id: string }>('POST', 'experiments/create', { name: 'sweep' });
  const names = Array.from({ length: 230 }, (_, i) => `sweep-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(names.slice(i, i + 10).map((run_name, j) => rest('POST', 'runs/create', { experiment_id: exp, run_name, start_time: 1_700_000_000_000 + i + j })));
  }
  await wb.page.bringToFront();
  const pane = wb.pane('Experiments');
  await wb.viewAction(pane, 'Collapse All');
  await wb.expand(wb.row(pane, 'sweep'));
  await wb.row(pane, 'sweep-229').waitFor({ timeout: 30_000 });
  const list = pane.locator('.monaco-list').first();
  // The tree is virtualised: scroll until a row is rendered.
  const scrollTo = async (label: string): Promise<void> => {
    await list.hover();
    await waitUntil(`the row "${label}"`, async () => {
      if (await wb.row(pane, label).count()) return true;
      await wb.page.mouse.wheel(0, 400);
      return false;
    }, 60_000);
  };
  for (const shown of [100, 200]) {
    await scrollTo('Load more runs…');
    assert.equal(await wb.row(pane, `sweep-${String(230 - shown).padStart(3, '0')}`).count(), 1, `the ${shown}th run is the last one shown`);
    await wb.row(pane, 'Load more runs…').click();
    await scrollTo(`sweep-${String(229 - shown).padStart(3, '0')}`);
  }
  await scrollTo('sweep-000');
  assert.equal(await wb.row(pane, 'Load more runs…').count(), 0, 'all 230 runs shown, nothing more to load');
  await shot('12-paged-experiment');
});

step('multi-root: each folder has its own store, tree branch and terminal environment', async () => {
  // A second folder beside the first, opened together in a third window (a .code-workspace file).
  const other = join(session.server.dirs.root, 'workspace-b');
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, 'README.md'), '# a second folder\n');
  const file = join(session.server.dirs.root, 'multi.code-workspace');
  writeFileSync(file, JSON.stringify({ folders: [{ path: session.server.dirs.workspace }, { path: other }] }));
  const page3 = await session.browser.newPage();
  const wb3 = new WorkbenchPage(page3);
  session.windows.push(wb3);
  await page3.goto(`${session.server.url}/?workspace=${encodeURIComponent(file)}`);
  await page3.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  // The first folder's store is owned by the first window: this one is its client. The second folder's
  // store is new: this window owns it.
  await wb3.statusItem(new RegExp(`MLflow 127\\.0\\.0\\.1:${owner().port}`)).waitFor({ timeout: 90_000 });
  const otherLock = join(other, '.mlflow', 'owner.lock');
  const otherOwner = await waitUntil('the second folder to get its own server', async () => existsSync(otherLock) && (JSON.parse(readFileSync(otherLock, 'utf8')) as Owner).port ? (JSON.parse(readFileSync(otherLock, 'utf8')) as Owner) : undefined);
  assert.notEqual(otherOwner.port, owner().port);
  await wb3.activityItem('MLflow').click();
  const pane = wb3.pane('Experiments');
  await wb3.row(pane, 'workspace').waitFor({ timeout: 30_000 });
  await wb3.row(pane, 'workspace-b').waitFor();
  await wb3.row(pane, 'demo').waitFor({ timeout: 30_000 });

  // Working in the second folder (its file in the editor): the status bar shows that folder's own server, and
  // a terminal opened there points at it. (In a remote window such as code-server, VS Code scopes a terminal's
  // environment by the folder last worked in; on the desktop by the terminal's folder.)
  await page3.keyboard.press('Control+P');
  await wb3.quickInputBox.waitFor({ state: 'visible' });
  await wb3.quickInputBox.fill('README.md');
  await wb3.clickQuickInputRow(wb3.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'workspace-b' }).first());
  await page3.locator('.tabs-container .tab', { hasText: 'README.md' }).first().waitFor({ timeout: 20_000 });
  const ownStatus = wb3.statusItem(new RegExp(`MLflow 127\\.0\\.0\\.1:${otherOwner.port}`));
  await ownStatus.waitFor({ timeout: 20_000 });
  assert.equal(await ownStatus.locator('.codicon-beaker').count(), 1, 'this window owns the second folder\'s store');
  await wb3.runCommand('Terminal: Create New Terminal');
  const folderPick = wb3.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'workspace-b' }).first();
  await wb3.clickQuickInputRow(folderPick);
  await waitUntil('a shell prompt', async () => /[#$]\s*$/m.test(await wb3.terminalText()), 30_000);
  await wb3.typeInTerminal(`python3 ${join(session.server.dirs.workspace, 'train.py')} --experiment in-folder-b --run-name b-run --steps 3`);
  await waitUntil('the run in folder b', async () => new RegExp(`logged run b-run RUN_ID=\\w+ to http://127\\.0\\.0\\.1:${otherOwner.port}`).test(await wb3.terminalText()), 60_000);
  await wb3.expand(wb3.row(pane, 'in-folder-b'));
  await wb3.row(pane, 'b-run').waitFor({ timeout: 30_000 });
  await shot('13-multi-root', wb3);
});
