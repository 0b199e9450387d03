/** The errors the registries file's readers and editors throw, each with what to do next. */
import type { ConfigProblem } from './types';

/** Thrown when the file cannot be used; the message lists `file:line:col message` lines and how to fix them. */
export class RegistriesFileError extends Error {
  constructor(
    readonly filePath: string,
    readonly problems: ConfigProblem[],
  ) {
    const errors = problems.filter((p) => p.severity === 'error');
    const shown = errors.length > 0 ? errors : problems;
    const lines = shown.map((p) => `  ${filePath}:${p.line}:${p.column} ${p.message}`);
    super(
      `${filePath} has ${shown.length} problem${shown.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n` +
        `Fix ${shown.length === 1 ? 'it' : 'them'} in the file (its schema is schemas/registries.schema.json; the editor shows the same messages) and run the command again.`,
    );
    this.name = 'RegistriesFileError';
  }
}

/** Thrown by edits when the text cannot be edited safely (broken YAML, unexpected shape, no such entry). */
export class RegistriesEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistriesEditError';
  }
}

/** Thrown when no registry matches a slug or endpoint. */
export class RegistryNotFoundError extends Error {
  constructor(
    readonly nameOrEndpoint: string,
    known: string[],
  ) {
    super(
      `no registry named "${nameOrEndpoint}"` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the file lists no registries)') +
        '; run `replicated-registries registry ls` to see them',
    );
    this.name = 'RegistryNotFoundError';
  }
}
