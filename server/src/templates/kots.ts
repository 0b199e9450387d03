/**
 * KOTS template functions (`repl{{ }}` / `{{repl }}`), evaluated the way KOTS evaluates them for one
 * install mode. Sources, replicated-docs @3187d2d:
 *  - docs/reference/template-functions-config-context.md: HasLocalRegistry ("always true for air gap
 *    installations"), LocalRegistryHost/Namespace/Address, LocalImageName (proxy URL when private and
 *    no local registry; local name with one), ImagePullSecretName, ConfigOption / ConfigOptionEquals /
 *    ConfigOptionNotEquals;
 *  - docs/reference/template-functions-license-context.md: LicenseFieldValue, IsAirgap;
 *  - docs/partials/template-functions/_go-sprig.mdx: Go builtins and Sprig (ternary, print, printf).
 * And from KOTS's source (replicatedhq/kots @370ae90, pkg/template/config_context.go): without a local
 * registry, LocalRegistryHost/Namespace/Address return ""; ImagePullSecretName is `<app-slug>-registry`
 * (pkg/docker/registry/registry.go SecretNameFromPrefix); a local image name is
 * `<host>/<namespace>/<last path segment of the normalized reference>` (pkg/imageutil/image.go DestImage).
 */
import { evaluateNodes, type Decisions, type TemplateFunction } from './evaluate';
import { STANDARD_FUNCTIONS } from './functions';
import { parseTemplate } from './parse';
import { NIL, isComplete, printSegments, str, typedPlainScalar, unknown, valuesEqual, type Origin, type Value } from './values';
import { parseImageReference } from '../reference/imageReference';
import { DEFAULT_PROXY_DOMAIN, toProxyReference } from '../reference/proxy';

/** The install modes a release is checked in. */
export type InstallMode = 'online' | 'airgap' | 'helm';
export const INSTALL_MODES: readonly InstallMode[] = ['online', 'airgap', 'helm'];

/**
 * The placeholder local registry of the air gap mode: `.invalid` is a reserved top-level domain
 * (RFC 2606), so it can never be mistaken for a real host.
 */
export const PLACEHOLDER_LOCAL_REGISTRY_HOST = 'local-registry.invalid';

/** Every KOTS template function (Config, Static, License and Identity contexts), for the literal-name rule. */
export const KOTS_FUNCTION_NAMES: readonly string[] = [
  'HasLocalRegistry',
  'LocalRegistryHost',
  'LocalRegistryNamespace',
  'LocalRegistryAddress',
  'LocalRegistryImagePullSecret',
  'LocalImageName',
  'ImagePullSecretName',
  'ConfigOption',
  'ConfigOptionData',
  'ConfigOptionEquals',
  'ConfigOptionNotEquals',
  'ConfigOptionFilename',
  'LicenseFieldValue',
  'LicenseDockerCfg',
  'IsAirgap',
  'Namespace',
  'ReplicatedImageName',
  'ReplicatedImageRegistry',
];

/** A Config item's `value` (what the vendor set) or `default`. */
export interface ConfigItem {
  name: string;
  value?: string;
  default?: string;
  /** Where the value/default sits (for hovers). */
  origin?: Origin;
}

export interface KotsContext {
  mode: Exclude<InstallMode, 'helm'>;
  appSlug?: string;
  configItems: ReadonlyMap<string, ConfigItem>;
  /** Whether an image is private (KOTS proxies it online); undefined when it cannot be told offline. */
  isPrivate(reference: string): boolean | undefined;
  /** The proxy domain KOTS rewrites to (the team's custom one when configured). */
  proxyDomain?: string;
}

function plain(value: Value | undefined): string | undefined {
  if (!value) return undefined;
  const segments = printSegments(value);
  return isComplete(segments) ? segments.map((s) => s.text).join('') : undefined;
}

