// CLI bundle entry: everything lives in cli/main. In a worker thread, this bundle is the language
// server's analysis worker (`lsp --stdio` starts it; lsp/analysisWorker.ts), loaded only then.
import { outputPending } from './cli/io';
import { main } from './cli/main';
import { redact } from './log/logger';

// For bin/replicated-registries, which puts V8's defaults back before it writes the bundle's code cache.
export { restoreDefaultFlags } from './cli/v8Flags';

const argv = process.argv.slice(2);
if (argv.length > 0 || isMainThread()) {
  main(argv).then(
    (code) => {
      process.exitCode = code;
      if (argv[0] === 'lint') exitOnceWritten();
    },
    (err: unknown) => {
      process.stderr.write(redact(`replicated-registries: ${err instanceof Error ? err.message : String(err)}\n`));
      process.exitCode = 2;
    },
  );
} else {
  void import('./lsp/analysisWorker').then((worker) => {
    if (worker.isAnalysisWorker()) worker.runAnalysisWorker();
  });
}

/**
 * Whether this is the process's main thread, asked only of a run without a command: a worker's
 * `process.argv` is Node's path and the script's and nothing more (the language server starts its
 * analysis worker without an `argv` option), so a command on the line means the main thread. Loading
 * node:worker_threads to ask cost every `lint` 3.7-4.1 ms and 121 page faults in a fresh process on the
 * benchmark machine (issue 12). Required, not imported with import(): see cli/commands/lint.ts's nodeCrypto.
 */
function isMainThread(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

/**
 * Ends a finished `lint` at once, when what it printed is written (files, and pipes and terminals on
 * Linux, are written synchronously; anything still queued, as on a Windows pipe, gets the ordinary end).
 * Left to end by itself, the process tore its heap down first: from the exit event to the process gone
 * took a median 76 ms against 36 ms on the 5,000-document benchmark manifest (8 runs each; about the same
 * on the 1,000-file workspace, whose heap is smaller), issue 12. `lint` awaits all its work before it
 * returns (reads, pull checks, the registry client's close), so nothing is cut short.
 */
function exitOnceWritten(): void {
  if (!outputPending()) process.exit();
}
