/**
 * The provider catalog (server/src/registry/providers/catalog.ts) and the one slug rule
 * (store/registryName.ts): every consumer — the registries file's checks, the CLI's flags, the
 * extension's wizard through the server — reads them, so the places that used to disagree agree now:
 * an ISO-partition ECR host is ECR everywhere, a scheme in an endpoint is not a host, and a name the
 * CLI accepts (the endpoint itself) is a name the wizard accepts.
 * Run: node --import tsx --test test/unit/providerCatalog.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { providerFlags } from '../../server/src/cli/commands/registry/add';
import { endpointHost, hostPortProblem } from '../../server/src/registry/endpoints';
import { authTypesOf, endpointFitsProvider, endpointProblemFor, guessProvider, PROVIDER_CATALOG, PROVIDER_ORDER, providerForHost } from '../../server/src/registry/providers/catalog';
import { serviceAccountKeyProblem } from '../../server/src/registry/providers/google';
import { parseRegistriesFile } from '../../server/src/store/registriesFile/parse';
import { SLUG_PATTERN, slugProblem, suggestSlug } from '../../server/src/store/registryName';

const ISO_ECR = '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov';

void describe('one record per provider', () => {
  void it('lists the seven providers in the wizard order, each with its default auth type first', () => {
    assert.deepEqual(PROVIDER_ORDER, ['dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other']);
    assert.deepEqual(Object.fromEntries(PROVIDER_ORDER.map((p) => [p, authTypesOf(p)])), {
      dockerhub: ['password', 'token'],
      ecr: ['accesskey'],
      gar: ['serviceaccount', 'token'],
      gcr: ['serviceaccount'],
      ghcr: ['token'],
      quay: ['password'],
      other: ['password', 'token'],
    });
  });

  void it("gives the CLI exactly each provider's flags", () => {
    const flags = Object.fromEntries(PROVIDER_ORDER.map((p) => [p, Object.keys(providerFlags(p)).join(',')]));
    assert.deepEqual(flags, {
      dockerhub: 'authtype,username,password,password-stdin,token,token-stdin',
      ecr: 'endpoint,accesskeyid,secretaccesskey,secretaccesskey-stdin',
      gar: 'endpoint,authtype,serviceaccountkey,serviceaccountkey-stdin,token,token-stdin',
      gcr: 'endpoint,serviceaccountkey,serviceaccountkey-stdin',
      ghcr: 'username,token,token-stdin',
      quay: 'username,password,password-stdin',
      other: 'endpoint,authtype,username,password,password-stdin,token,token-stdin,ca-file,insecure-skip-tls-verify,plain-http',
    });
  });
});

void describe('hosts', () => {
  void it('an ISO-partition ECR host is ECR for the guess, the endpoint check and the registries file alike', () => {
    assert.equal(guessProvider(ISO_ECR), 'ecr');
    assert.equal(endpointFitsProvider('ecr', ISO_ECR), true);
    assert.equal(endpointProblemFor('ecr', ISO_ECR), undefined);
    const file = `registries:\n  - slug: iso\n    provider: ecr\n    endpoint: ${ISO_ECR}\n    authType: accesskey\n    username: AKIAEXAMPLE\n`;
    assert.deepEqual(parseRegistriesFile(file, '/w/.replicated-registries.yaml').problems, []);
  });

  void it('a scheme and a path are not part of the host', () => {
    assert.equal(endpointHost('https://Ghcr.io/'), 'ghcr.io');
    assert.equal(providerForHost('https://Ghcr.io/'), 'ghcr');
    assert.equal(guessProvider('HTTPS://Index.Docker.io/v1/'), 'dockerhub');
  });

  void it('accepts each provider’s own hosts and says what is wrong with others, in a form’s words', () => {
    assert.equal(endpointProblemFor('ecr', '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com'), undefined);
    assert.equal(endpointProblemFor('gar', 'us-central1-docker.pkg.dev'), undefined);
    assert.equal(endpointProblemFor('gcr', 'eu.gcr.io'), undefined);
    assert.equal(endpointProblemFor('other', '[2001:db8::1]:5000'), undefined);
    assert.match(endpointProblemFor('ecr', '12345.dkr.ecr.us-east-1.amazonaws.com') ?? '', /Amazon ECR.*123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com/);
    assert.match(endpointProblemFor('gcr', 'ghcr.io') ?? '', /GitHub Container Registry host, not Google Container Registry: pick GitHub Container Registry/);
    assert.match(endpointProblemFor('other', 'https://registry.example.com') ?? '', /without a scheme/);
    assert.match(endpointProblemFor('other', 'registry.example.com/acme') ?? '', /without a path/);
    assert.match(endpointProblemFor('other', '  ') ?? '', /Enter the registry host/);
    assert.match(endpointProblemFor('ghcr', 'quay.io') ?? '', /always uses ghcr\.io/);
    assert.match(hostPortProblem('registry_example.com') ?? '', /not a valid host name/);
    assert.match(hostPortProblem('registry.example.com:99999') ?? '', /not a port number/);
    assert.match(hostPortProblem('[fe80::1%eth0]:5000') ?? '', /not an IPv6 address/);
  });
});

void describe('one slug rule', () => {
  void it('the schema, the CLI and the wizard accept the same names: any text without white space', () => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'schemas', 'registries.schema.json'), 'utf8')) as { $defs?: Record<string, { properties?: { slug?: { pattern?: string } } }>; definitions?: unknown };
    const slugPattern = JSON.stringify(schema).match(/"slug":\{[^}]*"pattern":"((?:[^"\\]|\\.)*)"/)?.[1];
    assert.equal(slugPattern && JSON.parse(`"${slugPattern}"`), SLUG_PATTERN.source);
    assert.equal(slugProblem('registry.lab.acme.example:5000'), undefined);
    assert.equal(slugProblem('Acme_GHCR'), undefined);
    assert.match(slugProblem('two words') ?? '', /no spaces/);
    assert.match(slugProblem('acme', ['acme']) ?? '', /already exists/);
    assert.match(slugProblem('') ?? '', /Enter a name/);
  });

  void it('suggests a free name from the endpoint', () => {
    assert.equal(suggestSlug('ghcr', 'ghcr.io', ['ghcr', 'ghcr-2']), 'ghcr-3');
    assert.equal(suggestSlug('ecr', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', []), 'ecr-eu-west-1');
    assert.equal(suggestSlug('gar', 'us-central1-docker.pkg.dev', []), 'gar-us-central1');
    assert.equal(suggestSlug('gcr', 'eu.gcr.io', []), 'eu-gcr');
    assert.equal(suggestSlug('other', '127.0.0.1:5000', []), '127-0-0-1-5000');
  });
});

void describe('service-account keys', () => {
  void it('accepts a key and never quotes the content in its problems', () => {
    assert.equal(serviceAccountKeyProblem(JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: 'SECRETPART' })), undefined);
    const problem = serviceAccountKeyProblem(JSON.stringify({ type: 'authorized_user', private_key: 'SECRETPART' })) ?? '';
    assert.match(problem, /not a service-account key/);
    assert.doesNotMatch(problem, /SECRETPART/);
    assert.doesNotMatch(serviceAccountKeyProblem('SECRETPART{') ?? '', /SECRETPART/);
  });
});

void describe('the catalog travels as JSON', () => {
  void it('holds only data the extension can receive', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(PROVIDER_CATALOG)), PROVIDER_CATALOG);
  });
});
