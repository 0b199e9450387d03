import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile, RULES, suppressedCodesAt } from '../../server/src/analysis/index';
import type { Finding, PullChecker, RuleCode } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import type { ConnectionSettings, Credentials, PullCheckResult, Verdict } from '../../server/src/registry/types';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import type { RegistriesConfig } from '../../server/src/store/types';
import { marked, yaml } from '../fixtures/carets';
import { memoryRelease, releaseOf } from '../fixtures/release';
import { findImages } from '../../server/src/manifests/findImages';
import { imagesInRelease } from '../../server/src/release/fileImages';
import { offlineRegistryFindings } from '../../server/src/rules/registryRules';

function config(overrides: Partial<RegistriesConfig> = {}): RegistriesConfig {
  return {
    ...emptyRegistriesConfig(),
    app: 'acme-platform',
    registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'acme-bot' }],
    public: ['docker.io/library'],
    ...overrides,
  };
}

const CREDENTIALS: Credentials = { username: 'acme-bot', secret: 'not-a-real-token' };

function environment(overrides: Partial<ReleaseEnvironment> = {}): ReleaseEnvironment {
  return { config: config(), offline: true, credentialsFor: () => Promise.resolve({ credentials: CREDENTIALS }), ...overrides };
}

function pod(images: string[]): string {
  return `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

async function imagesOf(text: string, path: string, env: ReleaseEnvironment): Promise<{ images: Awaited<ReturnType<typeof imagesInRelease>> }> {
  return { images: await imagesInRelease({ text, path }, findImages(text, path).images, env) };
}

/** Runs analyzeFile on a caret-marked fixture and checks the findings of `code`: one per marked range, exactly there. */
async function expectFindings(source: string, code: RuleCode, env: ReleaseEnvironment, path = 'pod.yaml'): Promise<Finding[]> {
  const { text, ranges } = marked(source);
  const findings = (await analyzeFile({ text, path }, env)).filter((finding) => finding.code === code);
  assert.deepEqual(
    findings.map((finding) => text.slice(finding.start, finding.end)),
    ranges.map((range) => range.text),
    `${code} findings: ${JSON.stringify(findings, null, 1)}`,
  );
  assert.deepEqual(findings.map((finding) => finding.start), ranges.map((range) => range.start));
  return findings;
}

/** A scripted registry: verdict per `repository:reference`, counting calls. */
class FakeRegistry implements PullChecker {
  readonly calls: Array<{ endpoint: string; anonymous: boolean; repository: string; reference: string }> = [];

  constructor(private readonly verdicts: Record<string, Verdict>, private readonly anonymousVerdicts: Record<string, Verdict> = {}) {}

  checkPull(connection: ConnectionSettings, credentials: Credentials | undefined, target: { repository: string; reference: string }): Promise<PullCheckResult> {
    this.calls.push({ endpoint: connection.endpoint, anonymous: !credentials, ...target });
    const key = `${target.repository}:${target.reference}`;
    const verdict = (credentials ? this.verdicts[key] : this.anonymousVerdicts[key]) ?? 'ok';
    return Promise.resolve({ verdict, image: `${connection.endpoint}/${key}`, message: `the registry said ${verdict}`, requests: 1, durationMs: 1 });
  }
}

void describe('rules: what the reference says', () => {
  void it('invalid-reference: Docker message, range on the offending part', async () => {
    const findings = await expectFindings(pod(['ghcr.io/acme/^^Web^^:1', '"nginx:bad^^ ^^tag"']), 'invalid-reference', environment());
    assert.equal(findings[0]?.message, 'invalid reference format: repository name (acme/Web) must be lowercase');
    assert.match(findings[1]?.message ?? '', /invalid reference format/);
    assert.equal(findings[0]?.severity, 'error');
  });

  void it('invalid-reference is never reported on template expressions', async () => {
    const text = pod(['"{{ .Values.image }}"', "'repl{{ LocalImageName `x:1` }}'", "'{{repl ConfigOption \"img\" }}'"]);
    assert.deepEqual(await analyzeFile({ text, path: 'pod.yaml' }, environment()), []);
  });

  void it('a KOTS template in a manifest is evaluated for the online install, and what it renders is checked', async () => {
    const findings = await analyzeFile({ text: pod(["'repl{{ LocalImageName `nginx` }}'"]), path: 'pod.yaml' }, environment());
    assert.deepEqual(findings.map((finding) => finding.code), ['tag-missing']);
  });

  void it('tag-latest on the tag, tag-missing on the whole reference', async () => {
    await expectFindings(pod(['nginx:^^latest^^', 'nginx:1.27', 'ghcr.io/acme/x:^^latest^^']), 'tag-latest', environment());
    await expectFindings(pod(['^^nginx^^', 'nginx:1.27', 'ghcr.io/acme/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']), 'tag-missing', environment());
  });

  void it('digest-pinning is off by default and a hint when enabled in the registries file', async () => {
    await expectFindings(pod(['nginx:1.27']), 'digest-pinning', environment());
    const findings = await expectFindings(pod(['^^nginx:1.27^^']), 'digest-pinning', environment({ config: config({ rules: { 'digest-pinning': 'hint' } }) }));
    assert.equal(findings[0]?.severity, 'hint');
  });

  void it('proxy-app-mismatch on the app slug; the upstream is what the other rules check', async () => {
    const env = environment();
    await expectFindings(pod(['proxy.replicated.com/proxy/^^other-app^^/ghcr.io/acme/web:1', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/web:2']), 'proxy-app-mismatch', env);
    await expectFindings(pod(['proxy.replicated.com/proxy/acme-platform/nginx:^^latest^^']), 'tag-latest', env);
  });

  void it('settings re-level a rule over the registries file, and off silences it', async () => {
    const env = environment({ config: config({ rules: { 'tag-latest': 'info' } }), severityOverrides: { 'tag-latest': 'error' } });
    const findings = await expectFindings(pod(['nginx:^^latest^^']), 'tag-latest', env);
    assert.equal(findings[0]?.severity, 'error');
    await expectFindings(pod(['nginx:latest']), 'tag-latest', environment({ severityOverrides: { 'tag-latest': 'off' } }));
  });

  void it('re-levelling quiets a deliberately lowered finding but never makes it louder', async () => {
    const offlineInfo = pod(['^^quay.io^^/other/x:1']);
    const quieter = await expectFindings(offlineInfo, 'registry-not-connected', environment({ config: config({ rules: { 'registry-not-connected': 'hint' } }) }));
    assert.equal(quieter[0]?.severity, 'hint', 'configured below the lowered info: the configured level');
    const louder = await expectFindings(offlineInfo, 'registry-not-connected', environment({ config: config({ rules: { 'registry-not-connected': 'error' } }) }));
    assert.equal(louder[0]?.severity, 'info', '"could not tell" stays an info even when the rule is an error');
  });

  void it('disable-next-line takes several codes, separated by spaces or commas, and a -- reason', async () => {
    const text = yaml`
      apiVersion: v1
      kind: Pod
      spec:
        containers:
          # replicated-registries-disable-next-line tag-latest registry-not-connected
          - image: quay.io/a/b:latest
          # replicated-registries-disable-next-line tag-latest, registry-not-connected -- vendored, pinned upstream
          - image: quay.io/c/d:latest
          - name: x # replicated-registries-disable-next-line tag-latest
            image: quay.io/e/f:latest
          # replicated-registries-disable-next-line tag-latest
          - image: quay.io/i/j:latest
    `;
    const findings = await analyzeFile({ text, path: 'pod.yaml' }, environment());
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.reference]),
      [
        ['registry-not-connected', 'quay.io/e/f:latest'],
        ['registry-not-connected', 'quay.io/i/j:latest'],
      ],
    );
    // A `#` inside a quoted value before the comment does not hide the directive.
    const quoted = 'a: "x#y" # replicated-registries-disable-next-line tag-latest\nb: 1\n';
    assert.deepEqual(suppressedCodesAt(quoted, quoted.indexOf('b:')), new Set(['tag-latest']));
  });

  void it('disable-next-line silences the named codes, or all codes without a list', async () => {
    const text = yaml`
      apiVersion: v1
      kind: Pod
      spec:
        containers:
          # replicated-registries-disable-next-line tag-latest
          - image: nginx:latest
          # replicated-registries-disable-next-line
          - image: Bad:latest
          # replicated-registries-disable-next-line registry-not-connected
          - image: other:latest
    `;
    const findings = await analyzeFile({ text, path: 'pod.yaml' }, environment());
    assert.deepEqual(findings.map((finding) => [finding.code, finding.reference]), [['tag-latest', 'other:latest']]);
    assert.equal(suppressedCodesAt(text, text.indexOf('Bad:latest')), 'all');
    assert.deepEqual(suppressedCodesAt(text, text.indexOf('nginx:latest')), new Set(['tag-latest']));
    assert.equal(suppressedCodesAt(text, text.indexOf('kind')), undefined);
  });

  void it('every rule has a code, a default severity and help', () => {
    for (const [code, rule] of Object.entries(RULES)) {
      assert.equal(rule.code, code);
      assert.ok(rule.title.length > 0 && rule.help.includes('\n\n'), `${code} help says what it means and how to fix it`);
    }
    assert.equal(RULES['digest-pinning'].defaultSeverity, 'off');
  });
});

