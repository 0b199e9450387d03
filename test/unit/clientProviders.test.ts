/**
 * Unit tests of the add flow's pure validation (no `vscode`): what the user sees under the input
 * box as they type an endpoint, a name or pick a key file.
 * Run: node --import tsx --test test/unit/clientProviders.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hostFromDockerConfigKey,
  PROVIDER_INFO,
  PROVIDER_ORDER,
  suggestSlug,
  validateEndpoint,
  validateHostPort,
  validateServiceAccountKey,
  validateSlug,
} from '../../client/src/providers';
import { PROVIDER_AUTH_TYPES } from '../../server/src/store/providerRules';

void describe('validateEndpoint', () => {
  void it('accepts each provider’s own hosts', () => {
    assert.equal(validateEndpoint('ecr', '123456789012.dkr.ecr.us-east-1.amazonaws.com'), undefined);
    assert.equal(validateEndpoint('ecr', '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com'), undefined);
    assert.equal(validateEndpoint('gar', 'us-central1-docker.pkg.dev'), undefined);
    assert.equal(validateEndpoint('gcr', 'eu.gcr.io'), undefined);
    assert.equal(validateEndpoint('other', 'registry.example.com:5000'), undefined);
    assert.equal(validateEndpoint('other', '127.0.0.1:5000'), undefined);
    assert.equal(validateEndpoint('other', '[2001:db8::1]:5000'), undefined);
  });

  void it('rejects another provider’s host with an example of the right shape', () => {
    const ecr = validateEndpoint('ecr', '12345.dkr.ecr.us-east-1.amazonaws.com');
    assert.match(ecr ?? '', /Amazon ECR.*123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com/);
    assert.match(validateEndpoint('gar', 'us-central1.pkg.dev') ?? '', /docker\.pkg\.dev/);
    assert.match(validateEndpoint('gcr', 'ghcr.io') ?? '', /gcr\.io/);
  });

  void it('explains a scheme, a path or an empty value', () => {
    assert.match(validateEndpoint('other', 'https://registry.example.com') ?? '', /without a scheme/);
    assert.match(validateEndpoint('other', 'registry.example.com/acme') ?? '', /without a path/);
    assert.match(validateEndpoint('other', '  ') ?? '', /Enter the registry host/);
  });

  void it('checks host and port characters', () => {
    assert.match(validateHostPort('registry_example.com') ?? '', /not a valid host name/);
    assert.match(validateHostPort('registry.example.com:99999') ?? '', /not a port number/);
    assert.match(validateHostPort('[fe80::1%eth0]:5000') ?? '', /not an IPv6 address/);
    assert.match(validateHostPort('[2001:db8::1') ?? '', /closing "]"/);
  });
});

void describe('validateSlug and suggestSlug', () => {
  void it('accepts lowercase names and refuses taken or malformed ones', () => {
    assert.equal(validateSlug('acme-ghcr', []), undefined);
    assert.match(validateSlug('Acme', []) ?? '', /lowercase/);
    assert.match(validateSlug('acme-', []) ?? '', /ending with a letter or digit/);
    assert.match(validateSlug('acme', ['acme']) ?? '', /already exists/);
    assert.match(validateSlug('', []) ?? '', /Enter a name/);
  });

  void it('derives a free, valid name from the endpoint', () => {
    assert.equal(suggestSlug('ghcr', 'ghcr.io', []), 'ghcr');
    assert.equal(suggestSlug('ghcr', 'ghcr.io', ['ghcr', 'ghcr-2']), 'ghcr-3');
    assert.equal(suggestSlug('ecr', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', []), 'ecr-eu-west-1');
    assert.equal(suggestSlug('gar', 'us-central1-docker.pkg.dev', []), 'gar-us-central1');
    assert.equal(suggestSlug('gcr', 'eu.gcr.io', []), 'eu-gcr');
    const other = suggestSlug('other', '127.0.0.1:5000', []);
    assert.equal(other, '127-0-0-1-5000');
    assert.equal(validateSlug(other, []), undefined);
  });
});

void describe('validateServiceAccountKey', () => {
  void it('accepts a service-account key and never quotes the content in its errors', () => {
    const key = JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\nSECRETPART\n' });
    assert.equal(validateServiceAccountKey(key), undefined);
    const notKey = JSON.stringify({ type: 'authorized_user', private_key: 'SECRETPART' });
    const problem = validateServiceAccountKey(notKey) ?? '';
    assert.match(problem, /not a service-account key/);
    assert.doesNotMatch(problem, /SECRETPART/);
    assert.match(validateServiceAccountKey('SECRETPART{') ?? '', /not JSON/);
    assert.doesNotMatch(validateServiceAccountKey('SECRETPART{') ?? '', /SECRETPART/);
  });
});

void describe('provider catalog', () => {
  void it('offers exactly the auth types the engine accepts for each provider, default first', () => {
    for (const provider of PROVIDER_ORDER) {
      assert.deepEqual(
        PROVIDER_INFO[provider].authOptions.map((option) => option.authType),
        [...PROVIDER_AUTH_TYPES[provider]],
        provider,
      );
    }
  });

  void it('normalizes Docker config keys to the endpoint the add flow expects', () => {
    assert.equal(hostFromDockerConfigKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(hostFromDockerConfigKey('registry-1.docker.io'), 'index.docker.io');
    assert.equal(hostFromDockerConfigKey('https://ghcr.io'), 'ghcr.io');
    assert.equal(hostFromDockerConfigKey('127.0.0.1:5000'), '127.0.0.1:5000');
  });
});
