// Language server bundle entry: kept tiny; the service lives in lsp/.
import { startServer } from './lsp/startServer';

startServer();
