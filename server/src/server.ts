// Language server bundle entry: kept tiny; the service lives in lsp/. Transport from argv: --stdio | --node-ipc | --socket=N | --pipe=NAME.
// The same bundle, started in a worker thread by the server, is its analysis worker (lsp/analysisWorker.ts).
// First, before the other imports load Node's built-ins: see protocol/startFlags.ts.
import { restoreStartFlags } from './protocol/startFlags';
import { isAnalysisWorker, runAnalysisWorker } from './lsp/analysisWorker';
import { startServer } from './lsp/startServer';
import { applyTierUpFlag } from './protocol/serverProcess';

if (isAnalysisWorker()) runAnalysisWorker();
else {
  // V8's flags are the process's: set once here, they hold for the analysis worker too.
  restoreStartFlags();
  applyTierUpFlag();
  startServer();
}