void describe('rules: registries and credentials', () => {
  void it('registry-not-connected offline is an info that says it could not tell', async () => {
    const findings = await expectFindings(
      pod(['^^registry.internal.example^^/search/indexer:7', 'ghcr.io/acme/web:1', 'nginx:1.27', 'registry.replicated.com/acme-platform/x:1', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/web:1']),
      'registry-not-connected',
      environment(),
    );
    assert.equal(findings[0]?.severity, 'info');
    assert.match(findings[0]?.message ?? '', /cannot be told/);
  });

  void it('public: lists hosts and host/repository prefixes that need no registry', async () => {
    const env = environment({ config: config({ public: ['quay.io/prometheus', 'docker.io/library', 'gcr.io'] }) });
    await expectFindings(pod(['quay.io/prometheus/node-exporter:v1', '^^quay.io^^/other/x:1', 'gcr.io/any/thing:1', 'busybox:1', '^^acme/private:1^^']), 'registry-not-connected', env);
  });

  void it('online: an image whose anonymous pull works is public (no finding); otherwise a warning', async () => {
    const registry = new FakeRegistry({}, { 'search/indexer:7': 'unauthorized', 'public/tool:1': 'ok', 'flaky/x:1': 'unreachable' });
    const env = environment({ offline: false, registryClient: registry });
    const findings = await expectFindings(pod(['^^registry.internal.example^^/search/indexer:7', 'quay.io/public/tool:1', '^^flaky.example^^/flaky/x:1']), 'registry-not-connected', env);
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'info']);
    assert.ok(registry.calls.every((call) => call.anonymous));
  });

  void it('credentials-missing for a connected registry without credentials (online)', async () => {
    const env = environment({ offline: false, registryClient: new FakeRegistry({}), credentialsFor: () => Promise.resolve({}) });
    const findings = await expectFindings(pod(['^^ghcr.io/acme/web:1^^', 'nginx:1']), 'credentials-missing', env);
    assert.equal(findings[0]?.data?.registrySlug, 'acme-ghcr');
  });

  void it('a vendor-portal registry needs no local credentials: an anonymous check reports only what is missing', async () => {
    const portalConfig = config({ registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', source: 'portal' }] });
    const registry = new FakeRegistry({}, { 'acme/web:1': 'unauthorized', 'acme/web:9.9.9': 'tag-not-found' });
    const env = environment({ config: portalConfig, offline: false, registryClient: registry, credentialsFor: () => Promise.resolve({}) });
    const { text, ranges } = marked(pod(['ghcr.io/acme/web:1', 'ghcr.io/acme/web:^^9.9.9^^']));
    const findings = await analyzeFile({ text, path: 'pod.yaml' }, env);
    assert.deepEqual(findings.map((finding) => [finding.code, text.slice(finding.start, finding.end)]), [['tag-not-found', ranges[0]?.text]]);
    assert.ok(registry.calls.every((call) => call.anonymous), 'no local credentials are used for a portal registry');
  });

  void it('maps pull-check verdicts to tag-not-found, repository-not-found, pull-denied and unauthorized', async () => {
    const registry = new FakeRegistry({ 'acme/web:9.9.9': 'tag-not-found', 'acme/gone:1': 'repository-not-found', 'acme/secret:1': 'denied', 'acme/other:1': 'unauthorized' });
    const env = environment({ offline: false, registryClient: registry });
    const text = pod(['ghcr.io/acme/web:^^9.9.9^^', 'ghcr.io/^^acme/gone^^:1', 'ghcr.io/^^acme/secret^^:1', 'ghcr.io/^^acme/other^^:1', 'ghcr.io/acme/ok:1']);
    const { text: plain, ranges } = marked(text);
    const findings = await analyzeFile({ text: plain, path: 'pod.yaml' }, env);
    assert.deepEqual(
      findings.map((finding) => [finding.code, finding.severity, plain.slice(finding.start, finding.end)]),
      [
        ['tag-not-found', 'error', ranges[0]?.text],
        ['repository-not-found', 'error', ranges[1]?.text],
        ['pull-denied', 'error', ranges[2]?.text],
        ['unauthorized', 'error', ranges[3]?.text],
      ],
    );
  });

  void it('a failing network never turns into a not-found: an info that says why', async () => {
    const registry = new FakeRegistry({ 'acme/web:1': 'timeout', 'acme/api:1': 'rate-limited' });
    const findings = await analyzeFile({ text: pod(['ghcr.io/acme/web:1', 'ghcr.io/acme/api:1']), path: 'pod.yaml' }, environment({ offline: false, registryClient: registry }));
    assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['pull-check-failed', 'info'], ['pull-check-failed', 'info']]);
    assert.match(findings[0]?.message ?? '', /timeout/);
  });

  void it('de-duplicates checks per canonical reference within a run, and never throws', async () => {
    const registry = new FakeRegistry({});
    const env = environment({ offline: false, registryClient: registry });
    await analyzeFile({ text: pod(['ghcr.io/acme/web:1', 'ghcr.io/acme/web:1', 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/web:1']), path: 'pod.yaml' }, env);
    assert.equal(registry.calls.length, 1);

    const throwing: PullChecker = { checkPull: () => Promise.reject(new Error('socket exploded')) };
    const findings = await analyzeFile({ text: pod(['ghcr.io/acme/web:1']), path: 'pod.yaml' }, environment({ offline: false, registryClient: throwing }));
    assert.deepEqual(findings.map((finding) => finding.code), ['pull-check-failed']);
  });

  void it('offline makes no pull check at all', async () => {
    const registry = new FakeRegistry({ 'acme/web:1': 'tag-not-found' });
    const findings = await analyzeFile({ text: pod(['ghcr.io/acme/web:1', 'quay.io/x/y:1']), path: 'pod.yaml' }, environment({ offline: true, registryClient: registry }));
    assert.equal(registry.calls.length, 0);
    assert.deepEqual(findings.map((finding) => finding.code), ['registry-not-connected']);
  });

  void it('a Helm image resolved from values.yaml into a template is reported once, on the values line, with the template line related', async () => {
    const template = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n';
    const values = 'image:\n  repository: ghcr.io/acme/api\n  tag: latest\n';
    const files = memoryRelease('/chart', { 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n', 'values.yaml': values, 'templates/deployment.yaml': template });
    const env = environment({ release: releaseOf(files) });
    assert.deepEqual(await analyzeFile({ text: template, path: '/chart/templates/deployment.yaml' }, env), [], 'nothing on the template');
    const findings = await analyzeFile({ text: values, path: '/chart/values.yaml' }, env);
    assert.deepEqual(findings.map((finding) => [finding.code, values.slice(finding.start, finding.end)]), [['tag-latest', 'latest']]);
    assert.deepEqual(findings[0]?.related?.map((related) => [related.file, template.slice(related.start, related.end)]), [['/chart/templates/deployment.yaml', '{{ .Values.image.repository }}:{{ .Values.image.tag }}']]);
  });

  void it('no tag-missing where the tag comes from .Chart.AppVersion; the tag the chart uses is known', async () => {
    const template = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n';
    const values = 'image:\n  repository: ghcr.io/acme/api\n  tag: ""\n';
    const chartYaml = 'apiVersion: v2\nname: c\nversion: 1.0.0\nappVersion: "2.4.1"\n';
    const files = memoryRelease('/chart', { 'Chart.yaml': chartYaml, 'values.yaml': values, 'templates/deployment.yaml': template });
    const env = environment({ release: releaseOf(files) });
    const { images } = await imagesOf(values, '/chart/values.yaml', env);
    assert.deepEqual(images.map((image) => image.text), ['ghcr.io/acme/api:2.4.1']);
    assert.ok(images[0]?.evaluation?.pieces.some((piece) => piece.text === '2.4.1' && piece.label.startsWith('.Chart.AppVersion')));
    assert.deepEqual((await analyzeFile({ text: values, path: '/chart/values.yaml' }, env)).map((finding) => finding.code), []);
    // Without the chart's appVersion default, the empty tag is a template the installer fills: not guessed either.
    const plain = memoryRelease('/chart', { 'Chart.yaml': chartYaml, 'values.yaml': values, 'templates/deployment.yaml': template.replace(' | default .Chart.AppVersion', '') });
    assert.deepEqual((await analyzeFile({ text: values, path: '/chart/values.yaml' }, environment({ release: releaseOf(plain) }))).map((finding) => finding.code), ['tag-missing'], 'the values block alone still has no tag');
  });

  void it('registries-file: schema problems reported in the file itself', async () => {
    const text = 'app: my-app\nregistries:\n  - slug: x\n    provider: nope\n    endpoint: ghcr.io\n    authType: token\n';
    const findings = await analyzeFile({ text, path: '/w/.replicated-registries.yaml' }, environment());
    assert.ok(findings.length > 0 && findings.every((finding) => finding.code === 'registries-file'));
    assert.ok(findings.some((finding) => text.slice(finding.start, finding.end).includes('nope')), JSON.stringify(findings));
  });
});

void describe('rules: proxy shapes, KOTS rewrites, app scopes', () => {
  void it('proxy-path-malformed: no /proxy/<app>/, nothing after the app, another app or a proxy path on the Replicated registry', async () => {
    const findings = await expectFindings(
      pod([
        'proxy.replicated.com/^^ghcr.io/acme/api^^:1',
        'proxy.replicated.com/^^proxy/acme-platform^^:1',
        'registry.replicated.com/^^other-app/api^^:1',
        'registry.replicated.com/^^proxy/acme-platform/ghcr.io/acme/api^^:1',
        'proxy.replicated.com/library/replicated-sdk-image:1.0.0',
        'registry.replicated.com/library/replicated-sdk-image:1.0.0',
        'registry.replicated.com/acme-platform/api:1',
        'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/api:1',
      ]),
      'proxy-path-malformed',
      environment(),
    );
    assert.match(findings[0]?.message ?? '', /write proxy\.replicated\.com\/proxy\/acme-platform\/ghcr\.io\/acme\/api:1$/);
    assert.equal(findings[0]?.data?.fixes?.[0]?.edits[0]?.newText, 'proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/api:1');
    assert.match(findings[1]?.message ?? '', /nothing follows the app slug/);
    assert.match(findings[2]?.message ?? '', /names app "other-app" but this application is "acme-platform"/);
    assert.match(findings[3]?.message ?? '', /is the Replicated registry, not the proxy/);
  });

  void it('the registry-name proxy form resolves to that registry, not to Docker Hub', async () => {
    const text = pod(['proxy.replicated.com/proxy/acme-platform/acme-ghcr/acme/api:1']);
    const findings = await analyzeFile({ text, path: 'pod.yaml' }, environment());
    assert.deepEqual(findings, []);
    const [image] = findImages(text, 'pod.yaml', { registryNames: new Map([['acme-ghcr', 'ghcr.io']]) }).images;
    assert.equal(image?.upstream?.canonical, 'ghcr.io/acme/api:1');
    assert.equal(text.slice((image?.start ?? 0) + (image?.upstream?.spans.domain?.start ?? 0), (image?.start ?? 0) + (image?.upstream?.spans.domain?.end ?? 0)), 'acme-ghcr');
  });

  void it('double-proxy-prefix: additionalImages must be upstream references; a manifest on another proxy domain is prefixed twice', async () => {
    const app = yaml`
      apiVersion: kots.io/v1beta1
      kind: Application
      spec:
        additionalImages:
          - ^^proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/migrations:1^^
          - ghcr.io/acme/migrations:1
    `;
    const [additional] = await expectFindings(app, 'double-proxy-prefix', environment(), 'kots-app.yaml');
    assert.equal(additional?.severity, 'warning');
    assert.equal(additional?.data?.fixes?.[0]?.edits[0]?.newText, 'ghcr.io/acme/migrations:1');
    const custom = environment({ config: config({ customDomains: { proxy: ['images.acme.example'], registry: [] } }) });
    const [manifest] = await expectFindings(pod(['^^proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/api:1^^', 'images.acme.example/proxy/acme-platform/ghcr.io/acme/api:1']), 'double-proxy-prefix', custom);
    assert.equal(manifest?.severity, 'error');
    assert.match(manifest?.message ?? '', /becomes images\.acme\.example\/proxy\/acme-platform\/proxy\.replicated\.com\/proxy\//);
    await expectFindings(pod(['proxy.replicated.com/proxy/acme-platform/ghcr.io/acme/api:1']), 'double-proxy-prefix', environment());
  });

  void it("kots-function-literal: a KOTS function outside repl{{ }} gets its own message, not Docker's", async () => {
    const findings = await expectFindings(pod(['^^LocalImageName^^', `'{{ ^^LocalImageName^^ "ghcr.io/acme/api:1" }}'`, "'repl{{ LocalImageName \"ghcr.io/acme/api:1\" }}'"]), 'kots-function-literal', environment());
    assert.match(findings[0]?.message ?? '', /LocalImageName is a KOTS template function, but it is written outside repl\{\{ \}\}/);
    const all = await analyzeFile({ text: pod(['LocalImageName']), path: 'pod.yaml' }, environment());
    assert.deepEqual(all.map((finding) => finding.code), ['kots-function-literal'], 'no invalid-reference beside it');
    const chartTemplate = await analyzeFile({ text: pod(['"{{ LocalRegistryHost }}/api:1"']), path: '/c/templates/pod.yaml' }, environment());
    assert.match(chartTemplate[0]?.message ?? '', /Helm does not know it, and KOTS does not render HelmChart v2 chart templates/);
  });

  void it('a registry scoped to other apps does not connect its host for this app', async () => {
    const scoped = config({ appId: 'app-id-1', registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', appIds: ['app-id-2'] }] });
    const [finding] = await expectFindings(pod(['^^ghcr.io^^/acme/api:1']), 'registry-not-connected', environment({ config: scoped }));
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.message ?? '', /connected as "acme-ghcr" \(app ids app-id-2\), scoped to other apps/);
    const mine = config({ appId: 'app-id-1', registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', appIds: ['app-id-2', 'app-id-1'] }] });
    await expectFindings(pod(['ghcr.io/acme/api:1']), 'registry-not-connected', environment({ config: mine }));
    // Without the app's id (no vendor portal to resolve the slug), an id in the list may be this app's: no finding.
    const unresolved = config({ registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', appIds: ['app-id-2'] }] });
    await expectFindings(pod(['ghcr.io/acme/api:1']), 'registry-not-connected', environment({ config: unresolved }));
  });
});

void describe('offline verdicts shared by a reference object', () => {
  void it('the same reference object read under another configuration gets that configuration\'s verdict', () => {
    const [image] = findImages(pod(['quay.io/acme/api:1']), 'pod.yaml').images;
    assert.ok(image?.reference);
    const env = environment();
    const unknown = offlineRegistryFindings(image, env);
    assert.deepEqual(unknown.map((finding) => finding.code), ['registry-not-connected']);
    // The same reference object again, elsewhere, under the same configuration: the same message and data objects.
    const again = offlineRegistryFindings({ ...image, start: image.start + 10, end: image.end + 10 }, env);
    assert.equal(again[0]?.message, unknown[0]?.message);
    assert.equal(again[0]?.data, unknown[0]?.data);
    assert.equal(again[0]?.start, (unknown[0]?.start ?? 0) + 10);
    // Connected in another configuration: nothing to say there, whatever was said before.
    const connected = config({ registries: [{ slug: 'acme-quay', provider: 'quay', endpoint: 'quay.io', authType: 'password', username: 'acme+bot' }] });
    assert.deepEqual(offlineRegistryFindings(image, environment({ config: connected })), []);
    assert.deepEqual(offlineRegistryFindings(image, environment()).map((finding) => finding.code), ['registry-not-connected']);
  });
});
