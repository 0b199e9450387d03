/**
 * End-to-end: the customer's pull in a real VS Code (code-server + chromium, the harness of
 * registries.e2e.test.ts). The workspace is a copy of examples/ — whose HelmChart acme-worker has a
 * private ghcr.io image in its values that customers would pull straight from ghcr.io — plus a manifest
 * with an image on a real htpasswd registry the team connects. The team's custom proxy domain is the
 * local stand-in for the hosted Replicated proxy (test/harness/proxyStandIn.ts), which checks the license
 * and the app and forwards to that real registry. Scenarios: test/e2e/scenarios/customer.ts.
 * Screenshots: test-output/e2e/screenshots/customer-*.png.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureE2eTools } from './harness/codeServer';
import { makeRunDir, openWorkbench, SCREENSHOT_DIR, startEditorSession, type EditorSession } from './harness/session';
import type { Workbench } from './harness/workbench';
import { createCustomerWorld, CUSTOMER_SCENARIOS, type CustomerWorld } from './scenarios/customer';

void describe('Replicated Registries: the customer pull in a real VS Code (code-server + chromium)', { timeout: 30 * 60_000 }, () => {
  let world: CustomerWorld | undefined;
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  let runDir = '';
  // Random per run, typed into the password box only: never in argv, env or a file of this test.
  const licenseId = `e2e-license-${randomBytes(12).toString('hex')}`;
  const wrongLicenseId = `e2e-wrong-${randomBytes(12).toString('hex')}`;
  const suiteStarted = Date.now();

  before(async () => {
    const previous = existsSync(SCREENSHOT_DIR) ? readdirSync(SCREENSHOT_DIR).filter((name) => name.startsWith('customer-')) : [];
    for (const name of previous) rmSync(path.join(SCREENSHOT_DIR, name), { force: true });
    const tools = await ensureE2eTools();
    runDir = makeRunDir('customer');
    world = await createCustomerWorld(runDir, licenseId);
    // Pull checks against the team's registries are off: this suite is about the customer's side, and
    // the examples' ghcr.io registry must not be contacted from a test.
    session = await startEditorSession({ runDir, workspaceDir: world.workspaceDir, userSettings: { 'replicated-registries.remoteChecks': false }, tools });
    workbench = await openWorkbench(session, consoleLog);
  }, { timeout: 20 * 60_000 });

  after(async () => {
    if (runDir) {
      const consoleText = consoleLog.join('\n');
      for (const secret of [licenseId, wrongLicenseId]) if (consoleText.includes(secret)) console.log('# WARNING: a license ID appeared in the browser console');
      writeFileSync(path.join(runDir, 'browser-console.log'), consoleText.split(licenseId).join('<license>').split(wrongLicenseId).join('<license>'));
    }
    await workbench?.close().catch(() => undefined);
    await session?.codeServer.stop();
    await world?.stop();
    console.log(`# e2e customer suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s; run folder ${path.relative(process.cwd(), runDir)}`);
  });

  for (const scenario of CUSTOMER_SCENARIOS) {
    void it(scenario.name, () => {
      if (!workbench || !world || !session) throw new Error('the editor did not start; see the before hook failure above');
      const page = workbench;
      return scenario.run({ workbench, world, licenseId, wrongLicenseId, codeServer: session.codeServer, runDir }).catch(async (error: unknown) => {
        await page.screenshot(`FAILED-${scenario.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      });
    });
  }
});
