/**
 * The extension's one log: a `LogOutputChannel` (never revealed by itself) behind the engine's `Logger`
 * interface, with every line — and every LSP trace line — redacted first (protocol/redaction.ts).
 */
import type * as vscode from 'vscode';
import { redact, type Logger } from '../../server/src/protocol/redaction';

export interface ClientLogger extends Logger {
  readonly channel: vscode.LogOutputChannel;
  /** The same channel for the language client's traces: each line redacted before it is written. */
  readonly traceChannel: vscode.OutputChannel;
  show(): void;
}

export function createClientLogger(channel: vscode.LogOutputChannel): ClientLogger {
  const traceChannel: vscode.OutputChannel = {
    name: channel.name,
    append: (value) => channel.append(redact(value)),
    appendLine: (value) => channel.appendLine(redact(value)),
    replace: (value) => channel.replace(redact(value)),
    clear: () => channel.clear(),
    show: (...args: unknown[]) => channel.show(...(args as [boolean?])),
    hide: () => channel.hide(),
    dispose: () => undefined,
  };
  return {
    channel,
    traceChannel,
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
