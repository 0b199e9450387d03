import { UsageError, type CliIO } from '../io';

// Placeholder: the `registry` command is being built.
export function run(_argv: string[], _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError('"registry" is not available yet'));
}
