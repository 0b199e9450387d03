/**
 * Compose interpolation, as `docker compose config` applies it to `image:` (compose-spec
 * "Interpolation"): `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}`, `${VAR:?error}` /
 * `${VAR?error}`, `${VAR:+alternative}` / `${VAR+alternative}` (operands may nest), `$$` for a `$`.
 * Values come from the `.env` file next to the Compose file, never from this process's environment:
 * the editor's and CI's environments differ, and a check must mean the same in both.
 */
import path from 'node:path';
import type { AnalysisEnvironment, FoundImage, RelatedLocation, UnresolvedVariable } from '../findings/types';
import { toFoundImage } from './findImages';

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

type Piece = { literal: string } | { name: string; operator?: Operator; operand: Piece[]; start: number; end: number };

/** A `.env` value and where it is written (offsets in the `.env` text). */
export interface EnvValue {
  value: string;
  start: number;
  end: number;
}

/** Parsed template, or the offset where the syntax is broken (`${}`, an unclosed `${`). */
function parseTemplate(text: string, from: number, until: number, stopAtBrace: boolean): { pieces: Piece[]; end: number } | { brokenAt: number } {
  const pieces: Piece[] = [];
  let literal = '';
  let i = from;
  while (i < until) {
    const c = text[i] as string;
    if (stopAtBrace && c === '}') break;
    if (c !== '$') {
      literal += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      literal += '$';
      i += 2;
      continue;
    }
    const name = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(text.slice(next === '{' ? i + 2 : i + 1, until))?.[0];
    if (next !== '{') {
      if (!name) {
        literal += '$';
        i++;
        continue;
      }
      if (literal) pieces.push({ literal });
      literal = '';
      pieces.push({ name, operand: [], start: i, end: i + 1 + name.length });
      i += 1 + name.length;
      continue;
    }
    if (!name) return { brokenAt: i };
    let at = i + 2 + name.length;
    const operator = (['-', '?', '+'].includes(text[at] ?? '') ? text[at] : text[at] === ':' && ['-', '?', '+'].includes(text[at + 1] ?? '') ? `:${text[at + 1] as string}` : undefined) as Operator | undefined;
    let operand: Piece[] = [];
    if (operator) {
      const inner = parseTemplate(text, at + operator.length, until, true);
      if ('brokenAt' in inner) return inner;
      operand = inner.pieces;
      at = inner.end;
    }
    if (text[at] !== '}') return { brokenAt: i };
    if (literal) pieces.push({ literal });
    literal = '';
    pieces.push(operator ? { name, operator, operand, start: i, end: at + 1 } : { name, operand, start: i, end: at + 1 });
    i = at + 1;
  }
  if (literal) pieces.push({ literal });
  return { pieces, end: i };
}

type Resolution = { text: string; used: string[] } | { missing: { name: string; start: number; end: number; message: string } };

function resolvePieces(pieces: Piece[], values: ReadonlyMap<string, EnvValue>, envFile: string): Resolution {
  let text = '';
  const used: string[] = [];
  for (const piece of pieces) {
    if ('literal' in piece) {
      text += piece.literal;
      continue;
    }
    const entry = values.get(piece.name);
    const set = entry !== undefined;
    const nonEmpty = set && entry.value !== '';
    const operand = (): Resolution => resolvePieces(piece.operand, values, envFile);
    let part: Resolution;
    switch (piece.operator) {
      case ':-':
        part = nonEmpty ? { text: entry.value, used: [piece.name] } : operand();
        break;
      case '-':
        part = set ? { text: entry.value, used: [piece.name] } : operand();
        break;
      case ':+':
        part = nonEmpty ? operand() : { text: '', used: [] };
        break;
      case '+':
        part = set ? operand() : { text: '', used: [] };
        break;
      case ':?':
      case '?': {
        const ok = piece.operator === ':?' ? nonEmpty : set;
        if (ok) part = { text: entry?.value ?? '', used: [piece.name] };
        else {
          const error = resolvePieces(piece.operand, values, envFile);
          const detail = 'text' in error && error.text ? `: ${error.text}` : '';
          part = { missing: { name: piece.name, start: piece.start, end: piece.end, message: `${piece.name} is required${piece.operator === ':?' ? ' and must not be empty' : ''} but is not set in ${envFile} (docker compose stops with "required variable ${piece.name} is missing a value${detail}")` } };
        }
        break;
      }
      default:
        part = set
          ? { text: entry.value, used: [piece.name] }
          : { missing: { name: piece.name, start: piece.start, end: piece.end, message: `${piece.name} is not set in ${envFile} and has no default (docker compose would use an empty string); set it there, or write \${${piece.name}:-DEFAULT}` } };
    }
    if ('missing' in part) return part;
    text += part.text;
    used.push(...part.used);
  }
  return { text, used };
}

