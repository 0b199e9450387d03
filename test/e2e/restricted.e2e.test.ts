/**
 * End-to-end: Restricted Mode, as a user who opens a repository they have not trusted yet meets it. The
 * workspace lists a registry this machine has a `docker login` for; nothing is sent and no credential is
 * read — and the Registries view says that checks are off until the workspace is trusted, not that there
 * are no credentials on this machine. Screenshots: test-output/e2e/screenshots/restricted-*.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHtpasswdRegistry, type RunningRegistry } from '../harness';
import { ensureE2eTools } from './harness/codeServer';
import { copyExamplesWorkspace, makeRunDir, openWorkbench, SCREENSHOT_DIR, startEditorSession, type EditorSession } from './harness/session';
import type { Workbench } from './harness/workbench';

const VIEW = 'Registries';

void describe('Replicated Registries in Restricted Mode (code-server + chromium)', { timeout: 20 * 60_000 }, () => {
  let registry: RunningRegistry | undefined;
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  let runDir = '';
  /** The registry's log up to the editor's start (its own readiness probe is in it). */
  let logBefore = '';

  before(async () => {
    const previous = existsSync(SCREENSHOT_DIR) ? readdirSync(SCREENSHOT_DIR).filter((name) => name.includes('restricted-')) : [];
    for (const name of previous) rmSync(path.join(SCREENSHOT_DIR, name), { force: true });
    const tools = await ensureE2eTools();
    runDir = makeRunDir('restricted');
    const password = randomBytes(12).toString('hex');
    registry = await startHtpasswdRegistry({ tls: false, users: { ci: password } });
    logBefore = readFileSync(registry.logFile, 'utf8');
    const workspaceDir = copyExamplesWorkspace(runDir);
    writeFileSync(path.join(workspaceDir, '.replicated-registries.yaml'), `app: acme-platform\nregistries:\n  - slug: lab\n    provider: other\n    endpoint: ${registry.host}\n    authType: password\n    username: ci\n`);
    // What `docker login` left on this machine: the login exists, and must not be used here.
    mkdirSync(path.join(runDir, 'home', '.docker'), { recursive: true });
    writeFileSync(path.join(runDir, 'home', '.docker', 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`ci:${password}`).toString('base64') } } }), { mode: 0o600 });
    session = await startEditorSession({
      runDir,
      workspaceDir,
      tools,
      // Workspace Trust on, and no prompt: the folder opens in Restricted Mode, as an untrusted repository does.
      userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' },
    });
    workbench = await openWorkbench(session, consoleLog);
  }, { timeout: 15 * 60_000 });

  after(async () => {
    if (runDir) writeFileSync(path.join(runDir, 'browser-console.log'), consoleLog.join('\n'));
    await workbench?.close().catch(() => undefined);
    await session?.codeServer.stop();
    await registry?.stop();
  });

  void it('says registry checks are off until the workspace is trusted — not that this machine has no credentials', async () => {
    if (!workbench || !registry) throw new Error('the editor did not start; see the before hook failure above');
    const page = workbench;
    await page.openViewContainer('Replicated');
    await page.treeItem(VIEW, 'Registry checks are off until you trust this workspace').waitFor({ state: 'visible', timeout: 60_000 });
    const row = page.viewPane(VIEW).locator('.monaco-list-row[aria-label^="lab,"]');
    await row.waitFor({ state: 'visible' });
    assert.match((await row.getAttribute('aria-label')) ?? '', /checks are off until the workspace is trusted/);
    await row.click();
    await page.treeItem(VIEW, 'Checks are off until you trust this workspace').waitFor({ state: 'visible' });
    const rows = await page.treeRows(VIEW);
    // The wrong message was "no credentials on this machine" (a Docker login exists); "no credentials are read" is the right one.
    assert.deepEqual(rows.filter((text) => /no credentials on this machine/i.test(text)), [], `nothing says "no credentials on this machine": ${JSON.stringify(rows)}`);
    await page.screenshot('restricted-checks-off');
    const requests = readFileSync(registry.logFile, 'utf8').slice(logBefore.length).split('\n').filter((line) => /"(GET|HEAD) \/v2\//.test(line));
    assert.deepEqual(requests, [], 'Restricted Mode sends nothing to the registry');
  });
});
