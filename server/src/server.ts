// Language server bundle entry: kept tiny; the service lives in lsp/. Transport from argv: --stdio | --node-ipc | --socket=N | --pipe=NAME.
// The same bundle, started in a worker thread by the server, is its analysis worker (lsp/analysisWorker.ts).
// The CLI's `lsp` runs this bundle too (bin/replicated-registries, cli/commands/lsp.ts).
// First, before the other imports load Node's built-ins: see protocol/startFlags.ts.
import { restoreStartFlags } from './protocol/startFlags';
import { isAnalysisWorker, runAnalysisWorker } from './lsp/analysisWorker';
import { startServer } from './lsp/startServer';
import { applyTierUpFlag } from './protocol/serverProcess';
import { raiseRunFlags } from './cli/v8Flags';

// For bin/replicated-registries, which puts V8's defaults back before it writes this bundle's code cache.
export { restoreDefaultFlags } from './cli/v8Flags';

if (isAnalysisWorker()) runAnalysisWorker();
else {
  // V8's flags are the process's: set once here, they hold for the analysis worker too.
  restoreStartFlags();
  // Started as `replicated-registries lsp`, no command-line flag keeps the young generation small (the
  // extension gives --max-semi-space-size=1): the CLI's flags for its work do (cli/v8Flags.ts), with the
  // server's own tier-up flag.
  if (process.argv[2] === 'lsp') raiseRunFlags('server');
  else applyTierUpFlag();
  startServer();
}
