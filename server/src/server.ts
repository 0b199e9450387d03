// Language server bundle entry: kept tiny; the service lives in lsp/. Transport from argv: --stdio | --node-ipc | --socket=N | --pipe=NAME.
import { startServer } from './lsp/startServer';

startServer();
