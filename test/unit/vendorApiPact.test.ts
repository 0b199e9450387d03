/**
 * The `replicated` CLI's pact contract with the Vendor API (test/fixtures/vendorApiPact.ts), replayed
 * twice: (1) each interaction's request, byte for byte, against the local stand-in (which must answer the
 * pact's status and body), and (2) the project's own client against a pact mock that answers only the
 * exact request the pact records — as pact's mock server does — so our client sends what `replicated`
 * sends (method, path, Authorization and Content-Type headers, body) and reads what it reads.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { REGISTRY_PACT, type PactInteraction } from '../fixtures/vendorApiPact';
import { startVendorApiStandIn, type StandInRegistry } from '../harness/vendorApiStandIn';
import { PortalRegistryStore } from '../../server/src/store/portal/portalStore';
import { VendorApiClient, type AddRegistryBody } from '../../server/src/store/portal/vendorApiClient';
import type { Provider, AuthType } from '../../server/src/registry/types';

/** Pact 2.0 response matching: every expected key is there with an equal value (extra keys allowed). */
function containsExpected(actual: unknown, expected: unknown, where = 'body'): void {
  if (expected === null || typeof expected !== 'object') {
    assert.deepEqual(actual, expected, where);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${where} is an object`);
  for (const [key, value] of Object.entries(expected)) containsExpected((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
}

/** The provider state an interaction is given, set up on the stand-in. */
function seedFor(interaction: PactInteraction): StandInRegistry[] {
  if (interaction.providerState === 'Remove a dockerhub external registry using a password') {
    return [{ provider: 'dockerhub', endpoint: 'index.docker.io', slug: 'index.docker.io', authType: 'password', username: 'test', password: 'test', lastUsedAt: null }];
  }
  return [];
}

void describe('the pact interactions against the Vendor API stand-in', () => {
  for (const interaction of REGISTRY_PACT) {
    void it(interaction.description, async () => {
      const token = interaction.request.headers.Authorization ?? '';
      const api = await startVendorApiStandIn({ token });
      try {
        api.registries.push(...seedFor(interaction));
        const response = await fetch(`${api.origin}${interaction.request.path}`, {
          method: interaction.request.method,
          headers: interaction.request.headers,
          ...(interaction.request.body ? { body: JSON.stringify(interaction.request.body) } : {}),
        });
        assert.equal(response.status, interaction.response.status, await response.clone().text());
        const text = await response.text();
        if (interaction.response.body) containsExpected(JSON.parse(text), interaction.response.body);
        else assert.equal(text, '');
        // Control: the same request without the pact's Content-Type is not matched (the stand-in is strict).
        const { 'Content-Type': _dropped, ...withoutType } = interaction.request.headers;
        const loose = await fetch(`${api.origin}${interaction.request.path}`, { method: interaction.request.method, headers: withoutType, ...(interaction.request.body ? { body: JSON.stringify(interaction.request.body) } : {}) });
        assert.equal(loose.status, 415);
      } finally {
        await api.stop();
      }
    });
  }
});

interface PactMock {
  origin: string;
  /** Requests that did not match the interaction, described. */
  mismatches: string[];
  matched: number;
  stop(): Promise<void>;
}

/** A mock that answers only the interaction's exact request, as pact's mock server does (500 otherwise). */
async function pactMock(interaction: PactInteraction): Promise<PactMock> {
  const state = { mismatches: [] as string[], matched: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const problems: string[] = [];
      const expected = interaction.request;
      if (req.method !== expected.method) problems.push(`method ${req.method ?? ''} ≠ ${expected.method}`);
      if (req.url !== expected.path) problems.push(`path ${req.url ?? ''} ≠ ${expected.path}`);
      for (const [name, value] of Object.entries(expected.headers)) {
        if (req.headers[name.toLowerCase()] !== value) problems.push(`header ${name}: ${String(req.headers[name.toLowerCase()])} ≠ ${value}`);
      }
      const body = Buffer.concat(chunks).toString('utf8');
      if (expected.body) {
        try {
          assert.deepEqual(JSON.parse(body), expected.body);
        } catch {
          problems.push(`body ${body} ≠ ${JSON.stringify(expected.body)}`);
        }
      } else if (body !== '') problems.push(`unexpected body ${body}`);
      if (problems.length > 0) {
        state.mismatches.push(problems.join('; '));
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'no interaction matched' }));
        return;
      }
      state.matched++;
      const responseBody = interaction.response.body ? JSON.stringify(interaction.response.body) : undefined;
      res.writeHead(interaction.response.status, responseBody ? { 'Content-Type': 'application/json' } : {}).end(responseBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get mismatches() {
      return state.mismatches;
    },
    get matched() {
      return state.matched;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

void describe("the project's Vendor API client against each pact interaction", () => {
  for (const interaction of REGISTRY_PACT) {
    void it(interaction.description, async () => {
      const mock = await pactMock(interaction);
      const token = interaction.request.headers.Authorization ?? '';
      const client = new VendorApiClient({ token, origin: mock.origin, maxAttempts: 1 });
      try {
        const { method, body } = interaction.request;
        if (method === 'POST' && body) {
          const created = await client.addRegistry(body as unknown as AddRegistryBody);
          containsExpected(created, interaction.response.body?.external_registry);
          // Through the store too, as `registry add` calls it, whenever the pact names a slug (ours always does).
          if (body.slug !== '') {
            const store = new PortalRegistryStore({ token, origin: mock.origin, maxAttempts: 1 });
            const entry = { slug: String(body.slug), provider: body.provider as Provider, endpoint: String(body.endpoint), authType: body.authType as AuthType, ...(body.username !== '_json_key' && body.username !== 'oauth2accesstoken' ? { username: String(body.username) } : {}) };
            const saved = await store.add(entry, { username: String(body.username), secret: String(body.password) }, { skipValidation: true });
            assert.deepEqual([saved.slug, saved.provider, saved.authType, saved.endpoint], [body.slug, body.provider, body.authType, body.endpoint]);
          }
        } else if (method === 'DELETE') {
          await client.removeRegistry(decodeURIComponent(interaction.request.path.split('/').pop() ?? ''));
        } else {
          assert.deepEqual(await client.listRegistries(), [], 'null is read as an empty list');
        }
        assert.deepEqual(mock.mismatches, [], 'every request matched the pact');
        assert.ok(mock.matched >= 1);
      } finally {
        await mock.stop();
      }
    });
  }

  void it('control: the mock does refuse a request that differs from the pact (a Bearer prefix)', async () => {
    const interaction = REGISTRY_PACT.find((i) => i.request.method === 'GET');
    assert.ok(interaction);
    const mock = await pactMock(interaction);
    try {
      const client = new VendorApiClient({ token: `Bearer ${interaction.request.headers.Authorization ?? ''}`, origin: mock.origin, maxAttempts: 1 });
      await assert.rejects(client.listRegistries());
      assert.equal(mock.mismatches.length, 1);
      assert.match(mock.mismatches[0] ?? '', /header Authorization: Bearer /);
    } finally {
      await mock.stop();
    }
  });
});
