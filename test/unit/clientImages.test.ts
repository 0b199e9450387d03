/**
 * The Images view's words (client/src/images/releaseImageText.ts): how a customer's cluster pulls each
 * image, its verdict, what a customer test can mean, and a customer pull said with what to do next.
 * Run: node --import tsx --test test/unit/clientImages.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerTestable, customerVerdictText, howPulled, howPulledSentence, imageLabel, sourceText, verdictOf } from '../../client/src/images/releaseImageText';
import type { ReleaseImageItem, TestAsCustomerResult } from '../../server/src/protocol/messages';

function item(overrides: Partial<ReleaseImageItem>): ReleaseImageItem {
  return {
    mode: 'online',
    path: 'helmchart-v1beta2',
    via: 'proxy',
    pulled: 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.0',
    reference: 'proxy.replicated.com/proxy/acme/ghcr.io/acme/api:1.0',
    location: { uri: 'file:///w/kots/helmchart.yaml', line: 11, character: 4, endLine: 11, endCharacter: 20 },
    assumptions: [],
    unevaluated: [],
    findings: [],
    ...overrides,
  };
}

function result(overrides: Partial<TestAsCustomerResult>): TestAsCustomerResult {
  return { image: 'x', verdict: 'ok', message: 'ok', requests: 2, durationMs: 5, proxyReference: 'images.acme.example/proxy/acme/ghcr.io/acme/api:1.0', ...overrides };
}

void describe('an image row', () => {
  void it('names the upstream image, says how it is pulled and its verdict', () => {
    const proxied = item({});
    assert.equal(imageLabel(proxied), 'ghcr.io/acme/api:1.0');
    assert.equal(howPulled(proxied), 'through the proxy');
    assert.equal(verdictOf(proxied), 'ok');
    assert.match(howPulledSentence(proxied), /Replicated proxy, with the pull secret made from the customer’s license/);

    const direct = item({ via: 'direct', pulled: 'ghcr.io/acme/migrations:2.4.1', findings: [{ code: 'not-proxied', severity: 'error', message: 'customers pull it straight from ghcr.io' }] });
    assert.equal(imageLabel(direct), 'ghcr.io/acme/migrations:2.4.1');
    assert.equal(howPulled(direct), 'directly from ghcr.io');
    assert.equal(verdictOf(direct), 'error');
    assert.equal(howPulled(item({ via: 'direct', pulled: 'busybox:1.36' })), 'directly from Docker Hub');
    assert.equal(howPulled(item({ via: 'direct', pulled: 'docker.io/library/busybox:1.36' })), 'directly from Docker Hub');
    assert.equal(imageLabel(item({ mode: 'airgap', via: 'local-registry', pulled: 'local-registry.invalid/acme/web:2', reference: 'images.acme.example/proxy/acme/ghcr.io/acme/web:2', rewrittenByKots: true })), 'ghcr.io/acme/web:2');

    const noSecret = item({ findings: [{ code: 'pull-secret-missing', severity: 'error', message: 'no pull secret' }] });
    assert.equal(howPulled(noSecret), 'through the proxy, no pull secret');
    assert.match(howPulledSentence(noSecret), /names no pull secret/);

    const local = item({ mode: 'airgap', via: 'local-registry', pulled: 'local-registry.invalid/acme/api:1.0', reference: 'local-registry.invalid/acme/api:1.0', inBundle: false });
    assert.equal(imageLabel(local), 'acme/api:1.0');
    assert.equal(howPulled(local), 'from the local registry, not in the bundle');
    const rewritten = item({ mode: 'airgap', via: 'local-registry', pulled: 'local-registry.invalid/acme/api:1.0', reference: 'ghcr.io/acme/api:1.0', rewrittenByKots: true });
    assert.equal(imageLabel(rewritten), 'ghcr.io/acme/api:1.0');
    assert.equal(howPulled(rewritten), 'from the local registry (KOTS rewrites it)');
    assert.equal(howPulled(item({ via: 'proxy', rewrittenByKots: true })), 'through the proxy (KOTS rewrites it)');

    const unevaluated = item({ via: 'unknown', pulled: undefined, reference: undefined, value: 'HelmChart values image.tag' });
    delete unevaluated.pulled;
    delete unevaluated.reference;
    assert.equal(verdictOf(unevaluated), 'unevaluated');
    assert.equal(imageLabel(unevaluated), '(not evaluated) HelmChart values image.tag');
  });

  void it('says where the image comes from, a packaged chart through the HelmChart line that names it', () => {
    const relative = (uri: string): string => uri.replace('file:///w/', '');
    assert.equal(sourceText(item({ helmChart: { name: 'acme-api', uri: 'file:///w/kots/helmchart.yaml' }, value: 'HelmChart values image.registry' }), relative), 'kots/helmchart.yaml:12 · HelmChart acme-api · HelmChart values image.registry');
    assert.equal(sourceText(item({ archive: { uri: 'file:///w/kots/w-1.0.0.tgz', entry: 'w/templates/deployment.yaml' } }), relative), 'kots/w-1.0.0.tgz (w/templates/deployment.yaml), set at kots/helmchart.yaml:12');
  });

  void it('offers a customer test only where a license is involved (or would be, after the not-proxied fix)', () => {
    assert.equal(customerTestable(item({})), true);
    assert.equal(customerTestable(item({ via: 'replicated-registry', pulled: 'registry.replicated.com/acme/api:1' })), true);
    assert.equal(customerTestable(item({ via: 'direct', pulled: 'busybox:1.36' })), false);
    assert.equal(customerTestable(item({ via: 'direct', pulled: 'ghcr.io/acme/m:1', findings: [{ code: 'not-proxied', severity: 'error', message: '' }] })), true);
    assert.equal(customerTestable(item({ mode: 'airgap', via: 'local-registry', pulled: 'local-registry.invalid/acme/api:1.0' })), false);
  });
});

void describe('a pull as a customer, in words', () => {
  void it('says what happened and what to do next for each verdict', () => {
    const ok = customerVerdictText(result({ digest: 'sha256:0123456789abcdef0123456789abcdef' }));
    assert.equal(ok.ok, true);
    assert.match(ok.text, /^A customer with this license can pull images\.acme\.example\/proxy\/acme\/ghcr\.io\/acme\/api:1\.0 \(digest sha256:0123456789ab…\)\.$/);
    const refused = customerVerdictText(result({ verdict: 'unauthorized', message: 'HTTP 401' }));
    assert.equal(refused.short, 'license refused');
    assert.match(refused.text, /did not accept this license ID .* vendor portal \(Customers → the customer\)/);
    assert.match(customerVerdictText(result({ verdict: 'denied' })).text, /app in the path \("acme", from app: in \.replicated-registries\.yaml\)/);
    const missing = customerVerdictText(result({ verdict: 'tag-not-found' }), { directToday: true });
    assert.match(missing.text, /tag was never pushed\. Run “Test External Registry”/);
    assert.match(missing.text, /apply the not-proxied quick fix/);
    assert.equal(customerVerdictText(result({ verdict: 'timeout', message: 'no answer within 30 s', hint: 'try again later' })).text, 'no answer within 30 s. Try again later.');
  });
});
