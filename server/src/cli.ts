// CLI bundle entry: everything lives in cli/main. In a worker thread, this bundle is the language
// server's analysis worker (`lsp --stdio` starts it; lsp/analysisWorker.ts), loaded only then.
import { isMainThread } from 'node:worker_threads';
import { main } from './cli/main';
import { redact } from './log/logger';

if (isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
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
