/**
 * The analysis engine's public vocabulary: image references found in YAML, findings produced by the
 * rules, and the environment the rules run in. The language server (server/src/lsp/) and the `lint`
 * CLI both build on exactly these types; neither re-implements a rule.
 */
import type { ImageReference } from '../reference/imageReference';
import type { Provider, PullChecker, PullCheckResult, RegistryEntry } from '../registry/types';
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
  /** The customer's pull: a private image an install pulls directly, not through the proxy or the local registry. */
  'not-proxied',
  /** A proxy or Replicated registry host whose path does not have the proxy shape. */
  'proxy-path-malformed',
  /** A pod pulling through the proxy (or the Replicated registry) without the pull secret KOTS or the SDK provides. */
  'pull-secret-missing',
  /** A public Docker Hub image in a chart without a pull secret: customers may hit Docker Hub's rate limit. */
  'dockerhub-rate-limit',
  /** An image an air gap install pulls that will not be in the air gap bundle (or not on the local registry). */
  'airgap-missing',
  /** A proxy reference where KOTS rewrites images itself (manifests, additionalImages): a double proxy prefix. */
  'double-proxy-prefix',
  /** A KOTS template function name written outside `repl{{ }}` in an image value. */
  'kots-function-literal',
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
   * How the release evaluated this image (chart values, `.Chart.AppVersion`, KOTS templates), for the
   * hover: which value each piece came from, the conditions assumed, what was left unevaluated.
   */
  evaluation?: ImageEvaluation;
  /**
   * Set on a chart template's image made from values.yaml: it is reported once, on the values line
   * (that file's analysis reports it, with this template line related), so not here.
   */
  reportedElsewhere?: string;
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

/** One piece of an evaluated image and the value it came from. */
export interface EvaluatedPiece {
  text: string;
  /** `.Values.image.tag`, `.Chart.AppVersion (Chart.yaml appVersion)`, `HelmChart values image.repository`, `template text`. */
  label: string;
  file?: string;
}

export interface ImageEvaluation {
  /** What was evaluated: `chart acme-api defaults`, `HelmChart acme-api (online)`, `KOTS template (online)`. */
  context: string;
  pieces: EvaluatedPiece[];
  /** Conditions this outcome was computed under (`.Values.image.digest` = false). */
  assumptions: Array<{ condition: string; taken: string }>;
  /** Set when the image stays a template: what could not be evaluated. */
  unevaluated?: string[];
  /** Set when the image is not rendered with these values: why. */
  notRendered?: string;
  /** A packaged chart's image, reported read-only on the HelmChart: where it really sits. */
  readOnlyFrom?: string;
}

export interface FindImagesOptions {
  /** Proxy domains besides `proxy.replicated.com` (config.customDomains.proxy). */
  proxyDomains?: string[];
  /** Where `text` starts in the whole file (findImages on one document slice). Ranges are file offsets. */
  offset?: number;
  /**
   * The team's registries by name (slug, lower-case) → endpoint, for the proxy's registry-name form
   * `<proxy-domain>/proxy/<app>/<registry-name>/<repository>` (docs/vendor/packaging-private-images.md).
   */
  registryNames?: ReadonlyMap<string, string>;
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
  /** Ready-made fixes (text edits, possibly in other files of the release), offered as quick fixes. */
  fixes?: FindingFix[];
  /** The install mode a customer-pull finding is about. */
  mode?: 'online' | 'airgap' | 'helm';
}

/** A replacement of text[start, end) in `file` (offsets in that file's current text). */
export interface FileEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface FindingFix {
  title: string;
  edits: FileEdit[];
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

export type { PullChecker };

/**
 * What the rules run with. `Release` is the release model (release/release.ts, which names this type with it
 * as `ReleaseEnvironment`): a parameter, so this vocabulary stays below the model that uses it.
 */
export interface AnalysisEnvironment<Release = unknown> {
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
  /** Synchronous variant (open documents or the file system). */
  readFileSync?(path: string): string | undefined;
  /**
   * The release the file belongs to (KOTS HelmCharts and their charts, Config items, install modes),
   * loaded once per run and shared by every file. Without it, chart templates stay templates.
   */
  release?: () => Promise<Release | undefined>;
  /**
   * Told when the evaluation of the release (charts, KOTS templates) fails on some input: that file then
   * gets its findings without it, and the run goes on. `lint` prints it; the language server logs it.
   */
  reportEngineError?(what: string, filePath: string, error: unknown): void;
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
