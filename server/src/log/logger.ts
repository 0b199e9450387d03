/** A tiny logger interface the engine writes to; the LSP side forwards to the connection, the CLI to stderr. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

const knownSecrets = new Set<string>();

/** Remember a secret so that any later log line or error message containing it is redacted. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) knownSecrets.add(secret);
}

/** Replace known secrets, Authorization headers, basic-auth URL userinfo and token-looking JSON fields. */
export function redact(text: string): string {
  let out = text;
  for (const s of knownSecrets) out = out.split(s).join('****');
  out = out.replace(/(authorization:\s*)(basic|bearer)?\s*[^\s,;"]+/gi, (_m, p1: string, p2?: string) => `${p1}${p2 ? p2 + ' ' : ''}****`);
  out = out.replace(/(https?:\/\/)[^/@\s:]+:[^/@\s]+@/gi, '$1****@');
  out = out.replace(/("(?:password|secret|token|access_token|refresh_token|identitytoken|auth|Secret)"\s*:\s*")[^"]*(")/g, '$1****$2');
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
