/**
 * Settings: pulled per resource with `workspace/configuration` (sections `replicated-registries` and
 * `http`), cached per URI, dropped on `didChangeConfiguration`. Clients without the configuration
 * request (some CLI editors) push their settings in `didChangeConfiguration` instead.
 */
import type { Connection } from 'vscode-languageserver/node';
import { RULE_CODES, type RuleCode, type Severity } from '../findings/types';

export const SETTINGS_SECTION = 'replicated-registries';

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface ServerSettings {
  /** Run pull checks (on open and save). */
  remoteChecks: boolean;
  /** How long registry answers stay cached. */
  cacheTtlSeconds: number;
  /** Per-rule severity overrides (`off|error|warning|info|hint`). */
  rules: Partial<Record<RuleCode, Severity | 'off'>>;
  trace: TraceLevel;
  /** VS Code's `http.proxy` / `http.proxyStrictSSL`. */
  http: { proxy?: string; proxyStrictSSL: boolean };
  /** Places marked per problem and file (DEFAULT_MAX_REPEATED_PROBLEMS); 0 marks every one. */
  maxRepeatedProblems: number;
}

/**
 * How many places of one problem a file's diagnostics mark (findings/cause.ts says what "one problem"
 * is); the first of them says how many more there are. Measured (bench/lspResponsiveness.bench.ts, the
 * 4.3 MB benchmark file without a registries file): every reference of an unconnected registry marked is
 * 9,373 diagnostics, 4.7 MB of JSON on every keystroke, edit → diagnostics p95 about 140 ms, most of it
 * writing and parsing that JSON (LSP sends a file's diagnostics whole); 20 per problem is 1,101
 * diagnostics with the same causes named. 20 is cSpell's `maxDuplicateProblems` default, and more marks
 * of one unconnected registry say nothing new.
 */
export const DEFAULT_MAX_REPEATED_PROBLEMS = 20;

export const DEFAULT_SETTINGS: ServerSettings = {
  remoteChecks: true,
  cacheTtlSeconds: 300,
  rules: {},
  trace: 'off',
  http: { proxyStrictSSL: true },
  maxRepeatedProblems: DEFAULT_MAX_REPEATED_PROBLEMS,
};

/** What the client may pass in `initializationOptions`. */
export interface InitializationOptions {
  /** How long after a keystroke an open document is analysed (DEFAULT_DIAGNOSTICS_DELAY_MS); tests shorten it. */
  diagnosticsDelayMs: number;
  /** How long an analysis worker with nothing to do is kept (DEFAULT_WORKER_IDLE_MS); tests shorten it. */
  analysisWorkerIdleMs: number;
  /** False in an untrusted workspace: no network checks, no credentials requested. */
  trusted: boolean;
  /** No network checks at all. */
  offline: boolean;
  /** The client answers `GetCredentialsRequest` (VS Code: from SecretStorage). */
  credentialsProvider: boolean;
  /**
   * The client answers GetPortalConnectionRequest (VS Code: the "Connect Vendor Portal" token from
   * SecretStorage). Sent as `portalConnectionProvider` (or `portalProvider`).
   */
  portalProvider: boolean;
  /** The client implements `ClientCommands` (the "Connect this registry" quick fix); defaults to `credentialsProvider`. */
  clientCommands: boolean;
  /** The client answers AllowInsecureConnectionRequest (VS Code: a prompt, remembered per machine). */
  insecureConsentProvider: boolean;
  /** Hosts whose `plainHttp` / `insecureSkipTLSVerify` may be used with credentials (the user's own editor configuration). */
  allowInsecure: string[];
}

/**
 * The default delay between a keystroke and the analysis of that version. Measured (bench/lspEdit and
 * bench/lspResponsiveness, 2-core machine): analysing a keystroke costs p50 2.5–3.2 ms, p95 5–6 ms on a
 * 500-line manifest, so the delay no longer protects the CPU — it only waits for a pause so squiggles do
 * not flicker mid-word. yaml-language-server waits 200 ms (its keystroke → diagnostics p95 is 250–260 ms
 * in the same run); 100 ms is longer than the gap between keystrokes of a fast typist inside a word
 * (60–100 ms) and shorter than a pause, so diagnostics land about 105 ms after the last keystroke, half
 * the peer's. It was 250 ms.
 */
export const DEFAULT_DIAGNOSTICS_DELAY_MS = 100;

/** How long an analysis worker with nothing to do is kept (ms): the measurement is in analysisWorker.ts. */
export const DEFAULT_WORKER_IDLE_MS = 30_000;

