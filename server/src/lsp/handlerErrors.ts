/**
 * The boundary between the protocol and our code: every request handler runs through `guarded`,
 * so an exception becomes a `ResponseError` (and one log line) instead of a crashed server, and
 * notification handlers run through `guardedNotification`, which only logs.
 */
import { ErrorCodes, ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { Logger } from '../log/logger';

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

/**
 * Wraps a request handler: its failure is reported to the client as a ResponseError (with `errorData`,
 * for requests whose errors carry some) and logged.
 */
export function guarded<P, R, D = void>(
  logger: Logger,
  method: string,
  handler: (params: P, token: CancellationToken) => R | Promise<R>,
  errorData?: D,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<D>> {
  return async (params, token) => {
    try {
      return await handler(params, token);
    } catch (err) {
      if (err instanceof ResponseError) return err as ResponseError<D>;
      logger.error(`${method} failed: ${describe(err)}`);
      const message = err instanceof Error ? err.message : String(err);
      return new ResponseError<D>(
        ErrorCodes.InternalError,
        `replicated-registries: ${method} failed (${message}). The server keeps running; see its log for details.`,
        errorData,
      );
    }
  };
}

/** Wraps a notification handler (sync or async): failures are logged, never thrown. */
export function guardedNotification<P>(logger: Logger, method: string, handler: (params: P) => void | Promise<void>): (params: P) => void {
  return (params) => {
    try {
      const result = handler(params);
      if (result instanceof Promise) {
        result.catch((err: unknown) => logger.error(`${method} failed: ${describe(err)}`));
      }
    } catch (err) {
      logger.error(`${method} failed: ${describe(err)}`);
    }
  };
}

/** Runs a fire-and-forget task, logging (never throwing) its failure. */
export function runInBackground(logger: Logger, what: string, task: () => Promise<unknown>): void {
  void task().catch((err: unknown) => logger.error(`${what} failed: ${describe(err)}`));
}
