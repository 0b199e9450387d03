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
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureE2eTools } from './harness/codeServer';
import { createScenarioWorld, type ScenarioWorld } from './harness/scenario';
import { makeRunDir, openWorkbench, SCREENSHOT_DIR, startEditorSession, type EditorSession } from './harness/session';
import type { Workbench } from './harness/workbench';
import { REGISTRY_SCENARIOS, SCENARIO_SETTINGS } from './scenarios/registries';

void describe('Replicated Registries in a real VS Code (code-server + chromium)', { timeout: 30 * 60_000 }, () => {
  let world: ScenarioWorld | undefined;
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  let runDir = '';
  const suiteStarted = Date.now();

  before(async () => {
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    // First, so that a fresh machine's install (minutes) is timed on its own and reported.
    const tools = await ensureE2eTools();
    console.log(`# e2e tools: code-server ${tools.codeServerVersion}; ${tools.installedNow ? `installed now in ${tools.seconds.toFixed(1)} s` : `already installed (checked in ${tools.seconds.toFixed(1)} s)`}`);
    runDir = makeRunDir('registries');
    world = await createScenarioWorld(runDir);
    session = await startEditorSession({ runDir, workspaceDir: world.workspaceDir, userSettings: SCENARIO_SETTINGS, tools });
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

  for (const scenario of REGISTRY_SCENARIOS) {
    void it(scenario.name, () => {
      if (!workbench || !world || !session) throw new Error('the editor did not start; see the before hook failure above');
      const page = workbench;
      // On failure, keep a picture of what the page showed: a timeout alone does not say why.
      return scenario.run({ workbench, world, extension: session.extension, userDataDir: session.codeServer.userDataDir, codeServer: session.codeServer }).catch(async (error: unknown) => {
        await page.screenshot(`FAILED-${scenario.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      });
    });
  }
});
