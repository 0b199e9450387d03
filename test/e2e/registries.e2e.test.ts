/**
 * End-to-end: the packaged extension (the VSIX `npm run package` builds) in a real VS Code —
 * code-server 4.139 (VS Code 1.139 in the browser) driven through Debian's chromium — used the way a
 * vendor would: open the examples workspace, see the empty Registries view, connect a real local
 * htpasswd registry through the palette's QuickInput steps, test images, read the Problems panel,
 * apply the "Connect ..." quick fix, hover, remove the registries. A screenshot per step lands in
 * test-output/e2e/screenshots/. Every wait has a deadline; nothing sleeps for a fixed time.
 *
 * The first run on a fresh machine installs code-server and its Node 24 into .cache/e2e (minutes).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { extensionHostErrors, formatMegabytes, readActivationTime, readMemory, waitForActivationLogLine } from './harness/figures';
import { createScenarioWorld, FIXTURE_MANIFEST, type ScenarioWorld } from './harness/scenario';
import { makeRunDir, openWorkbench, SCREENSHOT_DIR, startEditorSession, type EditorSession } from './harness/session';
import type { Workbench } from './harness/workbench';

const VIEW = 'Registries';
const CONTAINER = 'Replicated';
const WELCOME_TEXT = 'Connect the external registries your application pulls from';
const ADD_TITLE = (step: number): RegExp => new RegExp(`^Add External Registry \\(${step}/\\d+\\)`);

void describe('Replicated Registries in a real VS Code (code-server + chromium)', { timeout: 30 * 60_000 }, () => {
  let world: ScenarioWorld | undefined;
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  let runDir = '';
  const suiteStarted = Date.now();

  /** The open workbench, or a clear failure when the before hook could not start it. */
  const wb = (): Workbench => {
    if (!workbench) throw new Error('the workbench did not start; see the before hook failure above');
    return workbench;
  };
  const w = (): ScenarioWorld => {
    if (!world) throw new Error('the registries did not start; see the before hook failure above');
    return world;
  };

  before(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    runDir = makeRunDir('registries');
    world = await createScenarioWorld(runDir);
    session = await startEditorSession({
      runDir,
      workspaceDir: world.workspaceDir,
      userSettings: {
        'replicated-registries.remoteChecks': true,
        'replicated-registries.cacheTtlSeconds': 5,
        'replicated-registries.trace.server': 'off',
      },
    });
    console.log(`# e2e tools: ${session.tools.codeServerVersion}; ${session.tools.installedNow ? `installed now in ${session.tools.seconds.toFixed(1)} s` : 'already installed'}`);
    console.log(`# VSIX ${path.relative(process.cwd(), session.extension.vsixPath)}: ${(session.extension.sizeBytes / 1024).toFixed(1)} KiB`);
    workbench = await openWorkbench(session, consoleLog);
  }, { timeout: 20 * 60_000 });

  after(async () => {
    if (runDir) writeFileSync(path.join(runDir, 'browser-console.log'), consoleLog.join('\n'));
    await workbench?.close().catch(() => undefined);
    await session?.codeServer.stop();
    await world?.stop();
    console.log(`# e2e suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s; run folder ${path.relative(process.cwd(), runDir)}`);
  });

  void it('opens examples/ and shows the Registries welcome view, with the extension activated', async () => {
    const page = wb();
    await page.openViewContainer(CONTAINER);
    const welcome = page.welcomeView(VIEW);
    await welcome.filter({ hasText: WELCOME_TEXT }).waitFor({ state: 'visible' });
    await welcome.locator('.monaco-button', { hasText: 'Add External Registry' }).waitFor({ state: 'visible' });
    await welcome.locator('.monaco-button', { hasText: 'Import from Docker Config' }).waitFor({ state: 'visible' });
    await page.screenshot('welcome-view');
    const s = session as EditorSession;
    const line = await waitForActivationLogLine(s.codeServer.userDataDir, s.extension.extensionId);
    assert.match(line, /activationEvent/);
    assert.deepEqual(extensionHostErrors(s.codeServer.userDataDir, s.extension.extensionId), []);
  });

  void it('adds the local htpasswd registry through "Replicated: Add External Registry" and its QuickInput steps', async () => {
    const page = wb();
    const { palette, username, password } = w();
    await page.runCommand('Replicated: Add External Registry');
    await page.waitForQuickInputTitle(ADD_TITLE(1));
    await page.screenshot('add-registry-provider-step');
    await page.pick('Other OCI registry', ADD_TITLE(1));
    await page.answerInput(palette.registry.host, ADD_TITLE(2));
    await page.answerInput(palette.slug, ADD_TITLE(3));
    await page.pick('Username and password', ADD_TITLE(4));
    await page.answerInput(username, ADD_TITLE(5));
    await page.waitForQuickInputTitle(ADD_TITLE(6));
    assert.equal(await page.quickInput.locator('.quick-input-box input').getAttribute('type'), 'password', 'the secret step must be a password box');
    await page.answerInput(password, ADD_TITLE(6));
    await page.waitForQuickInputTitle(ADD_TITLE(7));
    await page.checkItemsAndAccept(['Use plain HTTP'], ADD_TITLE(7));
    await page.waitForQuickInputTitle(ADD_TITLE(8));
    const image = `${palette.repository}:${palette.tag}`;
    await page.quickInput.locator('.quick-input-box input').fill(image);
    await page.screenshot('add-registry-test-step');
    await page.pick(image, ADD_TITLE(8));
    const toast = await page.waitForNotification(`Registry "${palette.slug}" saved`, 60_000);
    const text = await page.notificationText(toast);
    await page.screenshot('add-registry-saved');
    assert.match(text, /Test passed/);
    assert.ok(text.includes(palette.digest), `the saved message names the pushed digest ${palette.digest}: ${text}`);
    assert.ok(!text.includes(password), 'the secret never shows in a notification');
  });

  void it('shows the registry in the tree with an ok status', async () => {
    const page = wb();
    const { palette } = w();
    await page.openViewContainer(CONTAINER);
    const row = page.treeItem(VIEW, palette.slug);
    await row.waitFor({ state: 'visible' });
    // The row's accessible label carries the status: "<slug>, <endpoint>, last test passed".
    await page.viewPane(VIEW).locator(`.monaco-list-row[aria-label^="${palette.slug},"][aria-label*="last test passed"]`).waitFor({ state: 'visible' });
    const label = (await row.getAttribute('aria-label')) ?? '';
    assert.match(label, new RegExp(`${palette.registry.host.replace(/[.]/g, '\\.')}`));
    await page.welcomeView(VIEW).waitFor({ state: 'hidden' });
    await page.screenshot('tree-registry-ok');
  });

  void it('tests an image that exists: success with its digest', async () => {
    const page = wb();
    const { palette } = w();
    await page.clearNotifications();
    await page.runCommand('Replicated: Test External Registry');
    await page.waitForQuickInputTitle(`Test External Registry: ${palette.slug}`);
    const image = `${palette.repository}:${palette.tag}`;
    await page.quickInput.locator('.quick-input-box input').fill(image);
    await page.pick(image);
    const toast = await page.waitForNotification(`Test passed for "${palette.slug}"`, 60_000);
    await page.page.locator('.notification-toast-container', { hasText: `Testing ${image}` }).waitFor({ state: 'hidden' });
    const text = await page.notificationText(toast);
    await page.screenshot('test-image-ok');
    assert.ok(text.includes(palette.digest), `success names the digest ${palette.digest}: ${text}`);
  });

  void it('tests an image whose tag does not exist: the specific failure, with actions', async () => {
    const page = wb();
    const { palette, missingTag } = w();
    await page.clearNotifications();
    await page.runCommand('Replicated: Test External Registry');
    await page.waitForQuickInputTitle(`Test External Registry: ${palette.slug}`);
    const image = `${palette.repository}:${missingTag}`;
    await page.quickInput.locator('.quick-input-box input').fill(image);
    await page.pick(image);
    const toast = await page.waitForNotification(`Test failed for "${palette.slug}"`, 60_000);
    await page.page.locator('.notification-toast-container', { hasText: `Testing ${image}` }).waitFor({ state: 'hidden' });
    const text = await page.notificationText(toast);
    await page.screenshot('test-image-tag-not-found');
    // The tag-not-found verdict's own words: the repository exists, the tag does not.
    assert.match(text, new RegExp(`has no tag ${missingTag.replace(/[.]/g, '\\.')}`));
    await toast.locator('.monaco-button', { hasText: 'Show Details' }).waitFor({ state: 'visible' });
    await toast.locator('.monaco-button', { hasText: 'Re-enter Credentials' }).waitFor({ state: 'visible' });
  });

  void it('opens a manifest: the Problems panel lists registry-not-connected and tag-not-found', async () => {
    const page = wb();
    const { quickFix, missingTag, positions } = w();
    await page.clearNotifications();
    await page.openFile(FIXTURE_MANIFEST);
    const problems = await page.problems((rows) =>
      rows.some((row) => row.text.includes('tag-not-found') && row.text.includes(missingTag)) &&
      rows.some((row) => row.text.includes('registry-not-connected') && row.text.includes(quickFix.registry.host)));
    await page.screenshot('problems-panel');
    const tagNotFound = problems.find((row) => row.text.includes('tag-not-found') && row.text.includes(missingTag));
    assert.equal(tagNotFound?.severity, 'error', JSON.stringify(tagNotFound));
    assert.ok(tagNotFound?.text.includes('replicated-registries'), 'findings carry the source replicated-registries');
    // The reference that exists on a connected registry is not reported.
    const fixtureFile = path.basename(FIXTURE_MANIFEST);
    assert.ok(problems.some((row) => row.file === fixtureFile), `problems are listed under ${fixtureFile}: ${JSON.stringify(problems)}`);
    assert.ok(!problems.some((row) => row.file === fixtureFile && row.text.includes(`[Ln ${positions.existing.line},`)), JSON.stringify(problems));
  });

  void it('applies the quick fix "Connect ... to the team\'s registries": the add flow opens prefilled and connects it', async () => {
    const page = wb();
    const { quickFix, username, password, positions } = w();
    await page.openFile(FIXTURE_MANIFEST);
    await page.applyQuickFix(positions.notConnected.line, positions.notConnected.column, new RegExp(`Connect ${quickFix.registry.host.replace(/[.]/g, '\\.')}`));
    // Provider and endpoint come from the quick fix: the flow starts at the name.
    await page.waitForQuickInputTitle(/^Add External Registry \(1\/\d+\)/);
    await page.screenshot('quick-fix-connect-prefilled');
    const prompt = (await page.quickInput.innerText()).replace(/\s+/g, ' ');
    assert.ok(prompt.includes(quickFix.registry.host), `the first step names the prefilled endpoint: ${prompt}`);
    await page.answerInput(quickFix.slug, ADD_TITLE(1));
    await page.pick('Username and password', ADD_TITLE(2));
    await page.answerInput(username, ADD_TITLE(3));
    await page.answerInput(password, ADD_TITLE(4));
    await page.checkItemsAndAccept(['Use plain HTTP'], ADD_TITLE(5));
    await page.waitForQuickInputTitle(ADD_TITLE(6));
    const image = `${quickFix.repository}:${quickFix.tag}`;
    // The quick fix prefills the test image with the reference it was raised on.
    await page.quickInput.locator('.quick-input-box input').fill(image);
    await page.pick(image, ADD_TITLE(6));
    const toast = await page.waitForNotification(`Registry "${quickFix.slug}" saved`, 60_000);
    assert.ok((await page.notificationText(toast)).includes(quickFix.digest));
    // Connected: the finding goes away.
    const problems = await page.problems((rows) => !rows.some((row) => row.text.includes('registry-not-connected') && row.text.includes(quickFix.registry.host)));
    assert.ok(problems.some((row) => row.text.includes('tag-not-found')), 'the tag-not-found finding stays');
    await page.screenshot('quick-fix-connected');
  });

  void it('hovers a reference: the server describes the image, its registry and the last check', async () => {
    const page = wb();
    const { palette, positions } = w();
    await page.openFile(FIXTURE_MANIFEST);
    const text = await page.hoverAt(positions.existing.line, positions.existing.column, new RegExp(`Registry\\s*${palette.slug}`));
    await page.screenshot('hover-reference');
    assert.match(text, /Image/);
    assert.ok(text.includes(palette.registry.host), text);
    await page.page.keyboard.press('Escape');
  });

  void it('removes both registries (with confirmation) and shows the welcome view again', async () => {
    const page = wb();
    const { palette, quickFix } = w();
    for (const registry of [quickFix, palette]) {
      await page.clearNotifications();
      await page.runCommand('Replicated: Remove External Registry');
      if (registry === quickFix) await page.pick(registry.slug);
      const dialogText = await page.answerDialog('Remove');
      assert.match(dialogText, new RegExp(`Remove registry "${registry.slug}"`));
      await page.waitForNotification(`Registry "${registry.slug}" removed.`);
    }
    await page.openViewContainer(CONTAINER);
    await page.welcomeView(VIEW).filter({ hasText: WELCOME_TEXT }).waitFor({ state: 'visible' });
    await page.screenshot('welcome-view-again');
  });

  void it('reports figures: activation time, extension host and language server memory, VSIX size', async () => {
    const page = wb();
    const s = session as EditorSession;
    const memory = await readMemory(s.codeServer.pid, s.codeServer.extensionsDir);
    const activation = await readActivationTime(page, s.extension.displayName);
    console.log(`# figure: activation ${activation.activationMs} ms (VS Code's "Show Running Extensions": ${activation.text})`);
    console.log(`# figure: extension host RSS ${formatMegabytes(memory.extensionHost.rssBytes)} (pid ${memory.extensionHost.pid}, all extensions of the host)`);
    console.log(`# figure: language server RSS ${formatMegabytes(memory.languageServer.rssBytes)} (pid ${memory.languageServer.pid})`);
    console.log(`# figure: VSIX ${(s.extension.sizeBytes / 1024).toFixed(1)} KiB`);
    assert.ok(Number.isFinite(activation.activationMs) && activation.activationMs >= 0, activation.text);
    assert.ok(memory.languageServer.rssBytes > 0);
  });
});
