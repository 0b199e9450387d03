import { UsageError, type CliIO } from '../io';

// Placeholder: the `lsp` command is being built.
export function run(_argv: string[], _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError('"lsp" is not available yet'));
}
