/**
 * The same registries scenarios in a desktop VS Code, through @vscode/test-electron:
 *
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code node --import tsx test/e2e/electron/run.ts
 *
 * The packaged VSIX is installed with that VS Code's own CLI into a scratch folder and loaded from
 * there as the development extension (so the run exercises exactly what ships); `runTests` starts
 * VS Code on the scenario workspace with `--remote-debugging-port`, and this process attaches
 * playwright-core to the window over the DevTools protocol and runs test/e2e/scenarios/registries.ts
 * with the same Workbench driver as the code-server suite. The extension-host side
 * (waitForDriver.js) keeps VS Code open until the driver writes its verdict.
 *
 * Without VSCODE_EXECUTABLE_PATH it skips with a message: @vscode/test-electron would otherwise
 * download VS Code, which this project's machines cannot do. On Linux without a display, run it
 * under `xvfb-run -a`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { chromium, type Browser } from 'playwright-core';
import { findFreePort, waitUntil } from '../../harness/processes';
import { createScenarioWorld, type ScenarioWorld } from '../harness/scenario';
import { baseUserSettings, makeRunDir, SCREENSHOT_DIR } from '../harness/session';
import { packageExtension, type PackagedExtension } from '../harness/vsix';
import { Workbench } from '../harness/workbench';
import { REGISTRY_SCENARIOS, SCENARIO_SETTINGS } from '../scenarios/registries';

/** Installs the VSIX with VS Code's CLI into `dir` and returns the unpacked extension folder. */
function unpackWithVsCodeCli(vscodeExecutablePath: string, extension: PackagedExtension, dir: string, userDataDir: string): string {
  const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
  if (!cli) throw new Error(`could not resolve the CLI of ${vscodeExecutablePath}; point VSCODE_EXECUTABLE_PATH at VS Code's executable.`);
  const result = spawnSync(cli, [...cliArgs, '--extensions-dir', dir, '--user-data-dir', userDataDir, '--install-extension', extension.vsixPath, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`VS Code could not install ${extension.vsixPath}: ${(result.stderr || result.stdout).trim()}`);
  const folder = readdirSync(dir).find((name) => name.toLowerCase().startsWith(`${extension.extensionId.toLowerCase()}-`));
  if (!folder) throw new Error(`no ${extension.extensionId}-* folder in ${dir} after installing the VSIX.`);
  return path.join(dir, folder);
}

/** Attaches to the VS Code window once its DevTools endpoint answers and the workbench page exists. */
async function attachToWindow(port: number): Promise<{ browser: Browser; workbench: Workbench }> {
  let browser: Browser | undefined;
  await waitUntil(`VS Code's DevTools endpoint on 127.0.0.1:${port}`, async () => {
    browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 5_000 });
    return true;
  }, 120_000, 500);
  const connected = browser as Browser;
  let page = connected.contexts().flatMap((context) => context.pages()).find((candidate) => candidate.url().includes('workbench'));
  await waitUntil('the VS Code workbench window', () => {
    page = connected.contexts().flatMap((context) => context.pages()).find((candidate) => candidate.url().includes('workbench'));
    return Promise.resolve(page !== undefined);
  }, 60_000, 250);
  if (!page) throw new Error('no workbench window');
  return { browser: connected, workbench: await Workbench.attach(connected, page, `${SCREENSHOT_DIR}-electron`) };
}

async function driveScenarios(port: number, world: ScenarioWorld, extension: PackagedExtension, userDataDir: string): Promise<{ total: number; failed: number; failures: string[] }> {
  const { workbench } = await attachToWindow(port);
  const failures: string[] = [];
  try {
    for (const scenario of REGISTRY_SCENARIOS) {
      const started = Date.now();
      try {
        await scenario.run({ workbench, world, extension, userDataDir });
        console.log(`✔ ${scenario.name} (${Date.now() - started} ms)`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${scenario.name}: ${message.split('\n')[0]}`);
        console.log(`✖ ${scenario.name} (${Date.now() - started} ms)\n${message}`);
        await workbench.screenshot(`failed-${failures.length}`).catch(() => undefined);
      }
    }
  } finally {
    await workbench.close().catch(() => undefined);
  }
  return { total: REGISTRY_SCENARIOS.length, failed: failures.length, failures };
}

async function main(): Promise<number> {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
  if (!vscodeExecutablePath) {
    console.log(
      'SKIP test-electron e2e: VSCODE_EXECUTABLE_PATH is not set. Point it at a desktop VS Code executable ' +
        '(e.g. /usr/share/code/code, or ".../Visual Studio Code.app/Contents/MacOS/Electron") to run the registries ' +
        'scenarios there; the code-server suite (npm run test:e2e) runs them without it.',
    );
    return 0;
  }
  const extension = packageExtension();
  const runDir = makeRunDir('electron');
  const world = await createScenarioWorld(runDir);
  try {
    const userDataDir = path.join(runDir, 'user-data');
    const extensionsDir = path.join(runDir, 'extensions');
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    mkdirSync(extensionsDir, { recursive: true });
    // Custom dialogs and title bar: the Remove confirmation must be part of the page to be clicked.
    writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify(baseUserSettings({ ...SCENARIO_SETTINGS, 'window.dialogStyle': 'custom', 'window.titleBarStyle': 'custom' }), null, 2),
    );
    const developmentPath = unpackWithVsCodeCli(vscodeExecutablePath, extension, path.join(runDir, 'unpacked'), userDataDir);
    const debugPort = await findFreePort();
    const doneFile = path.join(runDir, 'driver-verdict.json');
    const vscodeRun = runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: developmentPath,
      extensionTestsPath: path.join(__dirname, 'waitForDriver.js'),
      extensionTestsEnv: { E2E_DRIVER_DONE_FILE: doneFile },
      launchArgs: [world.workspaceDir, `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`, `--remote-debugging-port=${debugPort}`, '--disable-telemetry'],
    });
    let verdict: { total: number; failed: number; failures: string[] };
    try {
      verdict = await driveScenarios(debugPort, world, extension, userDataDir);
    } catch (error) {
      verdict = { total: REGISTRY_SCENARIOS.length, failed: REGISTRY_SCENARIOS.length, failures: [error instanceof Error ? error.message : String(error)] };
    }
    writeFileSync(doneFile, JSON.stringify(verdict));
    const exitCode = await vscodeRun.catch(() => 1);
    console.log(`${verdict.total - verdict.failed} passed, ${verdict.failed} failed`);
    return verdict.failed === 0 && exitCode === 0 ? 0 : 1;
  } finally {
    await world.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test-electron e2e failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
