/**
 * The customer's pull, from the release's files: effective values per install mode, packaged charts
 * read in place (and hostile ones refused), and the rules with their fixes — each fix applied to the
 * files and the release analysed again, so the finding must clear. Fixture shapes follow Replicated's
 * docs (docs/vendor/private-images-kots.mdx, helm-native-v2-using.mdx, _step-inject-pull-secret.mdx) and
 * the public sample apps (platform-examples' mlflow / fake-services HasLocalRegistry ternaries).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../server/src/analysis/index';
import type { Finding, FindingFix } from '../../server/src/findings/types';
import type { ReleaseEnvironment } from '../../server/src/release/release';
import { ARCHIVE_LIMITS } from '../../server/src/charts/archive';
import { loadRelease } from '../../server/src/release/release';
import { releaseImages } from '../../server/src/release/releaseImages';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import type { RegistriesConfig } from '../../server/src/store/types';
import { packArchive, packChart } from '../fixtures/chartArchive';
import { memoryRelease, releaseOf } from '../fixtures/release';

const ROOT = '/app';
type Files = Record<string, string | Uint8Array>;

function config(overrides: Partial<RegistriesConfig> = {}): RegistriesConfig {
  return {
    ...emptyRegistriesConfig(),
    app: 'acme',
    registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'acme-bot' }],
    public: ['docker.io/library'],
    ...overrides,
  };
}

function environment(files: Files, overrides: Partial<RegistriesConfig> = {}): ReleaseEnvironment {
  const registries = config(overrides);
  return { config: registries, offline: true, credentialsFor: () => Promise.resolve({}), release: releaseOf(memoryRelease(ROOT, files), registries) };
}

async function findingsOf(files: Files, relative: string, overrides: Partial<RegistriesConfig> = {}): Promise<Finding[]> {
  const text = files[relative];
  assert.equal(typeof text, 'string', `${relative} is a text file of the fixture`);
  return analyzeFile({ text: text as string, path: path.join(ROOT, relative) }, environment(files, overrides));
}

/** Applies a fix's edits to the files (an edit without a file is in `relative`, the finding's file). */
function applied(files: Files, relative: string, fix: FindingFix): Files {
  const out: Files = { ...files };
  const byFile = new Map<string, FindingFix['edits']>();
  for (const edit of fix.edits) {
    const file = edit.file === '' ? relative : path.relative(ROOT, edit.file);
    byFile.set(file, [...(byFile.get(file) ?? []), edit]);
  }
  for (const [file, edits] of byFile) {
    let text = out[file] as string;
    for (const edit of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
    out[file] = text;
  }
  return out;
}

function codes(findings: Finding[]): string[] {
  return findings.map((finding) => finding.code);
}

/** A chart in the docs' shape: registry/repository/tag values, pullSecrets templated into the pod. */
const CHART: Files = {
  'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.4.0\nappVersion: "1.4.0"\n',
  'charts/api/values.yaml': 'image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: ""\n  pullSecrets: []\n',
  'charts/api/templates/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      {{- with .Values.image.pullSecrets }}',
    '      imagePullSecrets:',
    '      {{- toYaml . | nindent 6 }}',
    '      {{- end }}',
    '      containers:',
    '        - name: api',
    '          image: "{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
    '',
  ].join('\n'),
};

const HELMCHART = 'apiVersion: kots.io/v1beta2\nkind: HelmChart\nmetadata:\n  name: api\nspec:\n  chart:\n    name: api\n    chartVersion: 1.4.0\n  values:\n    replicas: 2\n';

