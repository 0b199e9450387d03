import { UsageError, type CliIO } from '../io';

// Placeholder: the `ref` command is being built.
export function run(_argv: string[], _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError('"ref" is not available yet'));
}
