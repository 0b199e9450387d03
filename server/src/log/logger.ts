/** A tiny logger interface the engine writes to; the LSP side forwards to the connection, the CLI to stderr. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

const knownSecrets = new Set<string>();
/** knownSecrets, longest first, so a secret containing a shorter one is masked whole. */
let secretsLongestFirst: string[] = [];

/** Secrets shorter than this are not registered: a one- or two-character "secret" would blank out ordinary text. */
const MIN_SECRET_LENGTH = 3;

/** Remember a secret so that any later log line or error message containing it is redacted. */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH || knownSecrets.has(secret)) return;
  knownSecrets.add(secret);
  secretsLongestFirst = [...knownSecrets].sort((a, b) => b.length - a.length);
}

/** Patterns redact() masks, each with a cheap test first: most texts (thousands of diagnostics per edit) match none, and must not be copied. */
const AUTHORIZATION = /(authorization:\s*)(basic|bearer)?\s*[^\s,;"]+/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi;
const HAS_URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i;
const SECRET_JSON_FIELD = /("(?:password|secret|token|access_token|refresh_token|identitytoken|auth|Secret)"\s*:\s*")[^"]*(")/g;
const HAS_SECRET_JSON_FIELD = /"(?:password|secret|token|access_token|refresh_token|identitytoken|auth|Secret)"\s*:/;

/**
 * Replace known secrets, Authorization headers, URL userinfo (`scheme://user:password@`, `scheme://token@`)
 * and token-looking JSON fields. Returns `text` itself when there is nothing to mask.
 */
export function redact(text: string): string {
  let out = text;
  for (const s of secretsLongestFirst) if (out.includes(s)) out = out.split(s).join('****');
  if (out.includes('uthorization') || out.includes('UTHORIZATION')) out = out.replace(AUTHORIZATION, (_m, p1: string, p2?: string) => `${p1}${p2 ? p2 + ' ' : ''}****`);
  if (out.includes('://') && HAS_URL_USERINFO.test(out)) out = out.replace(URL_USERINFO, '$1****@');
  if ((out.includes('":') || out.includes('" :')) && HAS_SECRET_JSON_FIELD.test(out)) out = out.replace(SECRET_JSON_FIELD, '$1****$2');
  return out;
}

/** Wraps a logger so everything passing through it is redacted. */
export function redactingLogger(inner: Logger): Logger {
  return {
    error: (m) => inner.error(redact(m)),
    warn: (m) => inner.warn(redact(m)),
    info: (m) => inner.info(redact(m)),
    debug: (m) => inner.debug(redact(m)),
  };
}