void describe("customer's pull: not-proxied and its fix in the HelmChart values", () => {
  void it('a private ghcr.io image a HelmChart v2 install pulls directly is reported on the HelmChart; the fix clears it', async () => {
    let files: Files = { ...CHART, 'kots/api.yaml': HELMCHART };
    const findings = await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] });
    const notProxied = findings.filter((finding) => finding.code === 'not-proxied');
    assert.equal(notProxied.length, 1, JSON.stringify(findings, null, 1));
    assert.equal(HELMCHART.slice(notProxied[0]?.start, notProxied[0]?.end), 'api', 'on chart.name: the value comes from the chart');
    assert.match(notProxied[0]?.message ?? '', /customers pull "ghcr\.io\/acme\/api:1\.4\.0" straight from the team's registry "acme-ghcr"/);
    assert.equal(notProxied[0]?.data?.proxyReference, 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0');
    const fix = notProxied[0]?.data?.fixes?.[0];
    assert.ok(fix);
    files = applied(files, 'kots/api.yaml', fix);
    assert.match(files['kots/api.yaml'] as string, /values:\n {4}replicas: 2\n {4}image:\n {6}registry: proxy\.replicated\.com\/proxy\/acme\/ghcr\.io\n/);
    const after = await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] });
    assert.ok(!codes(after).includes('not-proxied'), JSON.stringify(after, null, 1));
    // Through the proxy now: the pod needs KOTS's pull secret, and the HelmChart does not pass it yet.
    const secret = after.find((finding) => finding.code === 'pull-secret-missing');
    assert.ok(secret, JSON.stringify(after, null, 1));
    assert.match(secret.message, /imagePullSecrets come from \.Values\.image\.pullSecrets, which this HelmChart does not set/);
    const secretFix = secret.data?.fixes?.[0];
    assert.ok(secretFix);
    files = applied(files, 'kots/api.yaml', secretFix);
    assert.match(files['kots/api.yaml'] as string, /pullSecrets:\n {8}- name: '\{\{repl ImagePullSecretName \}\}'/);
    assert.deepEqual(codes(await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] })), []);
  });

  void it('with air gap support the fix writes a HasLocalRegistry ternary, and both modes then pull correctly', async () => {
    let files: Files = { ...CHART, 'kots/api.yaml': HELMCHART };
    const modes: Partial<RegistriesConfig> = { installModes: ['online', 'airgap'] };
    const before = await findingsOf(files, 'kots/api.yaml', modes);
    assert.deepEqual(codes(before).sort(), ['airgap-missing', 'not-proxied']);
    const fix = before.find((finding) => finding.code === 'not-proxied')?.data?.fixes?.[0];
    assert.ok(fix);
    files = applied(files, 'kots/api.yaml', fix);
    const text = files['kots/api.yaml'] as string;
    assert.match(text, /registry: 'repl\{\{ HasLocalRegistry \| ternary LocalRegistryHost "proxy\.replicated\.com\/proxy\/acme\/ghcr\.io" \}\}'/);
    assert.match(text, /repository: 'repl\{\{ HasLocalRegistry \| ternary \(print LocalRegistryNamespace "\/api"\) "acme\/api" \}\}'/);
    const env = environment(files, modes);
    const release = await env.release?.();
    assert.ok(release);
    const pulled = releaseImages(release, env, []).map((image) => [image.mode, image.pulled, image.via, image.inBundle]);
    assert.deepEqual(pulled, [
      ['online', 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0', 'proxy', undefined],
      ['airgap', 'local-registry.invalid/acme/api:1.4.0', 'local-registry', true],
    ]);
    const after = await findingsOf(files, 'kots/api.yaml', modes);
    assert.deepEqual(codes(after).sort(), ['pull-secret-missing'], JSON.stringify(after, null, 1));
  });

  void it('a value written in the HelmChart is reported on that value, and the proxy prefix goes there', async () => {
    const helmChart = `${HELMCHART}    image:\n      registry: ghcr.io\n`;
    const files: Files = { ...CHART, 'kots/api.yaml': helmChart };
    const finding = (await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] })).find((f) => f.code === 'not-proxied');
    assert.ok(finding);
    assert.equal(helmChart.slice(finding.start, finding.end), 'ghcr.io');
    const fixed = applied(files, 'kots/api.yaml', finding.data?.fixes?.[0] as FindingFix);
    assert.match(fixed['kots/api.yaml'] as string, /image:\n {6}registry: proxy\.replicated\.com\/proxy\/acme\/ghcr\.io\n/);
  });

  void it('plain manifests and HelmChart v1beta1 are rewritten by KOTS: no not-proxied there', async () => {
    const files: Files = { ...CHART, 'kots/api.yaml': HELMCHART.replace('kots.io/v1beta2', 'kots.io/v1beta1'), 'manifests/pod.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ghcr.io/acme/worker:1\n' };
    assert.deepEqual(codes(await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] })), []);
    assert.deepEqual(codes(await findingsOf(files, 'manifests/pod.yaml', { installModes: ['online'] })), []);
    const env = environment(files, { installModes: ['online', 'airgap'] });
    const release = await env.release?.();
    assert.ok(release);
    assert.deepEqual(releaseImages(release, env, []).map((image) => [image.mode, image.path, image.pulled]), [
      ['online', 'helmchart-v1beta1', 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0'],
      ['airgap', 'helmchart-v1beta1', 'local-registry.invalid/acme/api:1.4.0'],
    ]);
  });
});

