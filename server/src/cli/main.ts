import { VERSION } from '../version';
import { processIO, redactingIO, UsageError, ExitCode, type CliIO } from './io';

const HELP = `replicated-registries — check your Replicated application's images against your team's registries

Usage:
  replicated-registries ref REF... [-o json]          explain image references the way Docker reads them
  replicated-registries registry add PROVIDER [flags] connect a registry (dockerhub|ecr|gar|gcr|ghcr|quay|other)
  replicated-registries registry ls [NAME]            list the team's registries
  replicated-registries registry rm NAME              remove a registry
  replicated-registries registry test NAME --image IMAGE
                                                      prove the saved credentials can pull IMAGE
  replicated-registries registry logs NAME            pull logs (vendor portal only)
  replicated-registries lint [PATH...]                check every image reference in the application
  replicated-registries images [PATH] [--mode MODE]   the images customers pull, per install mode
  replicated-registries lsp --stdio                   run the language server
  replicated-registries --version                     print the version (the extension's is the same)

Run a command with --help for its flags.
`;

/** Dispatches to a command module, loaded on first need so `ref` does not pay for the LSP. */
export async function main(argv: string[], given: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  // Everything printed passes through redact() — except the language server's stdout, which is the protocol channel.
  const io = command === 'lsp' ? given : redactingIO(given);
  try {
    switch (command) {
      case 'ref':
        return await (await import('./commands/ref')).run(rest, io);
      case 'registry':
        return await (await import('./commands/registry/index')).run(rest, io);
      case 'lint':
        return await (await import('./commands/lint')).run(rest, io);
      case 'images':
        return await (await import('./commands/images')).run(rest, io);
      case 'lsp':
        return await (await import('./commands/lsp')).run(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return command === undefined ? ExitCode.usage : ExitCode.ok;
      case '--version':
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        return ExitCode.ok;
      default:
        throw new UsageError(`unknown command "${command}"; run \`replicated-registries --help\``);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`replicated-registries: ${err.message}\n`);
      return ExitCode.usage;
    }
    throw err;
  }
}