/** `<host>/<namespace>/<last segment>` as KOTS names an image pushed to the local registry. */
export function localImageName(reference: string, host: string, namespace: string): string | undefined {
  const parsed = parseImageReference(reference);
  if (!parsed.ok) return undefined;
  const ref = parsed.reference;
  const last = ref.path.slice(ref.path.lastIndexOf('/') + 1);
  const suffix = ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`;
  return [host, namespace, `${last}${suffix}`].filter((part) => part !== '').join('/');
}

/** The functions of a KOTS render in `context.mode`, over the standard ones. */
export function kotsFunctions(context: KotsContext): ReadonlyMap<string, TemplateFunction> {
  const local = context.mode === 'airgap';
  const namespace = context.appSlug ?? 'app';
  const configValue = (name: string | undefined): Value => {
    if (name === undefined) return unknown('ConfigOption of an item whose name is not known');
    const item = context.configItems.get(name);
    if (!item) return unknown(`the Config item "${name}" is not defined in a kots.io/v1beta1 Config of this release`);
    const text = item.value ?? item.default;
    if (text === undefined) return str('');
    if (text.includes('repl{{') || text.includes('{{repl')) return unknown(`the Config item "${name}" has a templated default`);
    return str(text, item.origin);
  };
  const functions = new Map<string, TemplateFunction>(STANDARD_FUNCTIONS);
  const define = (name: string, fn: TemplateFunction): void => void functions.set(name, fn);
  define('HasLocalRegistry', () => ({ kind: 'bool', value: local }));
  define('IsAirgap', () => ({ kind: 'bool', value: local }));
  define('LocalRegistryHost', () => str(local ? PLACEHOLDER_LOCAL_REGISTRY_HOST : ''));
  define('LocalRegistryNamespace', () => str(local ? namespace : ''));
  define('LocalRegistryAddress', () => str(local ? `${PLACEHOLDER_LOCAL_REGISTRY_HOST}/${namespace}` : ''));
  define('ImagePullSecretName', () => (context.appSlug ? str(`${context.appSlug}-registry`) : unknown('ImagePullSecretName is <app-slug>-registry: set app: in .replicated-registries.yaml')));
  define('LocalImageName', (args) => {
    const reference = plain(args[0]);
    if (reference === undefined) return unknown('LocalImageName of an image that is not known');
    if (local) return str(localImageName(reference, PLACEHOLDER_LOCAL_REGISTRY_HOST, namespace) ?? reference);
    const parsed = parseImageReference(reference);
    if (!parsed.ok) return args[0] ?? NIL;
    // Online: KOTS proxies the image when it is private (an anonymous pull fails), else leaves it.
    if (context.isPrivate(reference) === false || !context.appSlug) return args[0] ?? NIL;
    return str(toProxyReference(parsed.reference, context.appSlug, context.proxyDomain ?? DEFAULT_PROXY_DOMAIN));
  });
  define('ConfigOption', (args) => configValue(plain(args[0])));
  define('ConfigOptionEquals', (args) => {
    const equal = valuesEqual(configValue(plain(args[0])), args[1] ?? NIL);
    return equal === undefined ? unknown(`ConfigOptionEquals ${plain(args[0]) ?? ''} cannot be decided`) : { kind: 'bool', value: equal };
  });
  define('ConfigOptionNotEquals', (args) => {
    const equal = valuesEqual(configValue(plain(args[0])), args[1] ?? NIL);
    return equal === undefined ? unknown(`ConfigOptionNotEquals ${plain(args[0]) ?? ''} cannot be decided`) : { kind: 'bool', value: !equal };
  });
  define('LicenseFieldValue', (args) => {
    const field = plain(args[0]);
    if (field === 'appSlug' && context.appSlug) return str(context.appSlug);
    return unknown(`the license field "${field ?? '?'}" is known only at install`);
  });
  for (const name of ['Namespace', 'LicenseDockerCfg', 'LocalRegistryImagePullSecret', 'ConfigOptionData', 'ConfigOptionFilename', 'ReplicatedImageName', 'ReplicatedImageRegistry']) {
    define(name, () => unknown(`${name} is known only at install`));
  }
  return functions;
}

/**
 * A YAML scalar of a KOTS file (HelmChart values, a manifest's image) rendered for one mode. KOTS
 * renders the file's text before parsing it as YAML, so a plain scalar's output is typed again
 * (`repl{{ ConfigOptionEquals "a" "b" }}` becomes a boolean), a quoted one stays a string.
 */
export function renderKotsScalar(
  scalar: { value: string; style: 'plain' | 'single' | 'double' | 'block'; exact: boolean },
  origin: Origin,
  functions: ReadonlyMap<string, TemplateFunction>,
  decisions: Decisions,
): Value {
  const parsed = parseTemplate(scalar.value, 'kots', scalar.exact ? origin.start : 0);
  if (parsed.problems.length > 0) return unknown(`${origin.label}: ${parsed.problems[0]?.message ?? 'a template outside the evaluated subset'}`, origin);
  const raw = evaluateNodes(parsed.nodes, { dot: NIL, root: NIL }, { functions }, decisions, scalar.exact ? origin.file : undefined);
  // Every piece comes from this scalar: literal text maps to its own characters, the rest to the whole scalar.
  const segments = raw.map((segment) => (segment.origin && segment.origin.label === 'template text' ? { ...segment, origin: { ...origin, start: segment.origin.start, end: segment.origin.end } } : segment.origin ? segment : { ...segment, origin }));
  if (!isComplete(segments)) return { kind: 'string', segments, origin };
  const text = segments.map((segment) => segment.text).join('');
  if (scalar.style === 'plain') {
    const typed = typedPlainScalar(text.trim(), origin);
    if (typed.kind !== 'string') return typed;
  }
  return { kind: 'string', segments, origin };
}
