/**
 * The registries scenarios, as a vendor uses the extension, written once against the Workbench
 * driver so that they run in code-server (registries.e2e.test.ts) and in a desktop VS Code through
 * @vscode/test-electron (electron/run.ts). They run in order: each starts where the previous left off.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { RunningCodeServer } from '../harness/codeServer';
import { extensionHostErrors, formatMegabytes, readActivationTime, readMemory, readOwnActivationLog, waitForActivationLogLine } from '../harness/figures';
import { FIXTURE_MANIFEST, type ScenarioWorld } from '../harness/scenario';
import type { PackagedExtension } from '../harness/vsix';
import type { Workbench } from '../harness/workbench';

const VIEW = 'Registries';
const CONTAINER = 'Replicated';
const WELCOME_TEXT = 'Connect the external registries your application pulls from';
const ADD_TITLE = (step: number): RegExp => new RegExp(`^Add External Registry \\(${step}/\\d+\\)`);

/** The extension's settings for the scenarios (beside baseUserSettings): checks on, short cache. */
export const SCENARIO_SETTINGS: Record<string, unknown> = {
  'replicated-registries.remoteChecks': true,
  'replicated-registries.cacheTtlSeconds': 5,
  'replicated-registries.trace.server': 'off',
};

export interface ScenarioContext {
  workbench: Workbench;
  world: ScenarioWorld;
  extension: PackagedExtension;
  /** VS Code's user-data folder (its logs are read for activation). */
  userDataDir: string;
  /** Present under code-server: its process tree holds the extension host and the language server. */
  codeServer?: RunningCodeServer;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export const REGISTRY_SCENARIOS: readonly Scenario[] = [
  {
    name: 'opens examples/ and shows the Registries welcome view, with the extension activated',
    async run(ctx) {
      const page = ctx.workbench;
      await page.openViewContainer(CONTAINER);
      const welcome = page.welcomeView(VIEW);
      await welcome.filter({ hasText: WELCOME_TEXT }).waitFor({ state: 'visible' });
      await welcome.locator('.monaco-button', { hasText: 'Add External Registry' }).waitFor({ state: 'visible' });
      await welcome.locator('.monaco-button', { hasText: 'Import from Docker Config' }).waitFor({ state: 'visible' });
      await page.screenshot('welcome-view');
      const line = await waitForActivationLogLine(ctx.userDataDir, ctx.extension.extensionId);
      assert.match(line, /activationEvent/);
      assert.deepEqual(extensionHostErrors(ctx.userDataDir, ctx.extension.extensionId), []);
    },
  },
  {
    name: 'adds the local htpasswd registry through "Replicated: Add External Registry" and its QuickInput steps',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, username, password } = ctx.world;
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
    },
  },
  {
    name: 'shows the registry in the tree with an ok status',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette } = ctx.world;
      await page.openViewContainer(CONTAINER);
      const row = page.treeItem(VIEW, palette.slug);
      await row.waitFor({ state: 'visible' });
      // The row's accessible label carries the status: "<slug>, <endpoint>, last test passed".
      await page.viewPane(VIEW).locator(`.monaco-list-row[aria-label^="${palette.slug},"][aria-label*="last test passed"]`).waitFor({ state: 'visible' });
      const label = (await row.getAttribute('aria-label')) ?? '';
      assert.match(label, new RegExp(`${palette.registry.host.replace(/[.]/g, '\\.')}`));
      await page.welcomeView(VIEW).waitFor({ state: 'hidden' });
      // registry → the workspace's repositories on it → their references; a reference opens its file.
      await row.click();
      const repository = page.treeItem(VIEW, new RegExp(`^\\s*${palette.repository.replace(/[/]/g, '\\/')}\\s*\\d+ references?`));
      await repository.waitFor({ state: 'visible' });
      await repository.click();
      const reference = page.treeItem(VIEW, `${palette.registry.host}/${palette.repository}:${palette.tag}`);
      await reference.waitFor({ state: 'visible' });
      await page.screenshot('tree-registry-ok');
      await reference.click();
      await page.page.locator('.tabs-container .tab.active', { hasText: path.basename(FIXTURE_MANIFEST) }).waitFor({ state: 'visible' });
      await page.page.locator('.part.statusbar', { hasText: `Ln ${ctx.world.positions.existing.line},` }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'tests an image that exists: success with its digest',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette } = ctx.world;
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
    },
  },
  {
    name: 'tests an image whose tag does not exist: the specific failure, with actions',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, missingTag } = ctx.world;
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
    },
  },
  {
    name: 'opens a manifest: the Problems panel lists registry-not-connected and tag-not-found',
    async run(ctx) {
      const page = ctx.workbench;
      const { quickFix, missingTag, positions } = ctx.world;
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
    },
  },
  {
    name: 'applies the quick fix "Connect ... to the team registries": the add flow opens prefilled and connects it',
    async run(ctx) {
      const page = ctx.workbench;
      const { quickFix, username, password, positions } = ctx.world;
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
    },
  },
  {
    name: 'hovers a reference: the server describes the image, its registry and the last check',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, positions } = ctx.world;
      await page.openFile(FIXTURE_MANIFEST);
      const text = await page.hoverAt(positions.existing.line, positions.existing.column, new RegExp(`Registry\\s*${palette.slug}`));
      await page.screenshot('hover-reference');
      assert.match(text, /Image/);
      assert.ok(text.includes(palette.registry.host), text);
      await page.page.keyboard.press('Escape');
    },
  },
  {
    name: 'removes both registries (with confirmation) and shows the welcome view again',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, quickFix } = ctx.world;
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
    },
  },
  {
    name: 'reports figures: activation time, extension host and language server memory, VSIX size',
    async run(ctx) {
      const page = ctx.workbench;
      const activation = await readActivationTime(page, ctx.extension.displayName);
      const ownActivationMs = await readOwnActivationLog(ctx.userDataDir);
      console.log(`# figure: activation ${activation.activationMs} ms as VS Code measures it (code loading + activate(), "Show Running Extensions": ${activation.text})`);
      console.log(`# figure: activate() itself ${ownActivationMs} ms (the extension's log line "Activated in N ms.")`);
      console.log(`# figure: VSIX ${(ctx.extension.sizeBytes / 1024).toFixed(1)} KiB`);
      assert.ok(Number.isFinite(activation.activationMs) && activation.activationMs >= 0, activation.text);
      assert.ok(Number.isFinite(ownActivationMs) && ownActivationMs >= 0);
      // Memory is read from /proc under code-server's process tree (the desktop runner has no such root).
      if (ctx.codeServer) {
        const memory = await readMemory(ctx.codeServer.pid, ctx.codeServer.extensionsDir);
        console.log(`# figure: extension host RSS ${formatMegabytes(memory.extensionHost.rssBytes)} (pid ${memory.extensionHost.pid}, all extensions of the host)`);
        console.log(`# figure: language server RSS ${formatMegabytes(memory.languageServer.rssBytes)} (pid ${memory.languageServer.pid})`);
        assert.ok(memory.languageServer.rssBytes > 0);
      }
    },
  },
];