const SEVERITY_VALUES = new Set<string>(['off', 'error', 'warning', 'info', 'hint']);
const RULE_CODE_SET = new Set<string>(RULE_CODES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseInitializationOptions(raw: unknown): InitializationOptions {
  const options = isRecord(raw) ? raw : {};
  const delay = options.diagnosticsDelayMs;
  const idle = options.analysisWorkerIdleMs;
  return {
    diagnosticsDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? Math.min(delay, 10_000) : DEFAULT_DIAGNOSTICS_DELAY_MS,
    analysisWorkerIdleMs: typeof idle === 'number' && Number.isFinite(idle) && idle >= 0 ? Math.min(idle, 600_000) : DEFAULT_WORKER_IDLE_MS,
    trusted: options.trusted !== false,
    offline: options.offline === true,
    credentialsProvider: options.credentialsProvider === true,
    portalProvider: options.portalConnectionProvider === true || options.portalProvider === true,
    clientCommands: typeof options.clientCommands === 'boolean' ? options.clientCommands : options.credentialsProvider === true,
    insecureConsentProvider: options.insecureConsentProvider === true,
    allowInsecure: Array.isArray(options.allowInsecure) ? options.allowInsecure.filter((host): host is string => typeof host === 'string') : [],
  };
}

/** Turns whatever the client sent into complete, valid settings (unknown or ill-typed values fall back to defaults). */
export function normalizeSettings(section: unknown, httpSection: unknown): ServerSettings {
  const s = isRecord(section) ? section : {};
  const rules: ServerSettings['rules'] = {};
  if (isRecord(s.rules)) {
    for (const [code, level] of Object.entries(s.rules)) {
      if (RULE_CODE_SET.has(code) && typeof level === 'string' && SEVERITY_VALUES.has(level)) {
        rules[code as RuleCode] = level as Severity | 'off';
      }
    }
  }
  const traceRaw = isRecord(s.trace) ? s.trace.server : s['trace.server'];
  const trace: TraceLevel = traceRaw === 'messages' || traceRaw === 'verbose' ? traceRaw : 'off';
  const ttl = s.cacheTtlSeconds;
  const repeated = s.maxRepeatedProblems;
  const h = isRecord(httpSection) ? httpSection : {};
  const proxy = typeof h.proxy === 'string' && h.proxy.trim() !== '' ? h.proxy.trim() : undefined;
  return {
    remoteChecks: typeof s.remoteChecks === 'boolean' ? s.remoteChecks : DEFAULT_SETTINGS.remoteChecks,
    cacheTtlSeconds: typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : DEFAULT_SETTINGS.cacheTtlSeconds,
    rules,
    trace,
    http: { proxy, proxyStrictSSL: h.proxyStrictSSL !== false },
    maxRepeatedProblems: typeof repeated === 'number' && Number.isInteger(repeated) && repeated >= 0 ? repeated : DEFAULT_SETTINGS.maxRepeatedProblems,
  };
}

/** Per-URI settings cache. */
export class SettingsCache {
  private readonly byUri = new Map<string, Promise<ServerSettings>>();
  /** Settings pushed through didChangeConfiguration, for clients without `workspace/configuration`. */
  private pushed: ServerSettings = DEFAULT_SETTINGS;

  constructor(
    private readonly connection: Connection,
    private readonly clientSupportsConfiguration: () => boolean,
  ) {}

  /** The settings that apply to `uri` (or to the workspace when absent). Never rejects. */
  get(uri: string | undefined): Promise<ServerSettings> {
    if (!this.clientSupportsConfiguration()) return Promise.resolve(this.pushed);
    const key = uri ?? '';
    let cached = this.byUri.get(key);
    if (!cached) {
      cached = this.connection.workspace
        .getConfiguration([
          { scopeUri: uri, section: SETTINGS_SECTION },
          { scopeUri: uri, section: 'http' },
        ])
        .then(
          (values: unknown[]) => normalizeSettings(values[0], values[1]),
          () => {
            // A client that fails the request still gets a working server, with defaults; ask again next time.
            this.byUri.delete(key);
            return this.pushed;
          },
        );
      this.byUri.set(key, cached);
    }
    return cached;
  }

  /** didChangeConfiguration: forget everything; keep pushed settings when the client sent them. */
  changed(pushedSettings: unknown): void {
    this.byUri.clear();
    if (isRecord(pushedSettings) && (SETTINGS_SECTION in pushedSettings || 'http' in pushedSettings)) {
      this.pushed = normalizeSettings(pushedSettings[SETTINGS_SECTION], pushedSettings.http);
    }
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }
}
