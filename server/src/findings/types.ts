/**
 * The analysis engine's public vocabulary: image references found in YAML, findings produced by the
 * rules, and the environment the rules run in. The language server (server/src/lsp/) and the `lint`
 * CLI both build on exactly these types; neither re-implements a rule.
 */
import type { ImageReference } from '../reference/imageReference';
import type { ConnectionSettings, Credentials, Provider, PullCheckResult, RegistryEntry } from '../registry/types';
import type { CredentialAnswer } from '../registry/credentials/credentialGate';
import type { RegistriesConfig } from '../store/types';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export const RULE_CODES = [
  'invalid-reference',
  'registry-not-connected',
  'credentials-missing',
  'tag-not-found',
  'repository-not-found',
  'pull-denied',
  'unauthorized',
  'tag-latest',
  'tag-missing',
  'digest-pinning',
  'proxy-app-mismatch',
  'registries-file',
  /** Extension: the pull check could not run (network, TLS, rate limit); never a false "not found". */
  'pull-check-failed',
  /** A manifest, values, Compose or Kustomize file that is not valid YAML (never Helm chart templates). */
  'yaml-syntax',
  /** A Compose `${VAR}` in an image with no value in `.env` and no default: the image cannot be checked. */
  'variable-unresolved',
  /** The file (or a document in it) exceeds an input bound (size, nesting, alias expansion, time): it is not fully checked. */
  'analysis-limit',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleInfo {
  code: RuleCode;
  defaultSeverity: Severity | 'off';
  title: string;
  /** Markdown: what the finding means and how to fix it. */
  help: string;
}

export type ImageKind =
  | 'container'
  /** An `image` (or `imageName`, `*Image`) key elsewhere in a Kubernetes resource: custom resources. */
  | 'resource'
  | 'additional-image'
  | 'excluded-image'
  | 'collector'
  | 'helm-values'
  | 'helm-template'
  | 'helmchart-values'
  | 'compose'
  | 'kustomize';

export interface RelatedLocation {
  /** Absolute (or as-given) path of the file holding the related text. */
  file: string;
  start: number;
  end: number;
  message: string;
}

export type ImagePartRole = 'registry' | 'repository' | 'tag' | 'digest' | 'image';

export interface ImagePart {
  role: ImagePartRole;
  start: number;
  end: number;
  text: string;
  /** Set when the part sits in another file (a chart's values.yaml). */
  file?: string;
}

/** One image reference found in a file. */
export interface FoundImage {
  /** As written (after YAML unquoting; for Helm blocks the assembled reference). */
  text: string;
  /** Offsets in the file text of the scalar (inside quotes). */
  start: number;
  end: number;
  kind: ImageKind;
  /** Contains `{{ }}`, `repl{{ }}`, `{{repl }}` (or Compose `${VAR}`) and could not be resolved. */
  templated: boolean;
  /** Parsed when valid and not templated. */
  reference?: ImageReference;
  /** When under a proxy prefix: the upstream reference. */
  upstream?: ImageReference;
  proxy?: { domain: string; appSlug: string };
  /** Helm image blocks: where each part sits (may be in values.yaml). */
  parts?: ImagePart[];
  /** Helm template → values.yaml location. */
  related?: RelatedLocation[];
  /**
   * True when the scalar text maps 1:1 onto the file (plain, or quoted without escapes), so that
   * `start + span` offsets from the reference parser land on the right characters.
   */
  exact?: boolean;
  /**
   * Helm chart templates: the `{{ .Values.a.b }}` expressions the value is built from, so that
   * `resolveHelmTemplateImages` can fill the reference from the chart's values.yaml.
   */
  helmTemplate?: HelmTemplateExpression;
  /** Compose interpolation that found no value (the image stays `templated`, unchecked): which variable, where. */
  unresolvedVariables?: UnresolvedVariable[];
}

/** A variable of an image with no value where it was looked up. */
export interface UnresolvedVariable {
  /** The variable's name (empty when the interpolation syntax itself is broken). */
  name: string;
  /** Offsets in the file of the `${...}` (the whole scalar when it cannot be placed exactly). */
  start: number;
  end: number;
  /** Why there is no value, and what to do. */
  message: string;
}

/** A template value split into literal text and `.Values` look-ups, each with its offsets in the file. */
export interface HelmTemplateExpression {
  pieces: Array<{ literal: string } | { valuesPath: string[]; defaultLiteral?: string; start: number; end: number }>;
}

export interface FindImagesOptions {
  /** Proxy domains besides `proxy.replicated.com` (config.customDomains.proxy). */
  proxyDomains?: string[];
  /** Where `text` starts in the whole file (findImages on one document slice). Ranges are file offsets. */
  offset?: number;
}

export interface FindingData {
  domain?: string;
  path?: string;
  tag?: string | null;
  digest?: string | null;
  registrySlug?: string;
  /** The connected registry's endpoint (`credentials-missing`: the CLI groups its findings per registry). */
  registryEndpoint?: string;
  /** `credentials-missing` when credentials exist but the credential gate refused them for this entry: why, and what to do. */
  credentialsWithheld?: string;
  provider?: Provider;
  digestFound?: string;
  proxyReference?: string;
  canonical?: string;
  /** The pull check verdict behind a remote finding (or the reason it could not run). */
  verdict?: PullCheckResult['verdict'];
}

export interface Finding {
  code: RuleCode;
  severity: Severity;
  message: string;
  /** Offsets in the analyzed file's text. */
  start: number;
  end: number;
  /** The image text as written. */
  reference: string;
  related?: RelatedLocation[];
  data?: FindingData;
}

/** The part of the registry client the rules need (server/src/registry/registryClient.ts satisfies it). */
export interface PullChecker {
  checkPull(
    connection: ConnectionSettings,
    credentials: Credentials | undefined,
    target: { repository: string; reference: string },
    options?: { signal?: AbortSignal },
  ): Promise<PullCheckResult>;
}

export interface AnalysisEnvironment {
  /** The team's registries, defaults filled (server/src/store/types.ts). */
  config: RegistriesConfig;
  /** From settings; `config.rules` also applies (settings win). */
  severityOverrides?: Partial<Record<RuleCode, Severity | 'off'>>;
  /** No network checks. */
  offline: boolean;
  registryClient?: PullChecker;
  /** This user's credentials for a team registry, through the credential gate (registry/credentials/credentialGate.ts): `withheld` says why none may be used. */
  credentialsFor(entry: RegistryEntry): Promise<CredentialAnswer>;
  /** For values.yaml resolution (workspace file system or open documents). */
  readFile?(path: string): Promise<string | undefined>;
  /** Synchronous variant (open documents or the file system); used for values.yaml when `readFile` is absent. */
  readFileSync?(path: string): string | undefined;
}

/**
 * The `parserCode` of an input bound reached while reading a document (alias expansion, document size,
 * nesting depth, time): carried with the syntax errors, shown by the `analysis-limit` rule, not `yaml-syntax`.
 */
export const ANALYSIS_LIMIT_CODE = 'ANALYSIS_LIMIT';

/** A YAML syntax error reported by the `yaml` parser, located in the analyzed text. */
export interface YamlSyntaxError {
  /** Offsets in the analyzed text of the offending characters. */
  start: number;
  end: number;
  /** The parser's own message (for example "Missing closing \"quote"). */
  message: string;
  /** The parser's error code (for example `MISSING_CHAR`, `BAD_INDENT`). */
  parserCode: string;
}

/** What reading a YAML text yields: its image references and its syntax errors (offsets in the text). */
export interface ImageScan {
  images: FoundImage[];
  /** None for Helm chart templates and templated files, which are not YAML until rendered. */
  syntaxErrors: YamlSyntaxError[];
}

/** A document's extent inside a multi-document YAML text: [start, end). */
export interface DocumentRange {
  start: number;
  end: number;
}
