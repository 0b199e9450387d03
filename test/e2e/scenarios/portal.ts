/**
 * The vendor-portal scenario, as a vendor whose team already uses the Replicated vendor portal
 * would: connect it from the palette with an API token, add a registry to it through the add flow,
 * see it in the Registries view marked "vendor portal", run Replicated's server-side test on an
 * image that exists and on one that does not (the 404 MANIFEST_UNKNOWN explanation), read the pull
 * logs, remove it (modal confirm), disconnect. Against the local stand-in for the hosted Vendor API
 * (test/harness/vendorApiStandIn.ts), whose "server-side" pulls go to a real htpasswd registry.
 * Screenshots: test-output/e2e/screenshots/portal-*.png. Every wait has a deadline.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { RegistryClient } from '../../../server/src/registry/registryClient';
import { resolveTestImage } from '../../../server/src/registry/endpoints';
import { CREDENTIAL_PROBE_TARGET } from '../../../server/src/store/workspaceStore';
import { upstreamStatusForVerdict, type VendorApiStandIn } from '../../harness/vendorApiStandIn';
import type { RunningCodeServer } from '../harness/codeServer';
import { REGISTRIES_FILE, type ScenarioRegistry, type ScenarioWorld } from '../harness/scenario';
import type { Workbench } from '../harness/workbench';

const VIEW = 'Registries';
const CONTAINER = 'Replicated';
/** Anchored: "Disconnect Vendor Portal" contains the same words. */
const CONNECT_BUTTON = /^\s*Connect Vendor Portal\s*$/;
const CONNECTED_WELCOME = 'Connected to the Replicated vendor portal';
const ADD_TITLE = (step: number): RegExp => new RegExp(`^Add External Registry \\(${step}/\\d+\\)`);

export interface PortalScenarioContext {
  workbench: Workbench;
  world: ScenarioWorld;
  api: VendorApiStandIn;
  /** The Replicated API token: typed into VS Code's password box only. */
  apiToken: string;
  codeServer: RunningCodeServer;
  runDir: string;
  screenshotDir: string;
}

export interface PortalScenario {
  name: string;
  run(ctx: PortalScenarioContext): Promise<void>;
}

/** The slug the scenario gives the registry it adds to the portal. */
export const PORTAL_SLUG = 'e2e-portal';

/**
 * The stand-in's "server-side" pull: the credentials the extension sent to the portal, against the
 * real (plain-HTTP) registry, through the engine's RegistryClient.
 */
export function realPullCheck(registry: ScenarioRegistry): (saved: { endpoint: string; username: string; password: string }, image: string) => Promise<number> {
  const client = new RegistryClient({ cacheTtlMs: 0 });
  return async (saved, image) => {
    const connection = { provider: 'other' as const, endpoint: saved.endpoint, plainHttp: registry.registry.host === saved.endpoint };
    const target = image === '' ? CREDENTIAL_PROBE_TARGET : resolveTestImage(connection, image);
    if ('error' in target) return 400;
    const result = await client.checkPull(connection, { username: saved.username, secret: saved.password }, target, { noCache: true });
    return upstreamStatusForVerdict(result.verdict);
  };
}

/** Screenshots named portal-NN-step.png (the Workbench numbers them; the prefix keeps them apart from other suites'). */
async function shot(ctx: PortalScenarioContext, name: string): Promise<void> {
  const file = await ctx.workbench.screenshot(name);
  renameSync(file, path.join(path.dirname(file), `portal-${path.basename(file)}`));
}

