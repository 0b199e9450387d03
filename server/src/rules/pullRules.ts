/**
 * The rules that need the user's credentials or the network: `credentials-missing`, the pull-check
 * verdicts (`tag-not-found`, `repository-not-found`, `pull-denied`, `unauthorized`), and the online
 * side of `registry-not-connected` (as KOTS does, an image is public when an anonymous check succeeds).
 * A failing network never becomes a false "not found": at most an `info` saying the check could not run.
 */
import type { AnalysisEnvironment, Finding, FindingData, FoundImage, PullChecker, RuleCode } from '../findings/types';
import type { ImageReference } from '../reference/imageReference';
import type { CredentialAnswer } from '../registry/credentials/credentialGate';
import { environmentVariableNames } from '../registry/credentials/environmentCredentialSource';
import { credentialHost } from '../registry/credentials/hostBinding';
import { guessProvider } from '../registry/providers/catalog';
import type { ConnectionSettings, Credentials, PullCheckResult, RegistryEntry, Verdict } from '../registry/types';
import { annotateReadOnly } from './localRules';
import { fileRangeOf, relatedOf } from './ranges';
import { effectiveReference, notConnectedFinding, placeReference, scopedElsewhereFinding } from './registryRules';
import { nominalSeverity } from './severity';

/** At most this many checks in flight per run (the registry client also bounds per registry). */
const MAX_CONCURRENT_CHECKS = 8;

const VERDICT_RULES: Partial<Record<Verdict, RuleCode>> = {
  'tag-not-found': 'tag-not-found',
  'repository-not-found': 'repository-not-found',
  denied: 'pull-denied',
  unauthorized: 'unauthorized',
};

/** Verdicts that say nothing about the image: the check could not run. */
const INCONCLUSIVE: ReadonlySet<Verdict> = new Set<Verdict>(['rate-limited', 'unreachable', 'timeout', 'tls-untrusted', 'protocol-error']);

interface CheckRequest {
  connection: ConnectionSettings;
  credentials: Credentials | undefined;
  reference: ImageReference;
}

/** Pull checks for every image; never throws (a failure inside becomes an `info` finding or nothing). */
export async function remoteFindings(images: FoundImage[], env: AnalysisEnvironment, signal?: AbortSignal): Promise<Finding[]> {
  const run = new RemoteRun(env, signal);
  const perImage = await Promise.all(images.map((image) => run.findingsFor(image).then((findings) => annotateReadOnly(image, findings)).catch((error: unknown) => run.failure(image, error))));
  return signal?.aborted ? [] : perImage.flat();
}

class RemoteRun {
  private readonly credentialLookups = new Map<string, Promise<CredentialAnswer>>();
  private readonly checks = new Map<string, Promise<PullCheckResult>>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly env: AnalysisEnvironment,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async findingsFor(image: FoundImage): Promise<Finding[]> {
    const reference = effectiveReference(image);
    // A template image made from values.yaml is checked (and reported) on the values line.
    if (!reference || image.reportedElsewhere || this.signal?.aborted) return [];
    const placement = placeReference(reference, this.env.config);
    const client = this.env.offline ? undefined : this.env.registryClient;
    if (placement.kind === 'connected') {
      // Offline nothing would use the credentials, so their absence is not worth a warning.
      if (this.env.offline) return [];
      const answer = await this.credentialsFor(placement.entry);
      const credentials = answer.credentials;
      if (answer.withheld !== undefined) {
        // Credentials exist (or are configured) but the gate refused them for this entry: say why; nothing is sent.
        return [
          this.finding(image, reference, 'credentials-missing', 'warning', `this image is not checked: ${answer.withheld}`, {
            registrySlug: placement.entry.slug,
            registryEndpoint: placement.entry.endpoint,
            provider: placement.entry.provider,
            credentialsWithheld: answer.withheld,
          }),
        ];
      }
      if (!credentials && placement.entry.source === 'portal') {
        // Replicated keeps a portal registry's credentials; nothing is missing on this machine. An
        // anonymous check can still prove an image absent; a login demand proves nothing here.
        if (!client) return [];
        const result = await this.check(client, { connection: placement.entry, credentials: undefined, reference });
        return result.verdict === 'repository-not-found' || result.verdict === 'tag-not-found'
          ? this.verdictFindings(image, reference, result, placement.entry)
          : [];
      }
      if (!credentials) {
        // One per image, so the registry is named once and briefly: a file with 40 images on it lists 40 of these.
        const names = environmentVariableNames(placement.entry.slug);
        return [
          this.finding(image, reference, 'credentials-missing', 'warning', `no credentials for registry "${placement.entry.slug}" on this machine, so this image is not checked (docker login ${placement.entry.endpoint}, or ${names.username} / ${names.password} with ${names.host}=${credentialHost(placement.entry.endpoint)})`, {
            registrySlug: placement.entry.slug,
            registryEndpoint: placement.entry.endpoint,
            provider: placement.entry.provider,
          }),
        ];
      }
      if (!client) return [];
      const result = await this.check(client, { connection: placement.entry, credentials, reference });
      return this.verdictFindings(image, reference, result, placement.entry);
    }
    if (placement.kind === 'scoped-elsewhere') return this.env.offline || image.kind === 'excluded-image' ? [] : [scopedElsewhereFinding(image, reference, placement.entries, this.env)];
    if (placement.kind !== 'unknown' || !client || image.kind === 'excluded-image') return [];
    // Not a team registry: public (anonymous pull works) or a registry the team must connect.
    const connection: ConnectionSettings = { provider: guessProvider(reference.domain), endpoint: reference.domain };
    const loopback = isLoopbackHost(reference.domain) ? await this.checkLoopback(client, connection, reference) : undefined;
    const result = loopback?.result ?? (await this.check(client, { connection, credentials: undefined, reference }));
    const over = loopback ? ` over ${loopback.over}` : '';
    if (result.verdict === 'ok') return [];
    if (result.verdict === 'tag-not-found') return this.verdictFindings(image, reference, result, undefined);
    if (INCONCLUSIVE.has(result.verdict)) {
      return [notConnectedFinding(image, reference, 'info', `${reference.domain} is not one of the team's registries, and whether "${reference.familiar}" is public could not be told: ${clause(result.message)}; connect the registry, or list it under public: in .replicated-registries.yaml`)];
    }
    return [notConnectedFinding(image, reference, 'warning', `${reference.domain} is not one of the team's registries and "${reference.familiar}" is not public (anonymous pull${over}: ${result.verdict}), so the Replicated proxy cannot pull it for customers; connect the registry (replicated-registries registry add ${guessProvider(reference.domain)} ...)`)];
  }

