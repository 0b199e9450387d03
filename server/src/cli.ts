// CLI bundle entry: everything lives in cli/main.
import { main } from './cli/main';
import { redact } from './log/logger';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(redact(`replicated-registries: ${err instanceof Error ? err.message : String(err)}\n`));
    process.exitCode = 2;
  },
);
