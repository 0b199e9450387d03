/**
 * The CLI's one flag parser: Node's own `util.parseArgs` (strict: unknown flags and missing values are
 * errors), with what it leaves to its callers done once here — allowed values of a string flag,
 * comma-separated list flags (`--app-ids a,b --app-ids c`), help lines, and every parse error said as a
 * UsageError (exit 2) with the flag's name and a "did you mean".
 */
import { parseArgs } from 'node:util';
import { UsageError } from './io';

export type FlagType = 'boolean' | 'string' | 'list';

export interface FlagSpec {
  type: FlagType;
  /** One-letter alias, without the dash. */
  short?: string;
  description: string;
  /** Placeholder in help, e.g. `PATH`. */
  valueName?: string;
  /** Allowed values of a string flag. */
  choices?: readonly string[];
}

export type FlagSpecs = Record<string, FlagSpec>;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['type'] extends 'list' ? string[] : string;
};

export interface ParsedArgs<S extends FlagSpecs> {
  flags: ParsedFlags<S>;
  positionals: string[];
}

type NodeOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Parses `argv` against `specs`; `context` names the command in messages ("registry ls"). */
export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S, context = 'this command'): ParsedArgs<S> {
  const options: NodeOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.type === 'list' ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, specs, context));
  }
  const flags: Record<string, string | boolean | string[]> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const spec = specs[name];
    if (!spec || value === undefined) continue;
    if (spec.type === 'list') {
      flags[name] = (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).map((s) => s.trim()).filter((s) => s !== '');
    } else if (spec.type === 'string') {
      const text = String(Array.isArray(value) ? value[value.length - 1] : value);
      if (spec.choices && !spec.choices.includes(text)) throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, not "${text}"`);
      flags[name] = text;
    } else {
      flags[name] = value === true;
    }
  }
  return { flags: flags as ParsedFlags<S>, positionals: parsed.positionals };
}

/** Node's messages name the option in quotes: turn them into ours, with what to do. */
function describeParseError(err: unknown, specs: FlagSpecs, context: string): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  // Node quotes the option as '--name', '-n' or '-n, --name <value>'.
  const quotedText = /'([^']*)'/.exec(message)?.[1] ?? '';
  const long = /--([A-Za-z0-9][\w-]*)/.exec(quotedText)?.[1];
  const short = /(?:^|\s)-(\w)\b/.exec(quotedText)?.[1];
  const longName = long ?? Object.entries(specs).find(([, s]) => s.short === short)?.[0] ?? short ?? '';
  const spec = specs[longName];
  const quoted = long ? `--${long}` : short ? `-${short}` : quotedText;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownFlagMessage(quoted || message, specs, context);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec) {
    if (spec.type === 'boolean') return `--${longName} takes no value`;
    return `--${longName} needs a value${spec.valueName ? ` (${spec.valueName})` : ''}${/ambiguous/.test(message) ? `; to give one that starts with "-", write --${longName}=VALUE` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${context} takes no argument "${quoted}"`;
  return `${message.replace(/\.$/, '')} (see --help)`;
}

function unknownFlagMessage(flag: string, specs: FlagSpecs, context: string): string {
  const names = Object.keys(specs);
  const bare = flag.replace(/^-+/, '');
  const similar = names.find((n) => n.startsWith(bare) || bare.startsWith(n) || n.replace(/-/g, '') === bare.replace(/-/g, ''));
  return `unknown flag ${flag} for ${context}${similar ? `; did you mean --${similar}?` : ''} (see --help)`;
}

/** Help lines for a set of flags, aligned. */
export function formatFlagHelp(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` ${spec.valueName ?? (spec.choices ? spec.choices.join('|') : 'VALUE')}`;
    return [`${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, description]) => `  ${left.padEnd(width)}  ${description}`).join('\n');
}
