// Drives one VS Code workbench page: the palette, quick inputs, tree rows, context menus, notifications and
// the integrated terminal. Selectors follow VS Code 1.100's DOM (see ../shared/e2e/README.md §5).
import type { Locator, Page } from 'playwright-core';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false | null | ''>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export class WorkbenchPage {
  readonly quickInput: Locator;
  readonly quickInputBox: Locator;
  readonly sidebar: Locator;
  readonly statusBar: Locator;

  constructor(readonly page: Page) {
    this.quickInput = page.locator('.quick-input-widget');
    this.quickInputBox = this.quickInput.locator('.quick-input-box input');
    // Workbench part ids contain dots: [id="…"], not #workbench.parts.sidebar.
    this.sidebar = page.locator('[id="workbench.parts.sidebar"]');
    this.statusBar = page.locator('[id="workbench.parts.statusbar"]');
  }

  async open(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  }

  activityItem(title: string): Locator {
    return this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
  }

  /** The status bar entry whose text matches. */
  statusItem(text: RegExp): Locator {
    return this.statusBar.locator('.statusbar-item').filter({ hasText: text }).first();
  }

  async runCommand(label: string): Promise<void> {
    // F1 pressed inside a webview reaches the workbench late, or not at all. So wait a little before trying again
    // from the status bar (a retry checked at once raced a late palette, and the retry's click closed it).
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.statusBar.click({ position: { x: 5, y: 5 } });
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      try {
        await this.quickInputBox.waitFor({ state: 'visible', timeout: attempt < 2 ? 5_000 : 30_000 });
        break;
      } catch (err) {
        if (attempt >= 2) throw err;
      }
    }
    await this.quickInputBox.fill(`>${label}`);
    await this.pickQuickInputRow(label);
  }

  async pickQuickInputRow(label: string): Promise<void> {
    await this.clickQuickInputRow(this.quickInput.locator('.quick-input-list .monaco-list-row', { hasText: label }).first());
  }

  /**
   * Clicks a quick pick row. The pointer is parked first: a quick pick opens under wherever the pointer was
   * left, and the hover of the row beneath it (a folder's path, say) can cover the row we want for as long as
   * the pointer stays, so a plain click would wait forever. Parking it again between attempts lets such a
   * hover close.
   */
  async clickQuickInputRow(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.mouse.move(0, 0);
      try {
        await row.click({ timeout: 5_000 });
        return;
      } catch (error) {
        if (!(await row.isVisible())) return; // the click went through and closed the picker
        if (attempt === 2) throw error;
      }
    }
  }

  /** Answers an input box (showInputBox): replaces its value and presses Enter. */
  async answerInput(value: string, expectTitle?: RegExp): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible', timeout: 20_000 });
    if (expectTitle) await this.quickInput.locator('.quick-input-title, .quick-input-message, .quick-input-header').filter({ hasText: expectTitle }).first().waitFor({ timeout: 10_000 });
    await this.quickInputBox.fill(value);
    await this.quickInputBox.press('Enter');
    await this.quickInputBox.waitFor({ state: 'hidden', timeout: 20_000 });
  }

  /** A view pane of the sidebar by its title (a container with several views shows one header per view). */
  pane(title: string): Locator {
    return this.sidebar.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }) }).first();
  }

  /** Clicks a view's title action (shown on hover), e.g. "Collapse All". */
  async viewAction(pane: Locator, label: string): Promise<void> {
    const header = pane.locator('.pane-header').first();
    await header.hover();
    await header.locator(`.actions .action-label[aria-label^="${label}"]`).first().click();
  }

  rows(pane: Locator): Locator {
    return pane.locator('.monaco-list-row[role="treeitem"]');
  }

  /** The tree row whose label is exactly `label` (descriptions are separate). */
  row(pane: Locator, label: string): Locator {
    return this.rows(pane).filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  }

  async rowTexts(pane: Locator): Promise<string[]> {
    return (await this.rows(pane).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  async description(row: Locator): Promise<string> {
    return ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim();
  }

  async expand(row: Locator): Promise<void> {
    await row.waitFor({ timeout: 30_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await waitUntil('the row to expand', async () => (await row.getAttribute('aria-expanded')) === 'true', 15_000);
    }
  }

  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu').first();
    const entry = menu.locator('.action-item').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(item)}`) }).first();
    await entry.waitFor({ state: 'visible', timeout: 10_000 });
    // A menu ignores a click that comes too soon after it opened (the right-click's own release); retry then.
    for (let attempt = 0; ; attempt++) {
      await entry.click();
      try {
        await menu.waitFor({ state: 'hidden', timeout: 2000 });
        return;
      } catch (err) {
        if (attempt === 2) throw err;
      }
    }
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  async terminalText(): Promise<string> {
    return (await this.page.locator('.terminal-wrapper.active .xterm-rows, .terminal-wrapper .xterm-rows').last().innerText().catch(() => '')) ?? '';
  }

  /** Opens a new integrated terminal and waits for its shell prompt. */
  async newTerminal(): Promise<void> {
    await this.runCommand('Terminal: Create New Terminal');
    await this.page.locator('.terminal-wrapper .xterm-rows').last().waitFor({ timeout: 30_000 });
    await waitUntil('a shell prompt', async () => /[#$]\s*$/m.test(await this.terminalText()), 30_000);
  }

  /** Types a command line into the focused terminal, as a user would. */
  async typeInTerminal(line: string): Promise<void> {
    await this.page.locator('.terminal-wrapper .xterm').last().click();
    await this.page.keyboard.type(line, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  /** Opens a workspace file by name through Quick Open and waits for its tab. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInputBox.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(name);
    await this.pickQuickInputRow(name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 20_000 });
  }

  /** The active editor. */
  get editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The visible text of the active editor, one string per line, spaces as typed. */
  async editorLines(): Promise<string[]> {
    const lines = await this.editor.locator('.view-lines .view-line').evaluateAll((els) =>
      els
        .map((el) => ({ top: parseFloat((el as HTMLElement).style.top) || 0, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );
    return lines;
  }

  /** Puts the cursor at a 1-based line and column of the active editor (Go to Line/Column). */
  async goTo(line: number, column: number): Promise<void> {
    await this.runCommand('Go to Line/Column...');
    await this.quickInputBox.fill(`:${line}:${column}`);
    await this.quickInputBox.press('Enter');
    await this.quickInputBox.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Rows of the Problems view (it is opened and focused first). */
  async problems(): Promise<string[]> {
    await this.runCommand('Problems: Focus on Problems View');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return rows.evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }
}
