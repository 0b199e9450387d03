/**
 * Drives the VS Code workbench in Debian's chromium through playwright-core, the way a user does:
 * the command palette, QuickInput steps, notifications, the Problems panel, hovers, the tree views.
 * Every wait has a deadline (a locator timeout or a poll); nothing sleeps for a fixed time.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { waitUntil } from '../../harness/processes';

/** Long enough for a slow shared CI machine, short enough that a broken step fails within a minute. */
export const STEP_TIMEOUT_MS = 30_000;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface WorkbenchOptions {
  chromiumPath: string;
  url: string;
  screenshotDir: string;
  /** Browser console lines and page errors are appended here for post-mortems. */
  consoleLog: string[];
}

export interface Problem {
  severity: 'error' | 'warning' | 'info' | 'unknown';
  /** The file row the problem is listed under (its base name). */
  file: string;
  /** The row's text as VS Code renders it: message, source and code, position. */
  text: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  private screenshotCount = 0;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /** Opens the workbench and waits until the workspace's Explorer is up. */
  static async open(options: WorkbenchOptions): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath: options.chromiumPath, args: CHROMIUM_ARGS, headless: true });
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
      // Clipboard commands (Copy Endpoint) need the permission in a headless browser.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(options.url).origin });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.on('console', (message) => options.consoleLog.push(`[${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => options.consoleLog.push(`[pageerror] ${error.message}`));
      // The first load fetches the whole workbench bundle: generous on a busy machine.
      await page.goto(options.url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      mkdirSync(options.screenshotDir, { recursive: true });
      const workbench = new Workbench(browser, page, options.screenshotDir);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
      // The status bar and the explorer's folder show the workbench has restored the workspace.
      await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
      return workbench;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /**
   * Drives an already running workbench, e.g. a desktop VS Code started with
   * `--remote-debugging-port` and reached through `chromium.connectOverCDP`.
   */
  static async attach(browser: Browser, page: Page, screenshotDir: string): Promise<Workbench> {
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    mkdirSync(screenshotDir, { recursive: true });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
    return new Workbench(browser, page, screenshotDir);
  }

  /** Closes a launched browser; for an attached one (CDP), only disconnects. */
  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Saves `NN-name.png` into the screenshot folder and returns its path. */
  async screenshot(name: string): Promise<string> {
    this.screenshotCount += 1;
    const file = path.join(this.screenshotDir, `${String(this.screenshotCount).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ---- command palette and QuickInput ---------------------------------------------------------

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /** Runs a command by its palette title, e.g. "Replicated: Add External Registry". */
  async runCommand(title: string): Promise<void> {
    await this.dismissQuickInput();
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(`>${title}`);
    // Match the row's label exactly: "Add External Registry" must not pick "Add External Registry (Portal)".
    const row = this.quickInput.locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    }).first();
    // On a busy machine the palette can open, take the text and then show its list without it (seen twice in
    // CI: the row never came in 30 s). Typing the text again makes it filter again.
    let typedAt = Date.now();
    await waitUntil(`"${title}" in the command palette`, async () => {
      if (await row.isVisible()) return true;
      if (!(await this.quickInput.isVisible())) {
        await this.page.keyboard.press('F1');
        await this.quickInput.waitFor({ state: 'visible' });
      }
      if ((await this.quickInputBox.inputValue()) !== `>${title}` || Date.now() - typedAt > 5_000) {
        await this.quickInputBox.fill(`>${title}`);
        typedAt = Date.now();
      }
      return false;
    }, 30_000, 250);
    await row.click();
  }

  /** Closes a QuickInput left open by a previous step (a failed test must not poison the next). */
  async dismissQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden' });
    }
  }

  /** Waits until the QuickInput shows a title containing `title` (e.g. "Add External Registry (2/"). */
  async waitForQuickInputTitle(title: string | RegExp): Promise<void> {
    await this.quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
  }

  /** Text of the QuickInput's current title. */
  async quickInputTitle(): Promise<string> {
    return (await this.quickInput.locator('.quick-input-title').textContent())?.trim() ?? '';
  }

  /** Types into the current step's box and accepts with Enter (input boxes and filtered pickers). */
  async answerInput(value: string, expectedTitle?: string | RegExp): Promise<void> {
    if (expectedTitle) await this.waitForQuickInputTitle(expectedTitle);
    await this.quickInputBox.fill(value);
    // A validation message would block Enter silently: fail with its text instead.
    await this.expectNoQuickInputError();
    await this.quickInputBox.press('Enter');
  }

  /** Picks the item whose label is `label` in the current step. */
  async pick(label: string | RegExp, expectedTitle?: string | RegExp): Promise<void> {
    if (expectedTitle) await this.waitForQuickInputTitle(expectedTitle);
    const labelPattern = typeof label === 'string' ? new RegExp(`^\\s*(\\$\\([^)]*\\)\\s*)?${escapeRegExp(label)}\\s*$`) : label;
    const row = this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: labelPattern }) }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** In a multi-select step, checks the items with these labels, then accepts with Enter. */
  async checkItemsAndAccept(labels: string[], expectedTitle?: string | RegExp): Promise<void> {
    if (expectedTitle) await this.waitForQuickInputTitle(expectedTitle);
    for (const label of labels) {
      const row = this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: label }) }).first();
      await row.waitFor({ state: 'visible' });
      const checkbox = row.locator('.quick-input-list-checkbox, .monaco-checkbox, input[type="checkbox"]').first();
      await checkbox.click();
      await waitUntil(`"${label}" to be checked`, async () => {
        const ariaChecked = await row.getAttribute('aria-checked');
        const boxChecked = (await checkbox.isChecked().catch(() => false)) || (await checkbox.getAttribute('aria-checked')) === 'true';
        return ariaChecked === 'true' || boxChecked;
      }, 10_000, 100);
    }
    await this.quickInputBox.press('Enter');
  }

  /**
   * In a multi-select step, makes exactly `wanted` checked (clicking only the rows whose state differs),
   * then accepts with Enter. Returns the labels that were checked when the step opened (what it preselected).
   */
  async setCheckedAndAccept(wanted: string[], expectedTitle?: string | RegExp): Promise<string[]> {
    if (expectedTitle) await this.waitForQuickInputTitle(expectedTitle);
    const rows = this.quickInput.locator('.monaco-list-row');
    // A step that keeps the previous one's title (the edit form's options) still lists that step's rows for a
    // moment: wait until the rows are the multi-select's, which have checkboxes, before reading them.
    await rows.locator('.quick-input-list-checkbox, .monaco-checkbox, input[type="checkbox"]').first().waitFor({ state: 'attached' });
    await rows.first().waitFor({ state: 'visible' });
    const preselected: string[] = [];
    for (const row of await rows.all()) {
      const label = ((await row.locator('.label-name').first().textContent()) ?? '').trim();
      if ((await row.getAttribute('aria-checked')) === 'true') preselected.push(label);
    }
    for (const row of await rows.all()) {
      const label = ((await row.locator('.label-name').first().textContent()) ?? '').trim();
      const checked = (await row.getAttribute('aria-checked')) === 'true';
      if (checked === wanted.includes(label)) continue;
      await row.locator('.quick-input-list-checkbox, .monaco-checkbox, input[type="checkbox"]').first().click();
      await waitUntil(`"${label}" to be ${checked ? 'unchecked' : 'checked'}`, async () => ((await row.getAttribute('aria-checked')) === 'true') !== checked, 10_000, 100);
    }
    await this.quickInputBox.press('Enter');
    return preselected;
  }

  /** The label of the QuickInput's focused (active) row. */
  async activeQuickPickItem(): Promise<string> {
    const row = this.quickInput.locator('.monaco-list-row.focused').first();
    await row.waitFor({ state: 'visible' });
    return ((await row.locator('.label-name').first().textContent()) ?? '').trim();
  }

  /** Texts of the QuickInput's rows (label, description and detail each). */
  async quickPickRows(): Promise<string[]> {
    const rows = this.quickInput.locator('.monaco-list-row');
    await rows.first().waitFor({ state: 'visible' });
    const texts: string[] = [];
    for (const row of await rows.all()) {
      const parts = await row.locator('.label-name, .label-description, .quick-input-list-detail').allInnerTexts();
      texts.push(parts.map((part) => part.trim()).filter(Boolean).join(' ').replace(/\s+/g, ' '));
    }
    return texts;
  }

  /** The QuickInput's validation message, if any. */
  async quickInputMessage(): Promise<string> {
    const message = this.quickInput.locator('.quick-input-message');
    return (await message.isVisible()) ? ((await message.textContent()) ?? '').trim() : '';
  }

  private async expectNoQuickInputError(): Promise<void> {
    const error = this.quickInput.locator('.monaco-inputbox.error, .quick-input-box .error');
    if ((await error.count()) > 0 && (await error.first().isVisible())) {
      throw new Error(`the QuickInput rejects the value: ${await this.quickInputMessage()}`);
    }
  }

  async waitForQuickInputClosed(): Promise<void> {
    await this.quickInput.waitFor({ state: 'hidden' });
  }

  // ---- notifications --------------------------------------------------------------------------

  /** Waits for a notification toast whose text matches, and returns its full text. */
  async waitForNotification(text: string | RegExp, timeoutMs = STEP_TIMEOUT_MS): Promise<Locator> {
    const toast = this.page.locator('.notification-toast-container, .notifications-center .notification-list-item').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    // Toasts fade in: wait for the end of the animation so screenshots show them fully drawn.
    const fadedIn = toast.locator('.notification-toast.notification-fade-in-done');
    if ((await toast.locator('.notification-toast').count()) > 0) await fadedIn.waitFor({ state: 'visible', timeout: 10_000 });
    return toast;
  }

  async notificationText(toast: Locator): Promise<string> {
    return ((await toast.innerText()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Clicks a button (action) of a notification. */
  async clickNotificationButton(toast: Locator, label: string): Promise<void> {
    await toast.locator('.monaco-button', { hasText: label }).first().click();
  }

  /** Closes every notification toast, so the next wait sees only new ones. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notification-toast-container').first().waitFor({ state: 'detached' });
  }

  // ---- modal dialogs --------------------------------------------------------------------------

  /**
   * The modal dialog's message and detail, its buttons (in the platform's order), and the default one —
   * the button the dialog focuses, which Enter presses — once it shows.
   */
  async dialog(): Promise<{ text: string; buttons: string[]; primary: string }> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    const text = ((await dialog.locator('.dialog-message-row').innerText().catch(() => dialog.innerText())) ?? '').replace(/\s+/g, ' ').trim();
    const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((label) => label.trim());
    let primary = '';
    await waitUntil('the dialog to focus its default button', async () => {
      primary = ((await this.page.evaluate<string>('document.activeElement && document.activeElement.closest(".dialog-buttons") ? document.activeElement.textContent : ""')) ?? '').trim();
      return primary !== '';
    }, 10_000, 100);
    return { text, buttons, primary };
  }

  /** Clicks a button in a modal dialog (e.g. the "Remove" confirmation). */
  async answerDialog(buttonLabel: string): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    const text = ((await dialog.innerText()) ?? '').replace(/\s+/g, ' ').trim();
    await dialog.locator('.monaco-button', { hasText: new RegExp(`^\\s*${escapeRegExp(buttonLabel)}\\s*$`) }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    return text;
  }

  // ---- views ----------------------------------------------------------------------------------

  /** Opens an activity-bar view container by its title, e.g. "Replicated". */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible' });
    // Clicking the selected container would collapse the side bar.
    const selected = ((await item.locator('xpath=..').getAttribute('class')) ?? '').split(/\s+/).includes('checked');
    if (!selected) await item.click();
    await this.page.locator('.part.sidebar .composite.title', { hasText: title.toUpperCase() }).or(
      this.page.locator('.part.sidebar .composite.title', { hasText: title })).first().waitFor({ state: 'visible' });
  }

  /** The body of a view (e.g. "Registries") in the side bar. */
  viewPane(title: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: title }) }).first();
  }

  /** The welcome content of a view (empty state), visible when the tree has no items. */
  welcomeView(viewTitle: string): Locator {
    return this.viewPane(viewTitle).locator('.welcome-view-content');
  }

  /** A tree row of a view whose text matches. */
  treeItem(viewTitle: string, label: string | RegExp): Locator {
    return this.viewPane(viewTitle).locator('.monaco-list-row').filter({ hasText: label }).first();
  }

  /** Texts of every visible row of a view's tree. */
  async treeRows(viewTitle: string): Promise<string[]> {
    const rows = this.viewPane(viewTitle).locator('.monaco-list-row');
    const texts: string[] = [];
    for (const row of await rows.all()) texts.push(((await row.getAttribute('aria-label')) ?? (await row.innerText())).trim());
    return texts;
  }

  /** Runs an inline action (icon button) or a context-menu entry of a tree row. */
  async treeItemContextMenu(row: Locator, entry: string): Promise<void> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu, .context-view .action-widget');
    await menu.waitFor({ state: 'visible' });
    await menu.locator('.action-item, .action-list-item', { hasText: entry }).first().click();
    // VS Code's menus ignore a mouse-up that comes too soon after they open (the item is then only
    // highlighted, as a re-rendered tree row can make happen); Enter runs the highlighted item, as a user would.
    const closed = await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false);
    if (!closed) {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden' });
    }
  }

  // ---- editors --------------------------------------------------------------------------------

  /** Opens a workspace file by its relative path through Quick Open. */
  async openFile(relativePath: string): Promise<void> {
    await this.runCommand('Go to File...');
    await this.quickInputBox.fill(relativePath);
    const fileName = path.basename(relativePath);
    const row = this.quickInput.locator('.monaco-list-row', { hasText: fileName }).first();
    await row.waitFor({ state: 'visible' });
    await this.quickInputBox.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ state: 'visible' });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Moves the cursor to a 1-based line and column of the active editor. */
  async goToPosition(line: number, column: number): Promise<void> {
    await this.runCommand('Go to Line/Column...');
    await this.quickInputBox.fill(`:${line}:${column}`);
    await this.quickInputBox.press('Enter');
    await this.waitForQuickInputClosed();
    await this.page.locator('.part.statusbar', { hasText: `Ln ${line}, Col ${column}` }).waitFor({ state: 'visible' });
  }

  /** Shows the hover at a 1-based position and returns its text once it matches `expected`. */
  async hoverAt(line: number, column: number, expected: string | RegExp): Promise<string> {
    await this.goToPosition(line, column);
    await this.runCommand('Show or Focus Hover');
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expected }).first();
    await hover.waitFor({ state: 'visible' });
    return ((await hover.innerText()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Opens the Quick Fix menu at a 1-based position and picks the fix whose title matches. */
  async applyQuickFix(line: number, column: number, title: string | RegExp): Promise<void> {
    await this.goToPosition(line, column);
    await this.runCommand('Quick Fix...');
    const item = this.page.locator('.action-widget .monaco-list-row, .action-widget .action-list-item').filter({ hasText: title }).first();
    await item.waitFor({ state: 'visible' });
    await item.click();
  }

  /** The titles the Quick Fix menu offers at a 1-based position (the menu is closed again, nothing applied). */
  async quickFixTitles(line: number, column: number, waitFor: string | RegExp): Promise<string[]> {
    await this.goToPosition(line, column);
    await this.runCommand('Quick Fix...');
    const items = this.page.locator('.action-widget .monaco-list-row, .action-widget .action-list-item');
    await items.filter({ hasText: waitFor }).first().waitFor({ state: 'visible' });
    const titles: string[] = [];
    for (const item of await items.all()) titles.push(((await item.innerText()) ?? '').replace(/\s+/g, ' ').trim());
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** What the page's clipboard holds (Copy commands write there). */
  async clipboardText(): Promise<string> {
    // Runs in the page (a browser), whose globals the test's Node types do not declare.
    return this.page.evaluate<string>('navigator.clipboard.readText()');
  }

  // ---- Problems panel -------------------------------------------------------------------------

  /** Opens the Problems panel and polls it until `until` accepts the rows (or the deadline passes). */
  async problems(until: (problems: Problem[]) => boolean, timeoutMs = 60_000): Promise<Problem[]> {
    await this.runCommand('Problems: Focus on Problems View');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible' });
    let last: Problem[] = [];
    try {
      await waitUntil('the Problems panel to show the expected findings', async () => {
        last = await this.readProblems();
        return until(last);
      }, timeoutMs, 250);
    } catch {
      throw new Error(`the Problems panel did not show the expected findings within ${timeoutMs} ms; it shows:\n${last.map((p) => `  ${p.severity}: ${p.text}`).join('\n') || '  (nothing)'}`);
    }
    return last;
  }

  private async readProblems(): Promise<Problem[]> {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    const problems: Problem[] = [];
    let file = '';
    for (const row of await rows.all()) {
      const marker = row.locator('.marker-icon');
      if ((await marker.count()) === 0) {
        // A file row: its problems follow it.
        file = ((await row.locator('.label-name').first().textContent().catch(() => '')) ?? '').trim();
        continue;
      }
      const iconClass = (await marker.first().getAttribute('class')) ?? '';
      // The icon's classes name the severity: "marker-icon warning quickFix".
      const classes = iconClass.split(/\s+/);
      const severity = classes.includes('error') ? 'error' : classes.includes('warning') ? 'warning' : classes.includes('info') ? 'info' : 'unknown';
      problems.push({ severity, file, text: ((await row.innerText()) ?? '').replace(/\s+/g, ' ').trim() });
    }
    return problems;
  }
}
