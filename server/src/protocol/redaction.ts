/**
 * The redaction both sides apply to everything they log, declared once: the engine's own (log/logger.ts).
 * The extension registers the secrets it holds (SecretStorage, the portal token, what the user types)
 * and passes every log line and LSP trace through `redact`.
 */
export { redact, registerSecret, type Logger } from '../log/logger';
