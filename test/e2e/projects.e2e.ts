// MLflow Projects end to end in a real VS Code (code-server + chromium, same harness as workbench.e2e.ts):
// "MLflow: Run Entry Point…" from the palette with a parameter typed in (and a bad value refused as it is
// typed), the task's output in its terminal, the run RUNNING and then FINISHED in the Experiments tree with
// the typed parameter; then "Run" from the code lens above the entry point, which reuses the last values.
// Screenshots land in .e2e/screenshots-projects (FAIL-<step>.png on a failure).
//
// Run: npm run test:e2e (all specs), or with E2E_VSIX set: node --import tsx --test test/e2e/projects.e2e.ts
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_DIR, E2ESession, FIXTURES } from './harness/session';
import { waitUntil, WorkbenchPage } from './harness/workbenchPage';

const session = E2ESession.register({
  name: 'projects',
  fixture: join(FIXTURES, 'projects-workspace'),
  screenshots: process.env.E2E_SCREENSHOTS ? join(process.env.E2E_SCREENSHOTS, 'projects') : join(E2E_DIR, 'screenshots-projects'),
  stepTimeoutMs: 240_000,
}, (s) => {
  wb = s.wb;
});
const step = session.step.bind(session);
const shot = (name: string): Promise<void> => session.shot(name);
const rest = session.rest.bind(session);
let wb: WorkbenchPage;

interface RestRun {
  info: { run_id: string; run_name: string; status: string; start_time: number; artifact_uri: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}

async function projectRuns(): Promise<RestRun[]> {
  const exp = await rest<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: 'projects-e2e' });
  const r = await rest<{ runs?: RestRun[] }>('POST', 'runs/search', { experiment_ids: [exp.experiment.experiment_id], order_by: ['attributes.start_time DESC'] });
  return r.runs ?? [];
}

const value = (pairs: { key: string; value: string }[] | undefined, key: string): string | undefined => pairs?.find((p) => p.key === key)?.value;


/** Answers one input box of a chain: the next quick input replaces it, so wait for `next` rather than for it to close. */
async function answer(text: string, prompt?: RegExp): Promise<void> {
  await wb.quickInputBox.waitFor({ state: 'visible', timeout: 20_000 });
  // The widget stays up between inputs: wait until it shows this input's prompt, or the text goes to the previous one.
  if (prompt) await wb.quickInput.filter({ hasText: prompt }).first().waitFor({ timeout: 20_000 });
  await wb.quickInputBox.fill(text);
  await wb.quickInputBox.press('Enter');
}

