/**
 * One end-to-end session: the packaged extension installed into a fresh code-server, a workspace
 * folder (a copy of examples/ plus fixtures), and a chromium page on it. Used by the e2e tests, the
 * activation benchmark and `npm start`'s editor launcher.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureE2eTools, repoRoot, startCodeServer, type E2eTools, type RunningCodeServer } from './codeServer';
import { packageExtension, type PackagedExtension } from './vsix';
import { Workbench } from './workbench';

export const E2E_OUTPUT_DIR = path.join(repoRoot, 'test-output', 'e2e');
export const SCREENSHOT_DIR = path.join(E2E_OUTPUT_DIR, 'screenshots');

/** VS Code settings that keep the workbench quiet and deterministic for a test or a demo. */
export function baseUserSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'editor.hover.delay': 100,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    'git.enabled': false,
    'window.commandCenter': false,
    // The Red Hat YAML extension is not installed; nothing else validates YAML here.
    ...extra,
  };
}

/** A fresh folder for one run under test-output/e2e/, named by time and pid so runs never collide. */
export function makeRunDir(label: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(E2E_OUTPUT_DIR, `${label}-${stamp}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies examples/ (when it exists) into `<runDir>/workspace` and returns that folder. */
export function copyExamplesWorkspace(runDir: string): string {
  const workspaceDir = path.join(runDir, 'workspace');
  const examples = path.join(repoRoot, 'examples');
  if (existsSync(examples)) cpSync(examples, workspaceDir, { recursive: true });
  mkdirSync(workspaceDir, { recursive: true });
  return workspaceDir;
}

export function writeWorkspaceFile(workspaceDir: string, relativePath: string, content: string): string {
  const file = path.join(workspaceDir, relativePath);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

export interface EditorSession {
  tools: E2eTools;
  extension: PackagedExtension;
  codeServer: RunningCodeServer;
  workspaceDir: string;
  runDir: string;
}

export interface EditorSessionOptions {
  runDir: string;
  workspaceDir: string;
  userSettings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  port?: number;
  /** Already packaged (the launcher packages once and reports on it). */
  extension?: PackagedExtension;
  /** Already installed and checked by ensureE2eTools. */
  tools?: E2eTools;
}

/** Installs the tools if needed, packages the extension and starts code-server on the workspace. */
export async function startEditorSession(options: EditorSessionOptions): Promise<EditorSession> {
  const tools = options.tools ?? (await ensureE2eTools());
  const extension = options.extension ?? packageExtension();
  const codeServer = await startCodeServer({
    tools,
    runDir: options.runDir,
    workspaceDir: options.workspaceDir,
    userSettings: baseUserSettings(options.userSettings),
    vsixFiles: [extension.vsixPath],
    ...(options.env ? { env: options.env } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  return { tools, extension, codeServer, workspaceDir: options.workspaceDir, runDir: options.runDir };
}

/** Opens chromium on the session's workspace; console output is collected for failure reports. */
export async function openWorkbench(session: EditorSession, consoleLog: string[]): Promise<Workbench> {
  if (!session.tools.chromium) {
    throw new Error('no chromium at /usr/bin/chromium: install the Debian package `chromium` (see .ci/run) to run the e2e tests.');
  }
  return Workbench.open({ chromiumPath: session.tools.chromium, url: session.codeServer.workspaceUrl, screenshotDir: SCREENSHOT_DIR, consoleLog });
}
