/**
 * End-to-end: `npm start`'s editor (scripts/start-editor.mjs) as a newcomer uses it twice. The first run
 * makes the demo workspace and says where it is; the newcomer edits a file in the browser and stops with
 * Ctrl-C; the second run opens the SAME workspace, with the edit, and says it was kept. (`--fresh` starts
 * over.) The demo lives in a folder of its own here (REPLICATED_REGISTRIES_DEMO_DIR), not the checkout's demo/.
 * Screenshots: test-output/e2e/screenshots/demo-*.png.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { waitUntil } from '../harness/processes';
import { ensureE2eTools, repoRoot } from './harness/codeServer';
import { makeRunDir, SCREENSHOT_DIR } from './harness/session';
import { Workbench } from './harness/workbench';

const MANIFEST = 'manifests/demo-local-images.yaml';

interface RunningStart {
  child: ChildProcess;
  output: () => string;
  url: string;
}

/** `node scripts/start-editor.mjs`, as `npm start` runs it after its setup, until it prints the URL. */
async function startEditor(demoDir: string, extraArgs: string[] = []): Promise<RunningStart> {
  let output = '';
  const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start-editor.mjs'), ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, REPLICATED_REGISTRIES_DEMO_DIR: demoDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let url = '';
  // A start that fails ends the wait at once, with its output (a throw inside the poll would only be
  // remembered until the deadline).
  const ended = (): boolean => child.exitCode !== null || child.signalCode !== null;
  await waitUntil('npm start to print the editor URL', () => {
    if (ended()) return Promise.resolve(true);
    url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(output)?.[1] ?? '';
    return Promise.resolve(url !== '');
  }, 10 * 60_000, 250);
  if (ended()) throw new Error(`start-editor exited (${child.exitCode ?? child.signalCode ?? '?'}) before it was stopped:\n${output}`);
  return { child, output: () => output, url };
}

/** Ctrl-C, as the README says: code-server and the registry stop, and the process ends. */
async function stopEditor(running: RunningStart): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => running.child.once('exit', () => resolve()));
  running.child.kill('SIGINT');
  await exited;
}

void describe('npm start keeps the demo workspace between runs (code-server + chromium)', { timeout: 30 * 60_000 }, () => {
  const runDir = makeRunDir('demo');
  const demoDir = path.join(runDir, 'demo');
  const running: RunningStart[] = [];
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];

  after(async () => {
    await workbench?.close().catch(() => undefined);
    for (const start of running) await stopEditor(start);
  });

  void it('says where the workspace is, keeps the newcomer\'s edit for the next run, and starts over only when asked', async () => {
    const previous = existsSync(SCREENSHOT_DIR) ? readdirSync(SCREENSHOT_DIR).filter((name) => name.includes('demo-')) : [];
    for (const name of previous) rmSync(path.join(SCREENSHOT_DIR, name), { force: true });
    const tools = await ensureE2eTools();
    if (!tools.chromium) throw new Error('no chromium at /usr/bin/chromium: install the Debian package `chromium` (see .ci/run)');
    const workspaceDir = path.join(demoDir, 'workspace');

    // First run: a fresh copy of examples/, and where it is.
    const first = await startEditor(demoDir);
    running.push(first);
    assert.match(first.output(), new RegExp(`Workspace:\\s+${path.relative(repoRoot, workspaceDir).replace(/[.]/g, '\\.')} — a fresh copy of examples/; it stays for the next`));
    workbench = await Workbench.open({ chromiumPath: tools.chromium, url: first.url, screenshotDir: SCREENSHOT_DIR, consoleLog });
    await workbench.openFile(MANIFEST);
    await workbench.runCommand('Go to Line/Column...');
    await workbench.quickInput.locator('.quick-input-box input').fill(':1:1');
    await workbench.page.keyboard.press('Enter');
    await workbench.page.keyboard.type('# my change, kept for the next run\n');
    // The keyboard, not the palette: a palette row's hover tooltip ("Opens a new diff editor…") can cover "File: Save" and take the click.
    await workbench.page.keyboard.press('Control+S');
    await waitUntil('the edit to be saved', () => Promise.resolve(readFileSync(path.join(workspaceDir, MANIFEST), 'utf8').startsWith('# my change, kept for the next run')), 30_000, 200);
    await workbench.screenshot('demo-first-run-edited');
    await workbench.close();
    workbench = undefined;
    await stopEditor(first);

    // Second run: the same workspace, with the edit, and it says so.
    const second = await startEditor(demoDir);
    running.push(second);
    assert.match(second.output(), /kept from your last run, with your edits/);
    workbench = await Workbench.open({ chromiumPath: tools.chromium, url: second.url, screenshotDir: SCREENSHOT_DIR, consoleLog });
    await workbench.openFile(MANIFEST);
    await workbench.page.locator('.editor-instance .view-lines', { hasText: '# my change, kept for the next run' }).waitFor({ state: 'visible' });
    await workbench.screenshot('demo-second-run-kept');
    await workbench.close();
    workbench = undefined;
    await stopEditor(second);

    // --fresh: examples/ again.
    const fresh = await startEditor(demoDir, ['--fresh']);
    running.push(fresh);
    assert.match(fresh.output(), /a fresh copy of examples\//);
    assert.equal(readFileSync(path.join(workspaceDir, MANIFEST), 'utf8').includes('# my change'), false);
    await stopEditor(fresh);
  });
});