/** A quick pick row whose label is exactly `label` (the task picker lists recent "mlflow: …" tasks above the "mlflow" type). */
async function pickExactRow(label: string): Promise<void> {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = wb.quickInput.locator('.quick-input-list .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: exact }) }).first();
  await wb.clickQuickInputRow(row);
}

async function waitForTitle(title: RegExp): Promise<void> {
  await wb.quickInput.locator('.quick-input-title').filter({ hasText: title }).first().waitFor({ timeout: 20_000 });
}

step('the project workspace opens and its tracking server starts', async () => {
  await wb.open(session.server.url, session.server.dirs.workspace);
  await wb.statusItem(/MLflow 127\.0\.0\.1:\d+/).waitFor({ timeout: 90_000 });
});

step('Run Entry Point… from the palette: a bad float is flagged as typed (MLflow would pass it: Enter runs anyway), the typed value runs, the task shows the output', async () => {
  await wb.runCommand('MLflow: Run Entry Point…');
  await waitForTitle(/Run e2e-project: main \(1\/2\)/);
  assert.equal(await wb.quickInputBox.inputValue(), '0.5', 'the default is filled in');
  await wb.quickInputBox.fill('fast');
  await wb.quickInput.locator('.quick-input-message').filter({ hasText: /'alpha' is a float: "fast" is not a number[\s\S]*Press Enter to run anyway/ }).first().waitFor({ timeout: 10_000 });
  await shot('p01-palette-parameter-type-checked');
  await answer('0.75');
  await waitForTitle(/\(2\/2\)/);
  assert.equal(await wb.quickInputBox.inputValue(), 'baseline');
  await answer('from palette');
  await wb.pickQuickInputRow("MLflow's default: virtualenv");
  await wb.pickQuickInputRow('New experiment…');
  await answer('projects-e2e', /Name of the new experiment/);
  await answer('palette-run', /Run name \(optional\)/);
  // The task's terminal: the environment is created, then the command runs in the run.
  await waitUntil('the entry point to start', async () => (await wb.terminalText()).includes('waiting for release'), 120_000);
  // The terminal wraps long lines: join them before matching.
  const text = (await wb.terminalText()).replace(/\n/g, '');
  assert.match(text, /Creating a new environment in \S+mlflow-[0-9a-f]{40}/);
  assert.match(text, /training with alpha=0\.75 label='from palette'/);
  await shot('p02-task-terminal-output');
});

step('the run shows RUNNING in the Experiments tree, then FINISHED with the typed parameter', async () => {
  const [run] = await projectRuns();
  assert.equal(run.info.run_name, 'palette-run');
  assert.equal(run.info.status, 'RUNNING');
  await wb.activityItem('MLflow').click();
  const pane = wb.pane('Experiments');
  await wb.expand(wb.row(pane, 'projects-e2e'));
  const row = wb.row(pane, 'palette-run');
  await row.locator('.codicon-sync').waitFor({ timeout: 30_000 });
  await shot('p03-run-running-in-tree');

  writeFileSync(join(session.server.dirs.workspace, 'release'), '');
  await waitUntil('the task to report success', async () => /=== Run \(ID '\w+'\) succeeded ===/.test(await wb.terminalText()), 60_000);
  await row.locator('.codicon-pass').waitFor({ timeout: 30_000 });
  await wb.expand(row);
  await wb.expand(wb.row(pane, 'Parameters'));
  assert.equal(await wb.description(wb.row(pane, 'alpha')), '0.75');
  assert.equal(await wb.description(wb.row(pane, 'label')), "'from palette'");
  await shot('p04-run-finished-with-typed-parameter');

  const [done] = await projectRuns();
  assert.equal(done.info.status, 'FINISHED');
  assert.equal(value(done.data.params, 'alpha'), '0.75');
  assert.equal(value(done.data.tags, 'mlflow.source.type'), 'PROJECT');
  assert.equal(value(done.data.tags, 'mlflow.project.entryPoint'), 'main');
  assert.equal(value(done.data.tags, 'mlflow.project.env'), 'virtualenv');
  const history = await rest<{ metrics?: unknown[] }>('GET', 'metrics/get-history', { run_id: done.info.run_id, metric_key: 'loss' });
  assert.equal(history.metrics?.length, 5);
  const artifacts = await rest<{ files?: { path: string }[] }>('GET', 'artifacts/list', { run_id: done.info.run_id });
  assert.ok(artifacts.files?.some((f) => f.path === 'mlflow-project-output.log'), 'the output log is an artifact of the run');
});

step('"Run" from the code lens above the entry point reuses the last values', async () => {
  await wb.page.keyboard.press('Escape');
  await wb.page.keyboard.press('Control+P');
  await wb.quickInputBox.waitFor({ state: 'visible' });
  await wb.quickInputBox.fill('MLproject');
  await wb.pickQuickInputRow('MLproject');
  const lens = wb.page.locator('.codelens-decoration a', { hasText: /^\s*Run\s*$/ }).first();
  await lens.waitFor({ timeout: 30_000 });
  await wb.page.locator('.codelens-decoration a', { hasText: 'Run with parameters…' }).first().waitFor();
  await shot('p05-code-lenses');
  await lens.click();
  await waitUntil('the second run to finish', async () => (await projectRuns()).length === 2 && (await projectRuns())[0].info.status === 'FINISHED', 120_000);
  const [second] = await projectRuns();
  assert.equal(value(second.data.params, 'alpha'), '0.75', 'the last typed value');
  assert.equal(value(second.data.params, 'label'), "'from palette'");
  await waitUntil('the terminal to show the reused environment', async () => /already exists/.test(await wb.terminalText()), 30_000);
  const pane = wb.pane('Experiments');
  await wb.row(pane, second.info.run_name).locator('.codicon-pass').waitFor({ timeout: 30_000 });
  await shot('p06-code-lens-run-finished');
});

step('the task list offers every entry point; a tasks.json entry runs, a misconfigured one is refused with the reason', async () => {
  await wb.runCommand('Tasks: Run Task');
  await pickExactRow('mlflow');
  // The second level (it has "Go back"): the tasks of type mlflow, ours and the tasks.json ones.
  await wb.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'Go back' }).first().waitFor({ timeout: 30_000 });
  for (const label of [/^\s*mlflow: e2e-project: main\s*$/, /^\s*train from tasks\.json\s*$/]) {
    await wb.quickInput.locator('.quick-input-list .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: label }) }).first().waitFor({ timeout: 30_000 });
  }
  await shot('p07-provided-tasks');
  await wb.page.keyboard.press('Escape');
  await wb.quickInputBox.waitFor({ state: 'hidden', timeout: 10_000 });

  await wb.runCommand('Tasks: Run Task');
  await pickExactRow('train from tasks.json');
  const run = await waitUntil(
    'the tasks.json run to finish',
    async () => {
      const exp = await rest<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: 'from-tasks-json' });
      const r = await rest<{ runs?: RestRun[] }>('POST', 'runs/search', { experiment_ids: [exp.experiment.experiment_id] });
      return r.runs?.find((x) => x.info.status === 'FINISHED');
    },
    120_000,
  );
  assert.equal(run.info.run_name, 'tasks-json-run');
  assert.equal(value(run.data.params, 'alpha'), '0.25', 'a JSON number arrives as mlflow run -P would pass it');
  assert.equal(value(run.data.params, 'label'), "'tasks json'");
  assert.equal(value(run.data.tags, 'mlflow.project.env'), undefined, 'envManager local: no environment');
  await waitUntil('the task terminal to show the run', async () => (await wb.terminalText()).includes(`=== Run (ID '${run.info.run_id}') succeeded ===`), 30_000);
  await shot('p08-tasks-json-run');

  await wb.runCommand('Tasks: Run Task');
  await pickExactRow('misconfigured');
  await waitUntil('the refusal', async () => /'envManager' must be one of local, virtualenv, uv, conda\./.test(await wb.terminalText()), 30_000);
  await shot('p09-misconfigured-task-refused');
});

