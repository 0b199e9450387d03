import { UsageError, type CliIO } from '../io';

// Placeholder: the `lint` command is being built.
export function run(_argv: string[], _io: CliIO): Promise<number> {
  return Promise.reject(new UsageError('"lint" is not available yet'));
}
