/**
 * Activation and memory of the packaged extension in a real VS Code (code-server 4.139 = VS Code 1.139),
 * on a copy of examples/ (whose registries file triggers `workspaceContains` activation):
 *  - activation time as VS Code measures it (code loading + `activate()`, "Developer: Show Running
 *    Extensions"), and `activate()`'s own wall time (the extension's "Activated in N ms." log line);
 *  - RSS of the extension host process (all the extensions it runs) and of our language server, from
 *    /proc, once a YAML file is open and the server has analysed it;
 *  - the VSIX size.
 * Runs BENCH_RUNS sessions (default 1: each is a fresh code-server, about a minute) and prints each
 * run and the median. The first run on a fresh machine installs code-server into .cache/e2e.
 */
import path from 'node:path';
import { formatMegabytes, readActivationTime, readMemory, readOwnActivationLog, waitForActivationLogLine } from '../test/e2e/harness/figures';
import { copyExamplesWorkspace, makeRunDir, openWorkbench, startEditorSession, type EditorSession } from '../test/e2e/harness/session';
import { packageExtension } from '../test/e2e/harness/vsix';
import type { Workbench } from '../test/e2e/harness/workbench';

interface RunFigures {
  vscodeActivationMs: number;
  ownActivationMs: number;
  extensionHostRss: number;
  languageServerRss: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(value * 10) / 10;
}

async function measureOnce(run: number, extension: ReturnType<typeof packageExtension>): Promise<RunFigures> {
  const runDir = makeRunDir(`bench-activation-${run}`);
  const workspaceDir = copyExamplesWorkspace(runDir);
  let session: EditorSession | undefined;
  let workbench: Workbench | undefined;
  const consoleLog: string[] = [];
  try {
    session = await startEditorSession({ runDir, workspaceDir, extension });
    workbench = await openWorkbench(session, consoleLog);
    await waitForActivationLogLine(session.codeServer.userDataDir, extension.extensionId);
    // A manifest open: the language server starts and analyses it, as in daily use.
    await workbench.openFile('manifests/deployment.yaml');
    await workbench.problems((rows) => rows.some((row) => row.text.includes('replicated-registries')));
    const memory = await readMemory(session.codeServer.pid, session.codeServer.extensionsDir);
    const vscodeActivation = await readActivationTime(workbench, extension.displayName);
    const ownActivationMs = await readOwnActivationLog(session.codeServer.userDataDir);
    return {
      vscodeActivationMs: vscodeActivation.activationMs,
      ownActivationMs,
      extensionHostRss: memory.extensionHost.rssBytes,
      languageServerRss: memory.languageServer.rssBytes,
    };
  } finally {
    await workbench?.close().catch(() => undefined);
    await session?.codeServer.stop();
  }
}

async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? '1') || 1);
  const extension = packageExtension();
  console.log(`VSIX ${path.basename(extension.vsixPath)}: ${(extension.sizeBytes / 1024).toFixed(1)} KiB (${extension.sizeBytes} bytes; target < 2 MB)`);
  const results: RunFigures[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const figures = await measureOnce(run, extension);
    results.push(figures);
    console.log(
      `run ${run}: activation ${figures.vscodeActivationMs} ms (VS Code: code loading + activate), activate() ${figures.ownActivationMs} ms, ` +
        `extension host RSS ${formatMegabytes(figures.extensionHostRss)}, language server RSS ${formatMegabytes(figures.languageServerRss)}`,
    );
  }
  console.log(
    `median of ${runs}: activation ${median(results.map((r) => r.vscodeActivationMs))} ms (target < 50 ms), activate() ${median(results.map((r) => r.ownActivationMs))} ms, ` +
      `extension host RSS ${formatMegabytes(median(results.map((r) => r.extensionHostRss)))}, language server RSS ${formatMegabytes(median(results.map((r) => r.languageServerRss)))}`,
  );
}

main().catch((error: unknown) => {
  console.error(`activation bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
