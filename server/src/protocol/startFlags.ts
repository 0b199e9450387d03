/**
 * The language server's start-up under SERVER_NODE_FLAGS (serverProcess.ts): imported first by the bundle's
 * entry (server.ts), so this runs before any other module's imports load Node's built-in modules.
 *
 * Any V8 flag away from V8's default makes V8 reject the code cache Node keeps for its own modules (its
 * check covers every flag): started with `--max-semi-space-size=1`, the server compiled each built-in it
 * loads at start (net, stream, crypto, worker_threads, undici's...) from source, and answered `initialize`
 * a median 28 ms later (338 → 366 ms, 8 starts each, issue 12). What the flag is for, the young generation's
 * size, is fixed when the process starts; the flag's value is only read again when an analysis worker is
 * created (a worker's heap is sized from the flags then). So it is put back to V8's default here, while the
 * server's modules load, and set again by restoreStartFlags() before anything else happens.
 *
 * Loading node:v8 itself (and node:worker_threads, to leave a worker's start alone) is still compiled
 * under the flag: they come first.
 */
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

const SEMI_SPACE = /^--max-semi-space-size=\d+$/;
/** The semi-space flag the process was started with, if it was (and this is the main thread). */
const started = isMainThread ? process.execArgv.find((argument) => SEMI_SPACE.test(argument)) : undefined;
if (started) v8.setFlagsFromString('--max-semi-space-size=0');

/** Sets the semi-space flag the process was started with again (V8's flags are the process's: one call, on the main thread, before any worker starts). */
export function restoreStartFlags(): void {
  if (started) v8.setFlagsFromString(started);
}