void describe("customer's pull: the sample apps' HasLocalRegistry values, in both modes", () => {
  // platform-examples/applications/mlflow/release/mlflow-chart.yaml, reduced.
  const MLFLOW = [
    'apiVersion: kots.io/v1beta2',
    'kind: HelmChart',
    'metadata:',
    '  name: mlflow',
    'spec:',
    '  chart:',
    '    name: api',
    '    chartVersion: 1.4.0',
    '  values:',
    '    image:',
    '      registry: repl{{ HasLocalRegistry | ternary LocalRegistryHost "proxy.replicated.com/proxy/acme/ghcr.io" }}',
    "      repository: 'repl{{HasLocalRegistry | ternary (print LocalRegistryNamespace \"/api\") \"acme/api\" }}'",
    "      pullSecrets: [{name: '{{repl ImagePullSecretName }}'}]",
    '  builder:',
    '    image:',
    '      tag: 1.4.0',
    '',
  ].join('\n');

  void it('online pulls the proxy reference, air gap the local name the bundle provides: nothing to report', async () => {
    const files: Files = { ...CHART, 'kots/mlflow.yaml': MLFLOW };
    const env = environment(files);
    const release = await env.release?.();
    assert.ok(release);
    assert.deepEqual(release.modes, ['online', 'airgap'], 'air gap inferred from the builder values');
    assert.deepEqual(releaseImages(release, env, []).map((image) => [image.mode, image.pulled, image.inBundle]), [
      ['online', 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0', undefined],
      ['airgap', 'local-registry.invalid/acme/api:1.4.0', true],
    ]);
    assert.deepEqual(codes(await findingsOf(files, 'kots/mlflow.yaml')), []);
  });

  void it('the mistake the examples made — a proxy path after LocalRegistryHost — pulls a name KOTS does not push', async () => {
    const wrong = MLFLOW.replace(/ {6}registry:.*\n {6}repository:.*\n/, '      registry: repl{{ HasLocalRegistry | ternary LocalRegistryHost "proxy.replicated.com" }}\n      repository: proxy/acme/ghcr.io/acme/api\n');
    const findings = await findingsOf({ ...CHART, 'kots/mlflow.yaml': wrong }, 'kots/mlflow.yaml');
    assert.deepEqual(codes(findings), ['airgap-missing'], JSON.stringify(findings, null, 1));
    assert.match(findings[0]?.message ?? '', /pulls "<local registry>\/proxy\/acme\/ghcr\.io\/acme\/api:1\.4\.0", but KOTS pushes that image to "<local registry>\/acme\/api:1\.4\.0"/);
  });

  void it("a local-registry value without LocalRegistryNamespace (platform-examples' storagebox) pulls a name KOTS does not push", async () => {
    const wrong = MLFLOW.replace(/ {6}registry:.*\n {6}repository:.*\n/, '      registry: repl{{ HasLocalRegistry | ternary LocalRegistryHost "proxy.replicated.com/proxy/acme/ghcr.io" }}\n      repository: \'repl{{ HasLocalRegistry | ternary "cloudnative-pg/api" "acme/api" }}\'\n');
    const findings = await findingsOf({ ...CHART, 'kots/mlflow.yaml': wrong }, 'kots/mlflow.yaml');
    assert.deepEqual(codes(findings), ['airgap-missing']);
    assert.match(findings[0]?.message ?? '', /pulls "<local registry>\/cloudnative-pg\/api:1\.4\.0", but KOTS pushes that image to "<local registry>\/acme\/api:1\.4\.0"/);
  });

  void it('an image the install enables but the builder values leave out of the bundle is airgap-missing; enabling it in builder clears it', async () => {
    const chart: Files = {
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.4.0\n',
      'charts/api/values.yaml': 'image: ghcr.io/acme/api:1.4.0\nexporter:\n  enabled: false\n  image: ghcr.io/acme/exporter:0.26\nimagePullSecrets: []\n',
      'charts/api/templates/deployment.yaml': [
        'apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:',
        '      {{- with .Values.imagePullSecrets }}', '      imagePullSecrets:', '        {{- toYaml . | nindent 8 }}', '      {{- end }}',
        '      containers:', '        - name: api', '          image: {{ .Values.image }}',
        '        {{- if .Values.exporter.enabled }}', '        - name: exporter', '          image: {{ .Values.exporter.image }}', '        {{- end }}', '',
      ].join('\n'),
    };
    const helmChart = (builder: string): string =>
      `${HELMCHART}    image: 'repl{{ HasLocalRegistry | ternary (print LocalRegistryAddress "/api:1.4.0") "proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0" }}'\n    imagePullSecrets: [{name: '{{repl ImagePullSecretName }}'}]\n    exporter:\n      enabled: true\n      image: 'repl{{ HasLocalRegistry | ternary (print LocalRegistryAddress "/exporter:0.26") "proxy.replicated.com/proxy/acme/ghcr.io/acme/exporter:0.26" }}'\n  builder:\n${builder}`;
    const left = await findingsOf({ ...chart, 'kots/api.yaml': helmChart('    image: ghcr.io/acme/api:1.4.0\n') }, 'kots/api.yaml');
    assert.deepEqual(codes(left), ['airgap-missing'], JSON.stringify(left, null, 1));
    assert.match(left[0]?.message ?? '', /pulls "<local registry>\/acme\/exporter:0\.26", but the air gap bundle will not have it: the chart rendered with this HelmChart's builder values does not use that image/);
    assert.deepEqual(codes(await findingsOf({ ...chart, 'kots/api.yaml': helmChart('    exporter:\n      enabled: true\n') }, 'kots/api.yaml')), []);
  });

  void it('optionalValues: a when decided from Config defaults applies or not; an undecidable when is taken both ways', async () => {
    const optional = (when: string): string =>
      `${HELMCHART}    image:\n      registry: proxy.replicated.com/proxy/acme/ghcr.io\n      pullSecrets: [{name: acme-registry}]\n  optionalValues:\n    - when: '${when}'\n      recursiveMerge: true\n      values:\n        image:\n          registry: ghcr.io\n`;
    const configDoc = 'apiVersion: kots.io/v1beta1\nkind: Config\nspec:\n  groups:\n    - name: g\n      items:\n        - name: mirror\n          type: bool\n          default: "0"\n';
    const modes: Partial<RegistriesConfig> = { installModes: ['online'] };
    assert.deepEqual(codes(await findingsOf({ ...CHART, 'kots/api.yaml': optional('repl{{ ConfigOptionEquals "mirror" "1" }}'), 'kots/config.yaml': configDoc }, 'kots/api.yaml', modes)), [], 'when is false with the default');
    assert.deepEqual(codes(await findingsOf({ ...CHART, 'kots/api.yaml': optional('repl{{ ConfigOptionEquals "mirror" "0" }}'), 'kots/config.yaml': configDoc }, 'kots/api.yaml', modes)), ['not-proxied']);
    const both = await findingsOf({ ...CHART, 'kots/api.yaml': optional('repl{{ LicenseFieldValue "mirror" }}') }, 'kots/api.yaml', modes);
    assert.deepEqual(codes(both), ['not-proxied'], 'the outcome where the license field turns the optional values on');
  });
});

void describe("customer's pull: packaged charts read in place", () => {
  void it('a .tgz chart is rendered, and its findings are read-only on the HelmChart that names it', async () => {
    const archive = await packChart('api', '1.4.0', { 'values.yaml': CHART['charts/api/values.yaml'] as string, 'templates/deployment.yaml': CHART['charts/api/templates/deployment.yaml'] as string }, '1.4.0');
    const files: Files = { 'kots/api-1.4.0.tgz': archive, 'kots/api.yaml': HELMCHART };
    const findings = await findingsOf(files, 'kots/api.yaml', { installModes: ['online'], registries: [] });
    assert.deepEqual(codes(findings), ['registry-not-connected']);
    assert.match(findings[0]?.message ?? '', /^in kots\/api-1\.4\.0\.tgz \(api\/templates\/deployment\.yaml\): ghcr\.io is not one of the team's registries/);
    assert.equal(HELMCHART.slice(findings[0]?.start, findings[0]?.end), 'api');
    const connected = await findingsOf(files, 'kots/api.yaml', { installModes: ['online'] });
    assert.deepEqual(codes(connected), ['not-proxied']);
    assert.match(connected[0]?.message ?? '', /\(in kots\/api-1\.4\.0\.tgz \(api\/templates\/deployment\.yaml\)\)/);
  });

  void it('chart.name and chartVersion must match Chart.yaml exactly (an archive wins over a folder)', async () => {
    const archive = await packChart('api', '1.5.0', { 'values.yaml': 'image: ghcr.io/acme/api:1.5.0\n' });
    const release = await loadRelease(memoryRelease(ROOT, { ...CHART, 'kots/api-1.5.0.tgz': archive, 'kots/api.yaml': HELMCHART.replace('1.4.0', '1.6.0') }), {});
    assert.equal(release.helmCharts[0]?.chart, undefined);
    assert.match(release.helmCharts[0]?.chartProblem ?? '', /no chart api 1\.6\.0 in the release \(found versions 1\.4\.0, 1\.5\.0\); KOTS needs chartVersion to match Chart\.yaml exactly/);
    const both = await loadRelease(memoryRelease(ROOT, { ...CHART, 'kots/api-1.4.0.tgz': await packChart('api', '1.4.0', {}), 'kots/api.yaml': HELMCHART }), {});
    assert.equal(both.helmCharts[0]?.chart?.location.kind, 'archive');
  });

  void it('hostile archives are refused with the reason, and unsafe entries are skipped, never followed', async () => {
    const traversal = await packArchive([
      { name: 'api/Chart.yaml', content: 'apiVersion: v2\nname: api\nversion: 1.4.0\n' },
      { name: '../../etc/values.yaml', content: 'image: evil\n' },
      { name: 'api/templates/link.yaml', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    const release = await loadRelease(memoryRelease(ROOT, { 'a.tgz': traversal, 'b.tgz': 'not gzip at all', 'c.tgz': new Uint8Array(ARCHIVE_LIMITS.compressedBytes + 1) }), {});
    assert.equal(release.charts.length, 1);
    assert.deepEqual(release.charts[0]?.templates, []);
    const messages = release.problems.map((problem) => problem.message).join('\n');
    assert.match(messages, /entries not read \(unsafe names, links or too large\): \.\.\/\.\.\/etc\/values\.yaml, api\/templates\/link\.yaml/);
    assert.match(messages, /b\.tgz is not a gzip-compressed archive/);
    assert.match(messages, /c\.tgz is 20 MiB, more than the 20 MiB a chart archive may be here/);
  });

  void it('a decompression bomb stops at the bound', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const entries = Array.from({ length: 110 }, (_, index) => ({ name: `api/templates/f${index}.txt`, content: big }));
    const bomb = await packArchive([{ name: 'api/Chart.yaml', content: 'apiVersion: v2\nname: api\nversion: 1\n' }, ...entries]);
    assert.ok(bomb.byteLength < ARCHIVE_LIMITS.compressedBytes);
    const release = await loadRelease(memoryRelease(ROOT, { 'bomb.tgz': bomb }), {});
    assert.deepEqual(release.charts, []);
    assert.match(release.problems[0]?.message ?? '', /decompresses to more than 100 MiB \(Helm's own limit for a chart\); it was not read/);
  });
});

void describe("customer's pull: pull secrets and Docker Hub's rate limit", () => {
  const POD_WITHOUT_SECRETS = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: "{{ .Values.image }}"\n';
  const chart = (values: string, template = POD_WITHOUT_SECRETS): Files => ({
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.4.0\n',
    'charts/api/values.yaml': values,
    'charts/api/templates/deployment.yaml': template,
    'kots/api.yaml': HELMCHART,
  });

  void it('a pod pulling through the proxy with no imagePullSecrets: reported on the template; the fix adds both halves', async () => {
    let files = chart('image: proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1\n');
    const findings = await findingsOf(files, 'charts/api/templates/deployment.yaml', { installModes: ['online'] });
    assert.deepEqual(codes(findings), ['pull-secret-missing']);
    assert.match(findings[0]?.message ?? '', /the pod has no imagePullSecrets/);
    files = applied(files, 'charts/api/templates/deployment.yaml', findings[0]?.data?.fixes?.[0] as FindingFix);
    assert.match(files['charts/api/templates/deployment.yaml'] as string, / {6}\{\{- with \.Values\.imagePullSecrets \}\}\n {6}imagePullSecrets:\n {6} {2}\{\{- toYaml \. \| nindent 8 \}\}\n {6}\{\{- end \}\}\n {6}containers:/);
    assert.match(files['kots/api.yaml'] as string, /imagePullSecrets:\n {6}- name: '\{\{repl ImagePullSecretName \}\}'/);
    assert.deepEqual(codes(await findingsOf(files, 'charts/api/templates/deployment.yaml', { installModes: ['online'] })), []);
  });

  void it('a helper that makes imagePullSecrets is not second-guessed', async () => {
    const template = POD_WITHOUT_SECRETS.replace('      containers:', '      {{- include "api.imagePullSecrets" . | nindent 6 }}\n      containers:');
    assert.deepEqual(codes(await findingsOf(chart('image: proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1\n', template), 'charts/api/templates/deployment.yaml', { installModes: ['online'] })), []);
  });

  void it('a public Docker Hub image in a v2 chart without the kotsadm-dockerhub secret gets an info; with it, nothing', async () => {
    const findings = await findingsOf(chart('image: docker.io/library/redis:7.2\n'), 'kots/api.yaml', { installModes: ['online'] });
    assert.deepEqual(findings.map((finding) => [finding.code, finding.severity]), [['dockerhub-rate-limit', 'info']]);
    assert.match(findings[0]?.message ?? '', /acme-kotsadm-dockerhub pull secret.*https:\/\/docs\.replicated\.com\/vendor\/helm-native-v2-using/);
    const template = POD_WITHOUT_SECRETS.replace('      containers:', '      imagePullSecrets:\n        - name: acme-kotsadm-dockerhub\n      containers:');
    assert.deepEqual(codes(await findingsOf(chart('image: docker.io/library/redis:7.2\n', template), 'kots/api.yaml', { installModes: ['online'] })), []);
  });

  void it('Helm CLI installs (a chart with the Replicated SDK): not-proxied on values.yaml, enterprise-pull-secret on the pod', async () => {
    let files: Files = {
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.4.0\ndependencies:\n  - name: replicated\n    repository: oci://registry.replicated.com/library\n    version: 1.19.3\n',
      'charts/api/values.yaml': 'image: ghcr.io/acme/api:1.4.0\n',
      'charts/api/templates/deployment.yaml': POD_WITHOUT_SECRETS,
    };
    const values = await findingsOf(files, 'charts/api/values.yaml');
    assert.deepEqual(codes(values), ['not-proxied']);
    assert.match(values[0]?.message ?? '', /^Helm CLI installs pull "ghcr\.io\/acme\/api:1\.4\.0" straight from the team's registry "acme-ghcr"/);
    files = applied(files, 'charts/api/values.yaml', values[0]?.data?.fixes?.[0] as FindingFix);
    assert.equal(files['charts/api/values.yaml'], 'image: proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.4.0\n');
    assert.deepEqual(codes(await findingsOf(files, 'charts/api/values.yaml')), []);
    const pod = await findingsOf(files, 'charts/api/templates/deployment.yaml');
    assert.deepEqual(codes(pod), ['pull-secret-missing']);
    files = applied(files, 'charts/api/templates/deployment.yaml', pod[0]?.data?.fixes?.[0] as FindingFix);
    assert.match(files['charts/api/templates/deployment.yaml'] as string, /imagePullSecrets:\n {8}- name: enterprise-pull-secret\n {6}containers:/);
    assert.deepEqual(codes(await findingsOf(files, 'charts/api/templates/deployment.yaml')), []);
  });
});
