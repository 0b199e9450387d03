/**
 * The extension's one log: a `LogOutputChannel` (never revealed by itself) behind the engine's
 * `Logger` interface, with every line redacted first.
 */
import type * as vscode from 'vscode';
import { redact, type Logger } from '../../server/src/log/logger';

export interface ClientLogger extends Logger {
  readonly channel: vscode.LogOutputChannel;
  show(): void;
}

export function createClientLogger(channel: vscode.LogOutputChannel): ClientLogger {
  return {
    channel,
    error: (message) => channel.error(redact(message)),
    warn: (message) => channel.warn(redact(message)),
    info: (message) => channel.info(redact(message)),
    debug: (message) => channel.debug(redact(message)),
    show: () => channel.show(true),
  };
}

/** A message for any thrown value, redacted. */
export function errorMessage(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error));
}