  failure(image: FoundImage, error: unknown): Finding[] {
    const reference = effectiveReference(image);
    if (!reference || this.signal?.aborted) return [];
    const reason = error instanceof Error ? error.message : String(error);
    return [this.finding(image, reference, 'pull-check-failed', 'info', `the pull check for "${reference.familiar}" could not run (${reason}); the image was not checked`, {})];
  }

  private verdictFindings(image: FoundImage, reference: ImageReference, result: PullCheckResult, entry: RegistryEntry | undefined): Finding[] {
    const where = entry ? `registry "${entry.slug}"` : reference.domain;
    const extra: FindingData = { verdict: result.verdict, ...(entry ? { registrySlug: entry.slug, provider: entry.provider } : {}), ...(result.digest ? { digestFound: result.digest } : {}) };
    const code = VERDICT_RULES[result.verdict];
    const next = result.hint ? `; ${clause(result.hint)}` : '';
    if (code) {
      const target = code === 'tag-not-found' ? (reference.digest ? reference.spans.digest : reference.spans.tag) : reference.spans.path;
      return [this.finding(image, reference, code, nominalSeverity(code), `${where}: ${clause(result.message)}${next}`, extra, target)];
    }
    if (result.verdict === 'ok') return [];
    if (INCONCLUSIVE.has(result.verdict)) {
      return [this.finding(image, reference, 'pull-check-failed', 'info', `could not check "${reference.familiar}" on ${where} (${result.verdict}): ${clause(result.message)}${next}`, extra)];
    }
    return [];
  }

  private finding(image: FoundImage, reference: ImageReference, code: RuleCode, severity: Finding['severity'], message: string, data: FindingData, span?: { start: number; end: number }): Finding {
    const related = relatedOf(image);
    return {
      code,
      severity,
      message,
      ...fileRangeOf(image, span),
      reference: image.text,
      data: { domain: reference.domain, path: reference.path, tag: reference.tag, digest: reference.digest, canonical: reference.canonical, ...data },
      ...(related ? { related } : {}),
    };
  }

  private credentialsFor(entry: RegistryEntry): Promise<CredentialAnswer> {
    let lookup = this.credentialLookups.get(entry.slug);
    if (!lookup) {
      lookup = this.env.credentialsFor(entry).catch((): CredentialAnswer => ({}));
      this.credentialLookups.set(entry.slug, lookup);
    }
    return lookup;
  }

  /**
   * Docker treats a loopback registry as insecure: HTTPS first, with any certificate, then plain HTTP when
   * it does not speak TLS. The anonymous check does the same, and says which one answered.
   */
  private async checkLoopback(client: PullChecker, connection: ConnectionSettings, reference: ImageReference): Promise<{ result: PullCheckResult; over: string }> {
    const overHttps = await this.check(client, { connection: { ...connection, insecureSkipTLSVerify: true }, credentials: undefined, reference });
    if (overHttps.connectionProblem !== 'not-tls') return { result: { ...overHttps, message: `${clause(overHttps.message)} (${reference.domain} answered over HTTPS).` }, over: 'HTTPS' };
    const overHttp = await this.check(client, { connection: { ...connection, plainHttp: true }, credentials: undefined, reference });
    return { result: { ...overHttp, message: `${clause(overHttp.message)} (${reference.domain} answered over plain HTTP, not HTTPS).` }, over: 'plain HTTP, not HTTPS' };
  }

  /** One check per registry, identity and canonical reference within a run. */
  private check(client: PullChecker, request: CheckRequest): Promise<PullCheckResult> {
    const { connection, credentials, reference } = request;
    const key = `${connection.endpoint}\u0000${connection.plainHttp ? 'http' : ''}\u0000${credentials ? credentials.username : ''}\u0000${reference.canonical}`;
    let pending = this.checks.get(key);
    if (!pending) {
      pending = this.bounded(() =>
        client.checkPull(connection, credentials, { repository: reference.path, reference: reference.digest ?? reference.tag ?? 'latest' }, this.signal ? { signal: this.signal } : {}),
      );
      this.checks.set(key, pending);
    }
    return pending;
  }

  private async bounded<T>(task: () => Promise<T>): Promise<T> {
    while (this.running >= MAX_CONCURRENT_CHECKS) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

function isLoopbackHost(domain: string): boolean {
  const host = domain.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A registry message used inside a longer sentence: without its final period. */
function clause(message: string): string {
  return message.trim().replace(/\.$/, '');
}
