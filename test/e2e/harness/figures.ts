/**
 * Figures of the extension as it runs in a real VS Code: activation time as VS Code itself measured
 * it, memory of the extension host and language server processes, and the extension host log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { waitUntil } from '../../harness/processes';
import type { Workbench } from './workbench';

export interface ActivationFigure {
  /** Code loading + `activate()` call, in ms, as VS Code's "Show Running Extensions" reports it. */
  activationMs: number;
  /** The activation event that triggered it, when VS Code says (e.g. `onView:...`). */
  text: string;
}

/**
 * Reads the extension's activation time from "Developer: Show Running Extensions", the figure
 * VS Code itself measures (codeLoadingTime + activateCallTime) for every extension.
 */
export async function readActivationTime(workbench: Workbench, extensionDisplayName: string): Promise<ActivationFigure> {
  await workbench.runCommand('Developer: Show Running Extensions');
  const rows = workbench.page.locator('.runtime-extensions-editor .monaco-list-row');
  const row = rows.filter({ hasText: extensionDisplayName }).first();
  const timeLabel = row.locator('.activation-time');
  // The editor lists extensions only after asking every extension host; slow on a busy machine.
  await rows.first().waitFor({ state: 'visible', timeout: 90_000 });
  // The list is virtualized: page down through it until our row is rendered.
  await rows.first().click();
  await waitUntil(`"${extensionDisplayName}" in the running extensions list`, async () => {
    if (await timeLabel.isVisible()) return true;
    await workbench.page.keyboard.press('PageDown');
    return false;
  }, 60_000, 200);
  let text = '';
  await waitUntil('the running-extensions editor to show an activation time', async () => {
    text = ((await timeLabel.textContent()) ?? '').trim();
    return /\d+\s*ms/.test(text);
  }, 30_000, 200);
  const match = /(\d+)\s*ms/.exec(text);
  // It opens as a modal editor: close it so the next step sees the workbench.
  await workbench.page.keyboard.press('Escape');
  await workbench.page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden' });
  return { activationMs: Number(match?.[1]), text };
}

export interface ProcessFigure {
  pid: number;
  rssBytes: number;
  commandLine: string;
}

function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function readParentPid(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** Every live descendant of `rootPid`, from /proc. */
export function descendantProcesses(rootPid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = readParentPid(Number(entry));
    if (parent !== undefined) parentOf.set(Number(entry), parent);
  }
  const descendants: number[] = [];
  for (const pid of parentOf.keys()) {
    for (let ancestor = parentOf.get(pid); ancestor !== undefined && ancestor > 1; ancestor = parentOf.get(ancestor)) {
      if (ancestor === rootPid) {
        descendants.push(pid);
        break;
      }
    }
  }
  return descendants;
}

/** The first descendant of `rootPid` whose command line matches, with its RSS. */
export function findProcess(rootPid: number, commandLine: RegExp): ProcessFigure | undefined {
  for (const pid of descendantProcesses(rootPid)) {
    const line = readCommandLine(pid);
    if (commandLine.test(line)) {
      try {
        return { pid, rssBytes: readRssBytes(pid), commandLine: line };
      } catch {
        // It ended between the listing and the read.
      }
    }
  }
  return undefined;
}

export interface MemoryFigures {
  extensionHost: ProcessFigure;
  languageServer: ProcessFigure;
}

/** Waits until both the extension host and the extension's language server run, then reads their RSS. */
export async function readMemory(codeServerPid: number, extensionsDir: string): Promise<MemoryFigures> {
  let figures: Partial<MemoryFigures> = {};
  const serverPattern = new RegExp(`${extensionsDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^ ]*dist/server\\.js`);
  await waitUntil('the extension host and the language server processes', () => {
    figures = {
      extensionHost: findProcess(codeServerPid, /--type=extensionHost/),
      languageServer: findProcess(codeServerPid, serverPattern),
    };
    return Promise.resolve(figures.extensionHost !== undefined && figures.languageServer !== undefined);
  }, 30_000, 200);
  return figures as MemoryFigures;
}

/** All of VS Code's log files under the user-data folder whose name matches (e.g. the extension host's). */
export function findLogFiles(userDataDir: string, name: RegExp): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.test(entry)) found.push(full);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found;
}

/** Waits until the extension host log says the extension was activated, and returns that line. */
export async function waitForActivationLogLine(userDataDir: string, extensionId: string, timeoutMs = 60_000): Promise<string> {
  let line = '';
  await waitUntil(`the extension host log to show ${extensionId} activating`, () => {
    for (const file of findLogFiles(userDataDir, /exthost.*\.log$/)) {
      const match = readFileSync(file, 'utf8').split('\n').find((text) => text.includes(`_doActivateExtension ${extensionId}`));
      if (match) {
        line = match;
        return Promise.resolve(true);
      }
    }
    return Promise.resolve(false);
  }, timeoutMs, 200);
  return line;
}

/** Lines of the extension host log that mention the extension and an error (activation failures). */
export function extensionHostErrors(userDataDir: string, extensionId: string): string[] {
  const lines: string[] = [];
  for (const file of findLogFiles(userDataDir, /exthost.*\.log$/)) {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (/\[error\]/.test(text) && text.includes(extensionId)) lines.push(text);
    }
  }
  return lines;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The extension's own measure of `activate()` (wall time of the call, logged as "Activated in N ms."
 * to its log channel, which VS Code writes under the extension host's log folder).
 */
export async function readOwnActivationLog(userDataDir: string, timeoutMs = 60_000): Promise<number> {
  let milliseconds = Number.NaN;
  await waitUntil('the extension log to say "Activated in N ms."', () => {
    for (const file of findLogFiles(userDataDir, /^Replicated Registries\.log$/)) {
      const match = /Activated in ([\d.]+) ms\./.exec(readFileSync(file, 'utf8'));
      if (match) {
        milliseconds = Number(match[1]);
        return Promise.resolve(true);
      }
    }
    return Promise.resolve(false);
  }, timeoutMs, 200);
  return milliseconds;
}