/** Every file below `dir` (symlinks not followed) that contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  if (!existsSync(dir)) return found;
  const bytes = Buffer.from(needle, 'utf8');
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile() && readFileSync(full).includes(bytes)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

export const PORTAL_SCENARIOS: readonly PortalScenario[] = [
  {
    name: 'shows the welcome view with a "Connect Vendor Portal" button',
    async run(ctx) {
      const page = ctx.workbench;
      await page.openViewContainer(CONTAINER);
      const welcome = page.welcomeView(VIEW);
      await welcome.locator('.monaco-button', { hasText: CONNECT_BUTTON }).waitFor({ state: 'visible' });
      await welcome.locator('.monaco-button', { hasText: 'Add External Registry' }).waitFor({ state: 'visible' });
      await shot(ctx, 'welcome-connect-button');
    },
  },
  {
    name: 'connects the vendor portal through the palette: a password box for the token, verified with a list call',
    async run(ctx) {
      const page = ctx.workbench;
      await page.runCommand('Replicated: Connect Vendor Portal');
      await page.waitForQuickInputTitle('Connect Vendor Portal: API token');
      assert.equal(await page.quickInput.locator('.quick-input-box input').getAttribute('type'), 'password', 'the token step must be a password box');
      const prompt = (await page.quickInput.innerText()).replace(/\s+/g, ' ');
      assert.match(prompt, /vendor\.replicated\.com/, `the prompt says where to create a token: ${prompt}`);
      await shot(ctx, 'connect-token-step');
      await page.answerInput(ctx.apiToken);
      // The origin comes from the user setting, so the next step is the optional app slug.
      await page.answerInput('', 'Connect Vendor Portal: app slug (optional)');
      const toast = await page.waitForNotification('Connected to the Replicated vendor portal', 60_000);
      const text = await page.notificationText(toast);
      assert.match(text, /0 team registries/);
      assert.ok(!text.includes(ctx.apiToken), 'the token never shows in a notification');
      const listCalls = ctx.api.requests.filter((request) => request.method === 'GET' && request.path === '/v3/external_registries');
      assert.ok(listCalls.length > 0, 'the connection was verified with a list call');
      assert.ok(listCalls.every((request) => request.authorization === ctx.apiToken), 'the raw token, no "Bearer", in Authorization');
      await page.openViewContainer(CONTAINER);
      await page.welcomeView(VIEW).filter({ hasText: CONNECTED_WELCOME }).waitFor({ state: 'visible' });
      await page.welcomeView(VIEW).locator('.monaco-button', { hasText: CONNECT_BUTTON }).waitFor({ state: 'hidden' });
      await shot(ctx, 'connected-welcome');
    },
  },
  {
    name: 'adds a registry to the portal through the add flow: the credentials go to Replicated, nothing is kept locally',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, username, password } = ctx.world;
      await page.clearNotifications();
      await page.runCommand('Replicated: Add External Registry');
      await page.waitForQuickInputTitle('Add External Registry: where to add it');
      await shot(ctx, 'add-destination-step');
      await page.pick('Vendor portal', 'Add External Registry: where to add it');
      await page.pick('Other OCI registry', ADD_TITLE(1));
      await page.answerInput(palette.registry.host, ADD_TITLE(2));
      await page.answerInput(PORTAL_SLUG, ADD_TITLE(3));
      await page.pick('Username and password', ADD_TITLE(4));
      await page.answerInput(username, ADD_TITLE(5));
      await page.answerInput(password, ADD_TITLE(6));
      // No connection options for the portal: Replicated's servers do its pulls.
      // Replicated's own test runs next, from the tree; this flow's local test is skipped.
      await page.pick('Skip the test', ADD_TITLE(7));
      const toast = await page.waitForNotification(`Registry "${PORTAL_SLUG}" added to the vendor portal`, 60_000);
      const text = await page.notificationText(toast);
      await page.page.locator('.notification-toast-container', { hasText: `Adding "${PORTAL_SLUG}" to the vendor portal` }).waitFor({ state: 'hidden' });
      await page.treeItem(VIEW, PORTAL_SLUG).waitFor({ state: 'visible' });
      await shot(ctx, 'add-saved-to-portal');
      assert.ok(!text.includes(password), 'the registry secret never shows in a notification');
      const saved = ctx.api.registries.find((registry) => registry.slug === PORTAL_SLUG);
      assert.ok(saved, `the stand-in holds ${PORTAL_SLUG}: ${JSON.stringify(ctx.api.registries.map((registry) => registry.slug))}`);
      assert.equal(saved.endpoint, palette.registry.host);
      assert.equal(saved.provider, 'other');
      assert.equal(saved.username, username);
      assert.equal(saved.password, password, 'the credentials were sent to the portal');
      const registriesFile = readFileSync(path.join(ctx.world.workspaceDir, REGISTRIES_FILE), 'utf8');
      assert.ok(!registriesFile.includes(PORTAL_SLUG), `a portal registry is not written to ${REGISTRIES_FILE}`);
    },
  },
  {
    name: 'shows the portal registry in the tree, marked "vendor portal"',
    async run(ctx) {
      const page = ctx.workbench;
      await page.openViewContainer(CONTAINER);
      const row = page.treeItem(VIEW, PORTAL_SLUG);
      await row.waitFor({ state: 'visible' });
      await page.viewPane(VIEW).locator(`.monaco-list-row[aria-label^="${PORTAL_SLUG},"][aria-label*="vendor portal"]`).waitFor({ state: 'visible' });
      assert.match(await row.innerText(), /vendor portal/);
      await page.welcomeView(VIEW).waitFor({ state: 'hidden' });
      await shot(ctx, 'tree-portal-registry');
    },
  },
  {
    name: "tests an image that exists with Replicated's server-side test: success (200)",
    async run(ctx) {
      const page = ctx.workbench;
      const { palette } = ctx.world;
      await page.clearNotifications();
      await page.runCommand('Replicated: Test External Registry');
      await page.waitForQuickInputTitle(`Test External Registry: ${PORTAL_SLUG}`);
      const image = `${palette.repository}:${palette.tag}`;
      await page.quickInput.locator('.quick-input-box input').fill(image);
      await page.pick(image);
      const toast = await page.waitForNotification(`Vendor portal test passed for "${PORTAL_SLUG}"`, 60_000);
      await page.page.locator('.notification-toast-container', { hasText: `Testing ${image}` }).waitFor({ state: 'hidden' });
      const text = await page.notificationText(toast);
      await shot(ctx, 'test-image-ok');
      assert.match(text, /HTTP 200/);
      const testCalls = ctx.api.requests.filter((request) => request.method === 'PUT' && request.path === '/v3/external_registry/test');
      assert.equal(testCalls.length, 1, 'the test ran on the portal, once');
      assert.deepEqual(JSON.parse(testCalls[0]?.body ?? '{}'), { endpoint: PORTAL_SLUG, image });
    },
  },
  {
    name: 'tests a missing image: the 404 MANIFEST_UNKNOWN explanation (credentials fine, image missing or not pullable)',
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, missingTag } = ctx.world;
      await page.clearNotifications();
      await page.runCommand('Replicated: Test External Registry');
      await page.waitForQuickInputTitle(`Test External Registry: ${PORTAL_SLUG}`);
      const image = `${palette.repository}:${missingTag}`;
      await page.quickInput.locator('.quick-input-box input').fill(image);
      await page.pick(image);
      const toast = await page.waitForNotification(`Vendor portal test for "${PORTAL_SLUG}": 404 MANIFEST_UNKNOWN`, 60_000);
      await page.page.locator('.notification-toast-container', { hasText: `Testing ${image}` }).waitFor({ state: 'hidden' });
      const text = await page.notificationText(toast);
      await shot(ctx, 'test-image-404');
      assert.match(text, /the credentials are fine, but .* is missing or not pullable with them/);
      await toast.locator('.monaco-button', { hasText: 'Show Pull Logs' }).waitFor({ state: 'visible' });
    },
  },
  {
    name: "shows the registry's pull logs from the tree's context menu",
    async run(ctx) {
      const page = ctx.workbench;
      const { palette, missingTag } = ctx.world;
      await page.clearNotifications();
      await page.openViewContainer(CONTAINER);
      await page.treeItemContextMenu(page.treeItem(VIEW, PORTAL_SLUG), 'Show Pull Logs');
      await page.waitForQuickInputTitle(`Pull Logs: ${PORTAL_SLUG}`);
      const rows = page.quickInput.locator('.monaco-list-row');
      await rows.nth(1).waitFor({ state: 'visible' });
      const texts = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
      await shot(ctx, 'pull-logs');
      assert.equal(texts.length, 2, JSON.stringify(texts));
      assert.ok(texts.some((text) => text.includes(`${palette.repository}:${palette.tag}`) && text.includes('HTTP 200') && text.includes('SUCCESS true')), JSON.stringify(texts));
      assert.ok(texts.some((text) => text.includes(`${palette.repository}:${missingTag}`) && text.includes('HTTP 404') && text.includes('SUCCESS false')), JSON.stringify(texts));
      await page.dismissQuickInput();
    },
  },
  {
    name: 'removes the portal registry there, after a modal confirmation',
    async run(ctx) {
      const page = ctx.workbench;
      await page.clearNotifications();
      await page.runCommand('Replicated: Remove External Registry');
      const dialogText = await page.answerDialog('Remove');
      assert.match(dialogText, new RegExp(`Remove registry "${PORTAL_SLUG}" .* from the vendor portal`));
      await page.waitForNotification(`Registry "${PORTAL_SLUG}" removed from the vendor portal.`);
      assert.ok(!ctx.api.registries.some((registry) => registry.slug === PORTAL_SLUG), 'the stand-in no longer holds it');
      await page.openViewContainer(CONTAINER);
      await page.welcomeView(VIEW).filter({ hasText: CONNECTED_WELCOME }).waitFor({ state: 'visible' });
      await shot(ctx, 'removed');
    },
  },
  {
    name: 'disconnects the vendor portal: the welcome offers "Connect Vendor Portal" again',
    async run(ctx) {
      const page = ctx.workbench;
      await page.clearNotifications();
      await page.runCommand('Replicated: Disconnect Vendor Portal');
      await page.waitForNotification('Disconnected from the Replicated vendor portal');
      await page.openViewContainer(CONTAINER);
      await page.welcomeView(VIEW).locator('.monaco-button', { hasText: CONNECT_BUTTON }).waitFor({ state: 'visible' });
      await shot(ctx, 'disconnected');
    },
  },
  {
    name: 'the API token is in no file: user data, extensions, workspace copy, logs',
    run(ctx) {
      const places = [ctx.codeServer.userDataDir, ctx.codeServer.extensionsDir, ctx.world.workspaceDir, path.dirname(ctx.codeServer.logFile), ctx.runDir];
      for (const place of places) {
        assert.ok(existsSync(place), `${place} exists (the scan must look somewhere real)`);
        assert.deepEqual(filesContaining(place, ctx.apiToken), [], `the API token was written under ${place}`);
      }
      // The scan can find things: the installed manifest names the Connect command.
      assert.ok(filesContaining(ctx.codeServer.extensionsDir, 'replicated-registries.connectVendorPortal').length > 0, 'the scan finds strings that are there');
      return Promise.resolve();
    },
  },
];