step('terminating the task ends the process and the run KILLED', async () => {
  rmSync(join(session.server.dirs.workspace, 'release'), { force: true });
  const before = (await projectRuns()).length;
  await wb.runCommand('MLflow: Run Entry Point…');
  await answer('0.5', /alpha: float/);
  await answer('terminate me', /label: string/);
  await wb.pickQuickInputRow('local');
  await wb.pickQuickInputRow('projects-e2e');
  await answer('to-terminate', /Run name \(optional\)/);
  await waitUntil('the entry point to wait', async () => (await wb.terminalText()).includes("label='terminate me'"), 60_000);
  const running = await waitUntil('the run to be RUNNING', async () => (await projectRuns()).find((r) => r.info.run_name === 'to-terminate' && r.info.status === 'RUNNING'));
  await wb.runCommand('Tasks: Terminate Task');
  await wb.pickQuickInputRow('mlflow: e2e-project: main'); // VS Code asks which task, even when one runs
  const killed = await waitUntil('the run to end KILLED', async () => (await projectRuns()).find((r) => r.info.run_id === running.info.run_id && r.info.status === 'KILLED'), 60_000);
  assert.equal((await projectRuns()).length, before + 1);
  const artifacts = await rest<{ files?: { path: string }[] }>('GET', 'artifacts/list', { run_id: killed.info.run_id });
  assert.ok(artifacts.files?.some((f) => f.path === 'mlflow-project-output.log'), 'the output log is attached to the killed run too');
  await wb.row(wb.pane('Experiments'), 'to-terminate').locator('.codicon-circle-slash').waitFor({ timeout: 30_000 });
  await shot('p10-terminated-run-killed');
});
