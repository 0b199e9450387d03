/**
 * A small flag parser shared by the CLI commands: `--flag value`, `--flag=value`, `-f value`,
 * `-fvalue`, booleans (`--flag`, `--flag=false`), repeatable list flags (`--app-ids a,b --app-ids c`),
 * `--` to end flags. Unknown flags and missing values are UsageErrors (exit 2).
 */
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

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S, context = 'this command'): ParsedArgs<S> {
  const flags: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);

  const assign = (name: string, spec: FlagSpec, value: string | undefined, shown: string): void => {
    if (spec.type === 'boolean') {
      if (value === undefined) flags[name] = true;
      else if (TRUE_WORDS.has(value.toLowerCase())) flags[name] = true;
      else if (FALSE_WORDS.has(value.toLowerCase())) flags[name] = false;
      else throw new UsageError(`${shown} takes true or false, not "${value}"`);
      return;
    }
    if (value === undefined) throw new UsageError(`${shown} needs a value${spec.valueName ? ` (${spec.valueName})` : ''}`);
    if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`${shown} must be one of ${spec.choices.join(', ')}, not "${value}"`);
    if (spec.type === 'list') {
      const previous = flags[name];
      const items = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      flags[name] = [...(Array.isArray(previous) ? previous : []), ...items];
    } else {
      flags[name] = value;
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = specs[name];
      if (!spec) throw new UsageError(unknownFlagMessage(`--${name}`, specs, context));
      let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (value === undefined && spec.type !== 'boolean') {
        value = takeValue(argv[i + 1], specs);
        if (value !== undefined) i++;
      }
      assign(name, spec, value, `--${name}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1] ?? '';
      const name = byShort.get(letter);
      const spec = name ? specs[name] : undefined;
      if (!name || !spec) throw new UsageError(unknownFlagMessage(`-${letter}`, specs, context));
      let value: string | undefined;
      if (arg.length > 2) value = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
      else if (spec.type !== 'boolean') {
        value = takeValue(argv[i + 1], specs);
        if (value !== undefined) i++;
      }
      assign(name, spec, value, `-${letter}`);
      continue;
    }
    positionals.push(arg);
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

/** The next argument as a flag's value, unless it is itself one of the known long flags (`--username --password-stdin`). */
function takeValue(next: string | undefined, specs: FlagSpecs): string | undefined {
  if (next === undefined) return undefined;
  if (next.startsWith('--')) {
    const name = next.slice(2).split('=')[0] ?? '';
    if (name in specs) return undefined;
  }
  return next;
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
