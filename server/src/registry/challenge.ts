/**
 * `WWW-Authenticate` parsing (RFC 7235 §4.1, RFC 9110 §11.6.1). Pure: no I/O.
 *
 * Registries send one or several headers, and one header line may hold several challenges
 * (`Bearer realm="...",service="...", Basic realm="..."`). Scheme names and parameter names are
 * case-insensitive; quoted values may contain commas and backslash escapes; a scheme may carry a
 * token68 instead of parameters (`Negotiate YIIB...==`).
 */

export interface AuthChallenge {
  /** Lower-cased scheme, e.g. `bearer`, `basic`. */
  scheme: string;
  /** Parameters with lower-cased names; values as sent (quotes removed, escapes resolved). */
  params: Record<string, string>;
  /** The token68 form, when the challenge carried one instead of parameters. */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/** Parses every challenge of every given header value, in order. Malformed fragments are skipped, never thrown. */
export function parseWwwAuthenticate(headerValues: string | readonly string[] | undefined): AuthChallenge[] {
  if (headerValues === undefined) return [];
  const lines = typeof headerValues === 'string' ? [headerValues] : headerValues;
  const challenges: AuthChallenge[] = [];
  for (const line of lines) parseLine(line, challenges);
  return challenges;
}

/** The first challenge with the given scheme (case-insensitive), if any. */
export function findChallenge(challenges: readonly AuthChallenge[], scheme: string): AuthChallenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((c) => c.scheme === wanted);
}

function parseLine(text: string, out: AuthChallenge[]): void {
  let pos = 0;
  const length = text.length;
  let current: AuthChallenge | undefined;

  const skipWhitespace = (): void => {
    while (pos < length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < length && TCHAR.test(text[pos] ?? '')) pos++;
    return text.slice(start, pos);
  };
  const readQuoted = (): string => {
    // pos is on the opening quote.
    pos++;
    let value = '';
    while (pos < length) {
      const ch = text[pos] ?? '';
      if (ch === '\\' && pos + 1 < length) {
        value += text[pos + 1] ?? '';
        pos += 2;
        continue;
      }
      if (ch === '"') {
        pos++;
        return value;
      }
      value += ch;
      pos++;
    }
    return value; // unterminated: take the rest, leniently
  };
  /** Unquoted values should be tokens; registries sometimes send bare URLs, so read up to a comma or space. */
  const readBareValue = (): string => {
    const start = pos;
    while (pos < length && text[pos] !== ',' && text[pos] !== ' ' && text[pos] !== '\t') pos++;
    return text.slice(start, pos);
  };
  const skipToNextComma = (): void => {
    let quoted = false;
    while (pos < length) {
      const ch = text[pos];
      if (ch === '\\' && quoted) pos++;
      else if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) return;
      pos++;
    }
  };
  /** A token68 is only accepted when it is followed by the end of the line or a comma. */
  const tryToken68 = (): string | undefined => {
    const start = pos;
    while (pos < length && TOKEN68_CHAR.test(text[pos] ?? '')) pos++;
    if (pos === start) return undefined;
    while (pos < length && text[pos] === '=') pos++;
    const candidate = text.slice(start, pos);
    skipWhitespace();
    if (pos >= length || text[pos] === ',') return candidate;
    pos = start;
    return undefined;
  };

  while (pos < length) {
    skipWhitespace();
    if (pos >= length) break;
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    const token = readToken();
    if (token === '') {
      skipToNextComma();
      continue;
    }
    const afterToken = pos;
    skipWhitespace();
    if (current && text[pos] === '=') {
      // `name = value`: a parameter of the current challenge.
      pos++;
      skipWhitespace();
      const value = text[pos] === '"' ? readQuoted() : readBareValue();
      const name = token.toLowerCase();
      if (!(name in current.params)) current.params[name] = value;
      skipWhitespace();
      if (pos < length && text[pos] !== ',') skipToNextComma();
      continue;
    }
    // Otherwise the token starts a new challenge.
    current = { scheme: token.toLowerCase(), params: {} };
    out.push(current);
    if (pos === afterToken) continue; // no space after the scheme: nothing else belongs to it
    const token68 = tryToken68();
    if (token68 !== undefined) current.token68 = token68;
  }
}
