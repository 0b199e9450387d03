// What the language server validates against: workspace file ∪ vendor portal, against the local
// stand-in for the hosted Vendor API v3 (127.0.0.1, OS-chosen port).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadEffectiveRegistries } from '../../server/src/store/effectiveRegistries';
import { PortalRegistryStore } from '../../server/src/store/portal/portalStore';
import type { RegistriesConfig } from '../../server/src/store/types';
import { startVendorApiStandIn, type VendorApiStandIn } from '../harness/vendorApiStandIn';

const TOKEN = 'rr-effective-token-' + Math.random().toString(36).slice(2);
const APP_ID = '2abcAppId';

function workspaceConfig(): RegistriesConfig {
  return {
    app: 'acme-app',
    registries: [
      { slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'file-bot' },
      { slug: 'acme-quay', provider: 'quay', endpoint: 'quay.io', authType: 'password', username: 'acme+robot' },
    ],
    customDomains: { proxy: ['images.acme.example'], registry: [] },
    public: ['docker.io/library'],
  };
}

function store(api: VendorApiStandIn, token = TOKEN): PortalRegistryStore {
  return new PortalRegistryStore({ token, origin: api.origin, maxAttempts: 2, backoffMs: 1 });
}

void describe('loadEffectiveRegistries', () => {
  let api: VendorApiStandIn;

  before(async () => {
    api = await startVendorApiStandIn({
      token: TOKEN,
      apps: [{ id: APP_ID, slug: 'acme-app', name: 'Acme App' }],
      customHostnames: { [APP_ID]: { proxy: ['proxy.acme.example', 'IMAGES.acme.example'], registry: ['registry.acme.example'] } },
    });
    // The team's portal registries: one with the same slug as a file entry, one on a host the file also has under another slug.
    const seed = store(api);
    await seed.add({ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'portal-bot' }, { username: 'portal-bot', secret: 'ghcr-secret-1' }, { skipValidation: true });
    await seed.add({ slug: 'quay-two', provider: 'quay', endpoint: 'quay.io', authType: 'password', appIds: [APP_ID] }, { username: 'acme+other', secret: 'quay-secret-2' }, { skipValidation: true });
  });

  after(async () => {
    await api?.stop();
  });

  void it('returns the workspace file alone, marked as such, when no portal is connected', async () => {
    const { config, warnings } = await loadEffectiveRegistries({ workspaceConfig: workspaceConfig() });
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.registries.map((r) => [r.slug, r.source]), [['acme-ghcr', 'workspace'], ['acme-quay', 'workspace']]);
    assert.deepEqual(config.customDomains, { proxy: ['images.acme.example'], registry: [] });
    assert.deepEqual(config.public, ['docker.io/library']);
  });

  void it('unions the portal registries: the portal wins a shared slug, a shared endpoint under another slug keeps both', async () => {
    const input = workspaceConfig();
    const { config, warnings } = await loadEffectiveRegistries({ workspaceConfig: input, portal: store(api) });
    assert.deepEqual(
      config.registries.map((r) => [r.slug, r.endpoint, r.username, r.source]),
      [
        ['acme-quay', 'quay.io', 'acme+robot', 'workspace'],
        ['acme-ghcr', 'ghcr.io', 'portal-bot', 'portal'],
        ['quay-two', 'quay.io', 'acme+other', 'portal'],
      ],
    );
    assert.deepEqual(config.registries.find((r) => r.slug === 'quay-two')?.appIds, [APP_ID]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /"acme-ghcr" is in both the registries file and the vendor portal; using the vendor portal's/);
    // Custom domains: the file's first, then the app's from the portal, case-insensitively de-duplicated.
    assert.deepEqual(config.customDomains, { proxy: ['images.acme.example', 'proxy.acme.example'], registry: ['registry.acme.example'] });
    assert.equal(config.app, 'acme-app');
    assert.deepEqual(input.registries.map((r) => r.source), [undefined, undefined], 'the caller’s config is not mutated');
  });

  void it('takes the app from the option over the file, and warns when the portal has no such app', async () => {
    const { config, warnings } = await loadEffectiveRegistries({ workspaceConfig: workspaceConfig(), portal: store(api), app: 'no-such-app' });
    assert.equal(config.app, 'no-such-app');
    assert.deepEqual(config.customDomains, { proxy: ['images.acme.example'], registry: [] });
    assert.ok(warnings.some((w) => /No application "no-such-app" in the vendor portal/.test(w)), warnings.join('\n'));
    assert.equal(config.registries.filter((r) => r.source === 'portal').length, 2, 'the registries still come from the portal');
  });

  void it('never throws: a rejected token leaves the workspace file in force, with one warning and no token in it', async () => {
    const wrongToken = 'rr-wrong-token-' + Math.random().toString(36).slice(2);
    const { config, warnings } = await loadEffectiveRegistries({ workspaceConfig: workspaceConfig(), portal: store(api, wrongToken) });
    assert.deepEqual(config.registries.map((r) => [r.slug, r.source]), [['acme-ghcr', 'workspace'], ['acme-quay', 'workspace']]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /vendor portal's registries could not be read \(The Replicated API token was rejected \(401\).*\); validating against the 2 registries of the registries file only\./);
    assert.doesNotMatch(warnings[0] ?? '', new RegExp(wrongToken));
    assert.deepEqual(config.customDomains, { proxy: ['images.acme.example'], registry: [] });
  });

  void it('never throws when the portal is down (5xx after retries) or gone', async () => {
    api.failNext(4, 503, { message: 'maintenance' });
    const down = await loadEffectiveRegistries({ workspaceConfig: workspaceConfig(), portal: store(api) });
    assert.deepEqual(down.config.registries.map((r) => r.source), ['workspace', 'workspace']);
    assert.ok(down.warnings.some((w) => /could not be read \(The Vendor API failed to list external registries \(HTTP 503\)/.test(w)), down.warnings.join('\n'));

    const gone = await startVendorApiStandIn({ token: TOKEN });
    const origin = gone.origin;
    await gone.stop();
    const unreachable = await loadEffectiveRegistries({
      workspaceConfig: { registries: [], customDomains: { proxy: [], registry: [] }, public: [] },
      portal: new PortalRegistryStore({ token: TOKEN, origin, maxAttempts: 1 }),
      app: 'acme-app',
    });
    assert.deepEqual(unreachable.config.registries, []);
    assert.equal(unreachable.warnings.length, 1, 'one warning for the portal, not one per call');
    assert.match(unreachable.warnings[0] ?? '', /Could not reach the Replicated Vendor API at http:\/\/127\.0\.0\.1:\d+.*the registries file \(which lists none\) only/);
  });
});
