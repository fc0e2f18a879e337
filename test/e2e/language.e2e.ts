// The language server as users meet it in a real VS Code (code-server + chromium): an MLproject and a
// python_env.yaml with MLflow mistakes get diagnostics in the editor and the Problems view, quick fixes
// repair them, completion offers the entry point's parameters inside a command, hover tells a required
// parameter, and the TextMate grammar scopes a {placeholder}. Screenshots: .e2e/screenshots-language.
//
// Run: npm run test:e2e -- language
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_DIR, E2ESession, FIXTURES } from './harness/session';
import { waitUntil, WorkbenchPage } from './harness/workbenchPage';

const session = E2ESession.register({
  name: 'language',
  fixture: join(FIXTURES, 'language-workspace'),
  screenshots: process.env.E2E_SCREENSHOTS ? join(process.env.E2E_SCREENSHOTS, 'language') : join(E2E_DIR, 'screenshots-language'),
}, (s) => {
  wb = s.wb;
});
const step = session.step.bind(session);
let wb: WorkbenchPage;

const UNDECLARED = /'\{seed\}' is not a parameter of entry point 'main'/;
const PYTHON_NUMBER = /Unquoted, 3\.10 is the number 3\.1, not the version 3\.10/;

async function problemsMatching(pattern: RegExp, present: boolean): Promise<string[]> {
  return waitUntil(`the Problems view ${present ? 'to list' : 'to drop'} ${pattern}`, async () => {
    const rows = await wb.problems();
    return rows.some((r) => pattern.test(r)) === present ? rows : undefined;
  });
}

/** Applies the quick fix titled `title` at the cursor (Quick Fix… from the palette, then the fix's row). */
async function quickFix(title: string): Promise<void> {
  await wb.runCommand('Quick Fix...');
  const item = wb.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  await item.waitFor({ timeout: 20_000 });
  // The action widget puts a pointer block over the page while open: choose with the keyboard.
  await waitUntil(`the fix "${title}" to be focused`, async () => {
    if ((await item.getAttribute('class'))?.split(/\s+/).includes('focused')) return true;
    await wb.page.keyboard.press('ArrowDown');
    return false;
  });
  await wb.page.keyboard.press('Enter');
}

/** The 1-based number and text of the first editor line containing `fragment` (these files fit the screen). */
async function lineWith(fragment: string): Promise<{ line: number; text: string }> {
  const lines = await wb.editorLines();
  const index = lines.findIndex((l) => l.includes(fragment));
  assert.ok(index >= 0, `no line with ${fragment}: ${lines.join(' / ')}`);
  return { line: index + 1, text: lines[index] };
}

step('the workspace opens and the MLproject gets its diagnostics: in the editor and the Problems view', async () => {
  await wb.open(session.server.url, session.workspace);
  await wb.openFile('MLproject');
  await wb.editor.locator('.squiggly-error').first().waitFor({ timeout: 90_000 });
  const rows = await problemsMatching(UNDECLARED, true);
  assert.ok(rows.some((r) => /undeclared-placeholder/.test(r)), `the rule's code is shown: ${rows.join(' | ')}`);
  assert.ok(!rows.some((r) => /'\{alpha\}'|'\{epochs\}'/.test(r)), 'declared parameters are not reported');
  await session.shot('01-mlproject-diagnostics');
});

step('hover on a parameter without a default says it is required', async () => {
  await wb.page.locator('.tabs-container .tab', { hasText: 'MLproject' }).first().click();
  const { line } = await lineWith('epochs: {type: int}');
  await wb.goTo(line, 8); // inside `epochs`
  await wb.runCommand('Show or Focus Hover');
  const hover = wb.page.locator('.monaco-hover').filter({ hasText: /epochs/ }).first();
  await hover.waitFor({ timeout: 20_000 });
  const text = await hover.innerText();
  assert.match(text, /int/);
  assert.match(text, /required/i);
  await session.shot('02-hover-required');
  await wb.page.keyboard.press('Escape');
});

step('completion inside a command offers the entry point\'s parameters', async () => {
  const { line, text } = await lineWith('command:');
  await wb.goTo(line, text.lastIndexOf('"') + 1); // before the closing quote of the command
  await wb.page.keyboard.type(' --a {');
  const suggest = wb.page.locator('.suggest-widget.visible');
  await suggest.waitFor({ timeout: 20_000 }).catch(async () => {
    await wb.runCommand('Trigger Suggest');
    await suggest.waitFor({ timeout: 20_000 });
  });
  const labels = await suggest.locator('.monaco-list-row .label-name').allInnerTexts();
  assert.ok(labels.includes('alpha') && labels.includes('epochs'), `suggestions: ${labels.join(', ')}`);
  await session.shot('03-completion-parameters');
  await wb.page.keyboard.press('Escape');
  // Undo the typing (a few undo stops: the words, the auto-closed brace) until the line is as it was.
  await waitUntil('the typed text to be undone', async () => {
    if ((await wb.editorLines())[line - 1] === text) return true;
    await wb.page.keyboard.press('Control+Z');
    return false;
  });
});

step('quick fix: declaring the missing parameter clears the error', async () => {
  const { line, text } = await lineWith('{seed}');
  await wb.goTo(line, text.indexOf('{seed}') + 3);
  await quickFix("Declare parameter 'seed'");
  await waitUntil('seed declared under parameters', async () => (await wb.editorLines()).some((l) => /^\s+seed:/.test(l)));
  await problemsMatching(UNDECLARED, false);
  await wb.runCommand('File: Save');
  await waitUntil('the fix saved to disk', async () => /\n\s+seed:/.test(readFileSync(join(session.workspace, 'MLproject'), 'utf8')));
  await session.shot('04-quick-fix-declared');
});

step('python_env.yaml: an unquoted 3.10 is the number 3.1, and the quick fix quotes it', async () => {
  await wb.openFile('python_env.yaml');
  await problemsMatching(PYTHON_NUMBER, true);
  await wb.page.locator('.tabs-container .tab', { hasText: 'python_env.yaml' }).first().click();
  await wb.goTo(1, 10);
  await quickFix('Quote the version: "3.10"');
  await waitUntil('the version quoted', async () => (await wb.editorLines()).some((l) => l.trim() === 'python: "3.10"'));
  await problemsMatching(PYTHON_NUMBER, false);
  await session.shot('05-python-version-quoted');
});

step('the grammar scopes a {placeholder} inside a command', async () => {
  await wb.openFile('MLproject');
  const { line, text } = await lineWith('{alpha}');
  await wb.goTo(line, text.indexOf('{alpha}') + 3);
  await wb.runCommand('Developer: Inspect Editor Tokens and Scopes');
  const widget = wb.page.locator('.token-inspect-widget').first();
  await widget.waitFor({ timeout: 20_000 });
  const scopes = await widget.innerText();
  assert.match(scopes, /placeholder\.mlproject/, scopes);
  await session.shot('06-placeholder-scope');
  await wb.page.keyboard.press('Escape');
});
