/**
 * `replicated-registries ref REF... [-o text|json]`: explains image references the way Docker reads
 * them — valid or not (Docker's message, with carets under the offending characters), and what Docker
 * would pull. Exit 0 when every reference is valid, 1 when one is not, 2 on a usage error.
 */
import { parseFlags, type FlagSpecs } from '../flags';
import { ExitCode, UsageError, type CliIO } from '../io';
import { parseImageReference } from '../../reference/parse';
import { parseProxyReference } from '../../reference/proxy';
import type { ImageReference, TextSpan } from '../../reference/imageReference';

const HELP = `Usage: replicated-registries ref REF... [-o text|json]

Explain image references the way Docker reads them: whether each is valid (with Docker's
error message and the offending characters marked), its registry host, repository path,
tag, digest, familiar name and the fully qualified reference Docker would pull.

Flags:
  -o, --output FORMAT   text (default) or json: one JSON array with, per reference,
                        input, valid, error, errorSpan, hint, domain, path, tag,
                        digest, familiar, canonical
  -h, --help            show this help
  --                    end of flags (for a reference that starts with "-")

Exit status: 0 when every reference is valid, 1 when any is invalid, 2 on a usage error.

Examples:
  replicated-registries ref nginx ghcr.io/acme/app:1.2 'localhost:5000'
  replicated-registries ref 'Foo/bar' 'docker/Docker' -o json
`;

type OutputFormat = 'text' | 'json';

interface RefOptions {
  format: OutputFormat;
  references: string[];
  help: boolean;
}

/** One entry of `-o json`; the shape is stable for scripts (null rather than absent). */
export interface RefJsonEntry {
  input: string;
  valid: boolean;
  error?: string;
  /** Offsets of the offending characters in `input` (start inclusive, end exclusive). */
  errorSpan?: TextSpan;
  /** What to do about the error. */
  hint?: string;
  domain: string | null;
  path: string | null;
  tag: string | null;
  digest: string | null;
  familiar: string | null;
  canonical: string | null;
}

const REF_FLAGS = {
  output: { type: 'string', short: 'o', choices: ['text', 'json'], description: 'output format' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagSpecs;

function parseArgs(argv: string[]): RefOptions {
  const { flags, positionals } = parseFlags(argv, REF_FLAGS, 'ref (put -- before a reference that starts with "-")');
  return { format: (flags.output as OutputFormat | undefined) ?? 'text', references: positionals, help: flags.help === true };
}

function toJsonEntry(input: string): RefJsonEntry {
  const result = parseImageReference(input);
  if (!result.ok) {
    return {
      input,
      valid: false,
      error: result.error.message,
      errorSpan: result.error.span,
      ...(result.error.hint ? { hint: result.error.hint } : {}),
      domain: null,
      path: null,
      tag: null,
      digest: null,
      familiar: null,
      canonical: null,
    };
  }
  const { domain, path, tag, digest, familiar, canonical } = result.reference;
  return { input, valid: true, domain, path, tag, digest, familiar, canonical };
}

/** Control characters would break the caret alignment; show them as `?` (same width). */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The input with a line of carets under `span` (one caret for an empty span). */
export function caretLines(input: string, span: TextSpan, indent = '    '): string {
  const width = Math.max(1, span.end - span.start);
  return `${indent}${printable(input)}\n${indent}${' '.repeat(span.start)}${'^'.repeat(width)}\n`;
}

function describeValid(ref: ImageReference): string {
  const lines = [
    ['domain', ref.domain || '(none: Docker reads the first component as part of the path)'],
    ['path', ref.path],
    ['tag', ref.tag ?? (ref.digest ? '(none)' : `(none: Docker pulls "latest")`)],
    ['digest', ref.digest ?? '(none)'],
    ['familiar', ref.familiar],
    ['canonical', ref.canonical],
  ];
  const proxy = parseProxyReference(ref, []);
  if (proxy) lines.push(['proxy', `app "${proxy.appSlug}" pulls ${proxy.upstream.canonical} through ${proxy.proxyDomain}`]);
  return lines.map(([label, value]) => `  ${`${label}:`.padEnd(11)}${value}\n`).join('');
}

function describe(input: string): { text: string; valid: boolean } {
  const title = input === '' ? '(empty reference)' : printable(input);
  const result = parseImageReference(input);
  if (result.ok) return { text: `${title}: valid\n${describeValid(result.reference)}`, valid: true };
  const hint = result.error.hint ? `  hint: ${result.error.hint}\n` : '';
  return { text: `${title}: invalid\n  ${result.error.message}\n${caretLines(input, result.error.span)}${hint}`, valid: false };
}

export function run(argv: string[], io: CliIO): Promise<number> {
  let options: RefOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`replicated-registries: ${err.message}\n`);
    return Promise.resolve(ExitCode.usage);
  }
  if (options.help) {
    io.stdout.write(HELP);
    return Promise.resolve(ExitCode.ok);
  }
  if (options.references.length === 0) {
    io.stderr.write('replicated-registries: "ref" needs at least one image reference, e.g. `replicated-registries ref nginx:1.27`\n');
    return Promise.resolve(ExitCode.usage);
  }

  let allValid = true;
  if (options.format === 'json') {
    const entries = options.references.map(toJsonEntry);
    allValid = entries.every((entry) => entry.valid);
    io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  } else {
    const blocks = options.references.map(describe);
    allValid = blocks.every((block) => block.valid);
    io.stdout.write(blocks.map((block) => block.text).join('\n'));
  }
  return Promise.resolve(allValid ? ExitCode.ok : ExitCode.failed);
}
