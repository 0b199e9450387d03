/**
 * End-to-end: the packaged extension in a real VS Code (code-server + chromium, the harness of
 * registries.e2e.test.ts) connected to the vendor portal — here the local stand-in for the hosted
 * Vendor API v3 (test/harness/vendorApiStandIn.ts), whose server-side test pulls from a real
 * htpasswd registry. The API origin reaches the extension through the user setting
 * `replicated-registries.vendorPortal.apiOrigin`; the token only through the palette's password box.
 * Scenarios: test/e2e/scenarios/portal.ts. Screenshots: test-output/e2e/screenshots/portal-*.png.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startVendorApiStandIn, type VendorApiStandIn } from '../harness/vendorApiStandIn';
import { ensureE2eTools } from './harness/codeServer';
import { createScenarioWorld, type ScenarioWorld } from './harness/scenario';
import { makeRunDir, openWorkbench, SCREENSHOT_DIR, startEditorSession, type EditorSession } from './harness/session';
import type { Workbench } from './harness/workbench';
import { SCENARIO_SETTINGS } from './scenarios/registries';
import { PORTAL_SCENARIOS, realPullCheck } from './scenarios/portal';

void describe('Replicated Registries: the vendor portal in a real VS Code (code-server + chromium)', { timeout: 30 * 60_000 }, () => {
  let world: ScenarioWorld | undefined;
  let api: VendorApiStandIn | undefined;
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  let runDir = '';
  // Random per run, typed into the password box only: never in argv, env or a file of this test.
  const apiToken = `e2e-portal-${randomBytes(16).toString('hex')}`;
  const suiteStarted = Date.now();

  before(async () => {
    // Only this suite's screenshots: the registries suite's share the folder.
    const previous = existsSync(SCREENSHOT_DIR) ? readdirSync(SCREENSHOT_DIR).filter((name) => name.startsWith('portal-')) : [];
    for (const name of previous) rmSync(path.join(SCREENSHOT_DIR, name), { force: true });
    const tools = await ensureE2eTools();
    console.log(`# e2e tools: code-server ${tools.codeServerVersion}; ${tools.installedNow ? `installed now in ${tools.seconds.toFixed(1)} s` : 'already installed'}`);
    runDir = makeRunDir('portal');
    world = await createScenarioWorld(runDir);
    // The team's portal knows the app the workspace's registries file names (`app: acme-platform`), as a real
    // one would: otherwise the view rightly shows the portal's "no application" warning instead of its welcome.
    api = await startVendorApiStandIn({
      token: apiToken,
      testPull: realPullCheck(world.palette),
      apps: [{ id: 'app-acme', slug: 'acme-platform', name: 'Acme Platform' }],
      customHostnames: { 'app-acme': { proxy: [], registry: [] } },
    });
    session = await startEditorSession({
      runDir,
      workspaceDir: world.workspaceDir,
      userSettings: { ...SCENARIO_SETTINGS, 'replicated-registries.vendorPortal.apiOrigin': api.origin },
      tools,
    });
    workbench = await openWorkbench(session, consoleLog);
  }, { timeout: 20 * 60_000 });

  after(async () => {
    if (runDir) {
      // Written after the token scan; a token in the browser console is counted here, then masked in the file.
      const consoleText = consoleLog.join('\n');
      const leaks = consoleText.split(apiToken).length - 1;
      if (leaks > 0) console.log(`# WARNING: the API token appeared ${leaks} time(s) in the browser console`);
      writeFileSync(path.join(runDir, 'browser-console.log'), consoleText.split(apiToken).join('<api token>'));
    }
    await workbench?.close().catch(() => undefined);
    await session?.codeServer.stop();
    await api?.stop();
    await world?.stop();
    console.log(`# e2e portal suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s; run folder ${path.relative(process.cwd(), runDir)}`);
  });

  for (const scenario of PORTAL_SCENARIOS) {
    void it(scenario.name, () => {
      if (!workbench || !world || !session || !api) throw new Error('the editor did not start; see the before hook failure above');
      const page = workbench;
      // On failure, keep a picture of what the page showed: a timeout alone does not say why.
      return scenario.run({ workbench, world, api, apiToken, codeServer: session.codeServer, runDir, screenshotDir: SCREENSHOT_DIR }).catch(async (error: unknown) => {
        await page.screenshot(`FAILED-${scenario.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      });
    });
  }
});