/**
 * `.env` as Compose reads it: `KEY=VALUE` lines (an `export ` prefix allowed), `#` comments; single
 * quotes literal, double quotes with `\n`-style escapes, unquoted values trimmed and cut at ` #`;
 * double-quoted and unquoted values interpolate variables defined above them.
 */
export function parseDotEnv(text: string): Map<string, EnvValue> {
  const values = new Map<string, EnvValue>();
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(line);
    if (match && !line.trimStart().startsWith('#')) {
      const valueStart = lineStart + match[0].length;
      const raw = line.slice(match[0].length);
      let value: string;
      let start = valueStart;
      let end = valueStart + raw.length;
      const quote = raw[0];
      if (quote === "'" || quote === '"') {
        let close = raw.indexOf(quote, 1);
        while (quote === '"' && close > 0 && isEscaped(raw, close)) close = raw.indexOf(quote, close + 1);
        const inner = raw.slice(1, close < 0 ? raw.length : close);
        start = valueStart + 1;
        end = start + inner.length;
        value = quote === "'" ? inner : interpolate(inner.replace(/\\(["\\nrt])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c), values);
      } else {
        const comment = raw.search(/\s#/);
        const trimmed = (comment < 0 ? raw : raw.slice(0, comment)).trim();
        end = start + trimmed.length;
        value = interpolate(trimmed, values);
      }
      values.set(match[1] as string, { value, start, end });
    }
    lineStart = lineEnd + 1;
  }
  return values;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function interpolate(text: string, values: ReadonlyMap<string, EnvValue>): string {
  if (!text.includes('$')) return text;
  const parsed = parseTemplate(text, 0, text.length, false);
  if ('brokenAt' in parsed) return text;
  const resolved = resolvePieces(parsed.pieces, values, '.env');
  return 'text' in resolved ? resolved.text : '';
}

/** Compose images whose text has a `$`: they are resolved against `.env` before any rule reads them. */
export function needsInterpolation(image: FoundImage): boolean {
  return image.kind === 'compose' && image.text.includes('$');
}

/**
 * The Compose images of `filePath` with `${VAR}` resolved from the `.env` beside it and the defaults
 * written in the file. A resolved image is checked like any other (its `.env` values as related
 * information); one that still lacks a value stays unchecked and names the variable.
 */
export async function resolveComposeImages(images: FoundImage[], filePath: string, env: Pick<AnalysisEnvironment, 'readFile' | 'readFileSync' | 'config'>): Promise<FoundImage[]> {
  if (!images.some(needsInterpolation)) return images;
  const envPath = path.join(path.dirname(filePath), '.env');
  const envText = env.readFile ? await env.readFile(envPath) : env.readFileSync?.(envPath);
  const values = envText === undefined ? new Map<string, EnvValue>() : parseDotEnv(envText);
  const envName = envText === undefined ? `.env (there is none next to ${path.basename(filePath)})` : '.env';
  return images.map((image) => (needsInterpolation(image) ? resolveOne(image, values, envPath, envName, env.config.customDomains.proxy) : image));
}

function resolveOne(image: FoundImage, values: ReadonlyMap<string, EnvValue>, envPath: string, envName: string, proxyDomains: string[]): FoundImage {
  const parsed = parseTemplate(image.text, 0, image.text.length, false);
  const at = (offset: number): number => (image.exact ? image.start + offset : image.start);
  const atEnd = (offset: number): number => (image.exact ? image.start + offset : image.end);
  if ('brokenAt' in parsed) {
    const unresolved: UnresolvedVariable = { name: '', start: at(parsed.brokenAt), end: image.end, message: `"${image.text.slice(parsed.brokenAt)}" is not valid interpolation (docker compose stops with "invalid interpolation format"); write \${NAME} or \${NAME:-default}, and $$ for a literal $` };
    return { ...image, templated: true, unresolvedVariables: [unresolved] };
  }
  const resolved = resolvePieces(parsed.pieces, values, envName);
  if ('missing' in resolved) {
    const { name, start, end, message } = resolved.missing;
    return { ...image, templated: true, unresolvedVariables: [{ name, start: at(start), end: atEnd(end), message }] };
  }
  const related: RelatedLocation[] = [];
  for (const name of new Set(resolved.used)) {
    const entry = values.get(name);
    if (entry) related.push({ file: envPath, start: entry.start, end: entry.end, message: `${name}=${entry.value} (.env)` });
  }
  const found = toFoundImage({ text: resolved.text, start: image.start, end: image.end, kind: 'compose', exact: false, interpolated: true }, proxyDomains);
  return related.length > 0 ? { ...found, related } : found;
}
