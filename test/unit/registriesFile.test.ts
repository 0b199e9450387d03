import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import schema from '../../schemas/registries.schema.json';
import type { RegistryEntry } from '../../server/src/registry/types';
import { removeRegistry, upsertRegistry } from '../../server/src/store/registriesFile/edit';
import { RegistriesEditError, RegistriesFileError, RegistryNotFoundError } from '../../server/src/store/registriesFile/errors';
import { findRegistriesFile, REGISTRIES_FILE_NAME } from '../../server/src/store/registriesFile/location';
import { loadRegistriesFile, parseRegistriesFile } from '../../server/src/store/registriesFile/parse';
import { type ConfigProblem } from '../../server/src/store/registriesFile/types';

const FILE = '/work/app/.replicated-registries.yaml';

/** Text with a `^` marker line under the spot a problem must start at: returns the text without the marker and the expected line/column. */
function marked(source: string): { text: string; line: number; column: number } {
  const lines = source.split('\n');
  const markerIndex = lines.findIndex((l) => /^\s*\^\s*$/.test(l));
  assert.ok(markerIndex > 0, 'test text needs a ^ marker line');
  const column = (lines[markerIndex] ?? '').indexOf('^') + 1;
  lines.splice(markerIndex, 1);
  return { text: lines.join('\n'), line: markerIndex, column };
}

function only(problems: ConfigProblem[], code?: string): ConfigProblem {
  const matching = code ? problems.filter((p) => p.code === code) : problems;
  assert.equal(matching.length, 1, `expected exactly one problem${code ? ` with code ${code}` : ''}, got ${JSON.stringify(problems, null, 2)}`);
  return matching[0] as ConfigProblem;
}

function expectProblemAt(source: string, code: string, messagePart: RegExp, severity: 'error' | 'warning' = 'error'): ConfigProblem {
  const { text, line, column } = marked(source);
  const problem = only(parseRegistriesFile(text, FILE).problems, code);
  assert.equal(problem.severity, severity);
  assert.match(problem.message, messagePart);
  assert.deepEqual([problem.line, problem.column], [line, column], `problem "${problem.message}" at ${problem.line}:${problem.column}`);
  return problem;
}

const DESIGN_EXAMPLE = `app: my-app
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
  - slug: acme-ecr
    provider: ecr
    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    authType: accesskey
    username: AKIAEXAMPLE
customDomains:
  proxy: [images.acme.example]
public: [docker.io/library]
`;

void describe('the registries schema', () => {
  void it('is a strict JSON Schema 2020-12 document with a description on every property', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: true });
    ajv.addVocabulary(['deprecationMessage', 'doNotSuggest', 'markdownDescription']);
    ajv.compile(schema);
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.type === 'object' && record.additionalProperties !== false) missing.push(`${where}: additionalProperties is not false`);
      for (const [name, child] of Object.entries((record.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if (typeof child.description !== 'string' || child.description.length < 10) missing.push(`${where}.${name}: no description`);
      }
      for (const [key, value] of Object.entries(record)) walk(value, `${where}/${key}`);
    };
    walk(schema, '#');
    assert.deepEqual(missing, []);
  });

  void it('has no property that can hold a secret', () => {
    const names: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      // Rule codes (`pull-secret-missing`) name severities, not values that could hold a secret.
      for (const [name, property] of Object.entries((record.properties as Record<string, { $ref?: string }> | undefined) ?? {})) if (property.$ref !== '#/$defs/severity') names.push(name);
      for (const value of Object.values(record)) walk(value);
    };
    walk(schema);
    for (const name of names) assert.doesNotMatch(name, /pass|token|secret|key$|auth$/i, `property ${name}`);
  });
});

void describe('parseRegistriesFile', () => {
  void it('reads the design example with no problems and fills defaults', () => {
    const { config, problems } = parseRegistriesFile(DESIGN_EXAMPLE, FILE);
    assert.deepEqual(problems, []);
    assert.equal(config.app, 'my-app');
    assert.deepEqual(
      config.registries.map((r) => [r.slug, r.provider, r.endpoint, r.authType, r.username]),
      [
        ['acme-ghcr', 'ghcr', 'ghcr.io', 'token', 'acme-bot'],
        ['acme-ecr', 'ecr', '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'accesskey', 'AKIAEXAMPLE'],
      ],
    );
    assert.deepEqual(config.customDomains, { proxy: ['images.acme.example'], registry: [] });
    assert.deepEqual(config.public, ['docker.io/library']);
  });

  void it('treats an empty or comment-only file as an empty configuration', () => {
    for (const text of ['', '# nothing yet\n', '---\n']) {
      const { config, problems } = parseRegistriesFile(text, FILE);
      assert.deepEqual(problems, [], JSON.stringify(text));
      assert.deepEqual(config, { registries: [], customDomains: { proxy: [], registry: [] }, public: [] });
    }
  });

  void it('defaults the slug to the endpoint and the auth type to the provider’s usual one, and resolves caFile next to the file', () => {
    const { config, problems } = parseRegistriesFile('registries:\n  - provider: gcr\n    endpoint: gcr.io\n  - provider: other\n    endpoint: r.example:5000\n    caFile: certs/ca.pem\n', FILE);
    assert.deepEqual(problems, []);
    assert.equal(config.registries[0]?.slug, 'gcr.io');
    assert.equal(config.registries[0]?.authType, 'serviceaccount');
    assert.equal(config.registries[1]?.authType, 'password');
    assert.equal(config.registries[1]?.caFile, '/work/app/certs/ca.pem');
  });

  void it('points an unknown provider at its value, with a suggestion', () => {
    const p = expectProblemAt(
      `registries:
  - slug: a
    provider: dockrhub
              ^
    endpoint: index.docker.io
`,
      'schema',
      /must be one of dockerhub, ecr, gar, gcr, ghcr, quay, other.*did you mean `dockerhub`/,
    );
    assert.equal(p.end - p.start, 'dockrhub'.length);
  });

  void it('points a quoted boolean at its value and says to drop the quotes', () => {
    expectProblemAt(
      `registries:
  - provider: other
    endpoint: r.example
    plainHttp: "true"
               ^
`,
      'schema',
      /must be true or false.*without quotes/,
    );
  });

  void it('points a missing endpoint at the entry', () => {
    expectProblemAt(
      `app: x
registries:
  - slug: a
    ^
    provider: ghcr
`,
      'schema',
      /registry #1 \("a"\) is missing `endpoint` \(for example `endpoint: ghcr.io`\)/,
    );
  });

  void it('points an unknown key at the key, with a suggestion', () => {
    const p = expectProblemAt(
      `registries:
  - provider: quay
    endpoint: quay.io
    usrname: bob
    ^
`,
      'schema',
      /unknown property `usrname`.*did you mean `username`/,
    );
    assert.equal(p.end - p.start, 'usrname'.length);
  });

  void it('maps names carried over from the replicated CLI to the field they mean', () => {
    for (const [key, field] of [['accessKeyId', 'username'], ['name', 'slug'], ['url', 'endpoint'], ['app-ids', 'appIds']]) {
      const problem = only(parseRegistriesFile(`registries:\n  - provider: quay\n    endpoint: quay.io\n    ${key}: x\n`, FILE).problems);
      assert.equal(problem.code, 'schema', key);
      assert.match(problem.message, new RegExp(`unknown property \`${key}\`.*did you mean \`${field}\``));
    }
  });

  void it('rejects a password in an entry and says secrets belong in the credential store', () => {
    expectProblemAt(
      `registries:
  - provider: quay
    endpoint: quay.io
    username: bob
    password: hunter2
    ^
`,
      'secret-in-file',
      /secrets do not belong in this file.*credential store/,
    );
  });

  void it('rejects other secret-looking keys anywhere, including the top level', () => {
    for (const [text, key] of [
      ['token: abc\n', 'token'],
      ['registries:\n  - provider: ecr\n    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com\n    secretAccessKey: x\n', 'secretAccessKey'],
      ['registries:\n  - provider: gcr\n    endpoint: gcr.io\n    serviceAccountKey: "{}"\n', 'serviceAccountKey'],
      ['registries:\n  - provider: ghcr\n    endpoint: ghcr.io\n    apiKey: x\n', 'apiKey'],
      ['customDomains:\n  proxy: []\n  auth: x\n', 'auth'],
    ] as const) {
      const problem = only(parseRegistriesFile(text, FILE).problems, 'secret-in-file');
      assert.equal(text.slice(problem.start, problem.end), key);
      assert.match(problem.message, /credential store/);
    }
  });

  void it('checks rule codes and severities', () => {
    const { text, line, column } = marked(`rules:
  tag-latest: warn
              ^
`);
    const problem = only(parseRegistriesFile(text, FILE).problems);
    assert.deepEqual([problem.line, problem.column], [line, column]);
    assert.match(problem.message, /off, error, warning, info, hint/);
    const unknown = only(parseRegistriesFile('rules:\n  tag-lastest: off\n', FILE).problems);
    assert.match(unknown.message, /unknown property `tag-lastest`.*did you mean `tag-latest`/);
    assert.deepEqual(parseRegistriesFile('rules:\n  tag-latest: off\n  digest-pinning: hint\n', FILE).config.rules, { 'tag-latest': 'off', 'digest-pinning': 'hint' });
  });

  void it('checks custom domains and public entries', () => {
    expectProblemAt(
      `customDomains:
  proxy: [https://images.acme.example]
          ^
`,
      'schema',
      /host name.*without scheme/,
    );
    expectProblemAt(
      `public:
  - "docker.io library"
    ^
`,
      'schema',
      /host \(`quay.io`\) or `host\/repository-prefix`/,
    );
  });

  void it('reports a duplicate slug on the second one', () => {
    expectProblemAt(
      `registries:
  - slug: acme
    provider: ghcr
    endpoint: ghcr.io
  - slug: acme
          ^
    provider: quay
    endpoint: quay.io
`,
      'duplicate-slug',
      /duplicate registry name "acme" \(registry #1, line 2, has it too\)/,
    );
  });

  void it('rejects an endpoint with a scheme or a path', () => {
    expectProblemAt(
      `registries:
  - provider: other
    endpoint: https://registry.example.com
              ^
`,
      'endpoint-shape',
      /without a scheme: write `registry.example.com`/,
    );
    expectProblemAt(
      `registries:
  - provider: ghcr
    endpoint: ghcr.io/acme
              ^
`,
      'endpoint-shape',
      /without a path: write `ghcr.io`/,
    );
  });

  void it('rejects a password written into the endpoint, and keeps it out of every message and of the configuration', () => {
    const text = 'registries:\n  - provider: other\n    endpoint: https://ci:Hunter2-not-real@registry.example.com\n  - provider: other\n    endpoint: bot:s3c@other.example.com\n';
    const parsed = parseRegistriesFile(text, FILE);
    const problems = parsed.problems.filter((p) => p.code === 'secret-in-file');
    assert.equal(problems.length, 2);
    assert.match(problems[0]?.message ?? '', /endpoint must not hold a user name or password: write `registry\.example\.com`, keep the username in `username` and the password in your credential store; this file is meant to be committed, so change that password/);
    const everything = JSON.stringify(parsed);
    assert.doesNotMatch(everything, /Hunter2-not-real|s3c@|bot:/);
    assert.deepEqual(
      parsed.config.registries.map((e) => [e.slug, e.endpoint]),
      [
        ['https://registry.example.com', 'https://registry.example.com'],
        ['other.example.com', 'other.example.com'],
      ],
    );
    assert.ok(parsed.config.registries.every((e) => e.problem !== undefined), 'neither entry may send credentials');
  });

  void it('marks an entry with an error (and only that one) so no tool uses it to send credentials', () => {
    const text = 'registries:\n  - slug: good\n    provider: other\n    endpoint: registry.example.com\n  - slug: hub\n    provider: dockerhub\n    endpoint: 127.0.0.2:5000\n';
    const parsed = parseRegistriesFile(text, FILE);
    const [good, hub] = parsed.config.registries;
    assert.equal(good?.problem, undefined);
    assert.match(hub?.problem ?? '', /^line 7: endpoint `127\.0\.0\.2:5000` is not a Docker Hub host/);
    const broken = parseRegistriesFile('registries:\n  - slug: a\n    provider: other\n    endpoint: a.example\n  - [\n', FILE);
    assert.ok(broken.config.registries.every((e) => e.problem === 'the registries file has a YAML error'));
  });

  void it('bounds the file: size, number of registries, nesting depth — one clear problem each, nothing used', () => {
    const entry = (i: number): string => `  - slug: r${i}\n    provider: other\n    endpoint: r${i}.example.com\n`;
    const many = `registries:\n${Array.from({ length: 1001 }, (_, i) => entry(i)).join('')}`;
    const tooMany = parseRegistriesFile(many, FILE);
    assert.deepEqual(tooMany.config.registries, []);
    assert.match(only(tooMany.problems, 'limit').message, /lists 1,001 registries, more than the 1,000 it may hold/);
    const huge = parseRegistriesFile(`# ${'x'.repeat(1024 * 1024)}\nregistries: []\n`, FILE);
    assert.match(only(huge.problems, 'limit').message, /the registries file is 1 MiB, more than the 1 MiB it may be/);
    const deep = parseRegistriesFile(`registries: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, FILE);
    const problem = only(deep.problems, 'limit');
    assert.match(problem.message, /nests deeper than 200 levels here/);
    assert.equal(problem.line, 1);
    assert.doesNotMatch(JSON.stringify(deep.problems), /Maximum call stack/);
  });

  void it('rejects an endpoint that does not belong to the provider', () => {
    expectProblemAt(
      `registries:
  - provider: ecr
    endpoint: registry.example.com
              ^
`,
      'provider-endpoint-mismatch',
      /not a Amazon ECR host; use an endpoint like `123456789012.dkr.ecr.us-east-1.amazonaws.com`, or `provider: other`/,
    );
    expectProblemAt(
      `registries:
  - provider: quay
    endpoint: ghcr.io
              ^
`,
      'provider-endpoint-mismatch',
      /`ghcr.io` is GitHub Container Registry: use `provider: ghcr`/,
    );
    expectProblemAt(
      `registries:
  - provider: other
    endpoint: quay.io
              ^
`,
      'provider-endpoint-mismatch',
      /use `provider: quay`/,
      'warning',
    );
    assert.deepEqual(parseRegistriesFile('registries:\n  - provider: gar\n    endpoint: us.gcr.io\n  - provider: dockerhub\n    endpoint: docker.io\n', FILE).problems, []);
  });

  void it('checks the auth type against the provider', () => {
    const allowed: Record<string, string[]> = {
      dockerhub: ['password', 'token'],
      ecr: ['accesskey'],
      gar: ['serviceaccount', 'token'],
      gcr: ['serviceaccount'],
      ghcr: ['token'],
      quay: ['password'],
      other: ['password', 'token'],
    };
    const endpoints: Record<string, string> = {
      dockerhub: 'index.docker.io',
      ecr: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      gar: 'europe-docker.pkg.dev',
      gcr: 'gcr.io',
      ghcr: 'ghcr.io',
      quay: 'quay.io',
      other: 'r.example',
    };
    for (const [provider, types] of Object.entries(allowed)) {
      for (const authType of ['password', 'token', 'accesskey', 'serviceaccount']) {
        const text = `registries:\n  - provider: ${provider}\n    endpoint: ${endpoints[provider]}\n    authType: ${authType}\n`;
        const problems = parseRegistriesFile(text, FILE).problems.filter((p) => p.code === 'auth-type');
        if (types.includes(authType)) assert.deepEqual(problems, [], `${provider}/${authType}`);
        else {
          assert.equal(problems.length, 1, `${provider}/${authType}`);
          assert.equal(problems[0]?.line, 4);
          assert.equal(problems[0]?.column, 15);
        }
      }
    }
  });

  void it('reports YAML syntax errors with their position and skips the schema then', () => {
    const { problems, config } = parseRegistriesFile('registries:\n  - slug: a\n    provider: ghcr\n  endpoint: ghcr.io\n', FILE);
    const problem = only(problems);
    assert.equal(problem.code, 'yaml-syntax');
    assert.equal(problem.severity, 'error');
    assert.match(problem.message, /^YAML syntax error: All mapping items must start at the same column/);
    assert.deepEqual([problem.line, problem.column], [4, 1]);
    assert.deepEqual(config.registries, []);

    const unclosed = only(parseRegistriesFile('registries:\n  - slug: a\n    provider: [ghcr\n', FILE).problems);
    assert.match(unclosed.message, /Flow sequence .* end with a \]/);
    assert.equal(unclosed.line, 4, 'an unclosed flow sequence is reported where the text ends');

    const duplicate = only(parseRegistriesFile('app: a\napp: b\n', FILE).problems);
    assert.equal(duplicate.code, 'yaml-syntax');
    assert.deepEqual([duplicate.line, duplicate.column], [2, 1]);
    assert.match(duplicate.message, /unique/i);
  });

  void it('keeps offsets exact after multi-byte characters', () => {
    const text = '# café ☕ registries\nregistries:\n  - provider: ghcr\n    endpoint: ghcr.io\n    colour: blue\n';
    const problem = only(parseRegistriesFile(text, FILE).problems);
    assert.equal(text.slice(problem.start, problem.end), 'colour');
    assert.deepEqual([problem.line, problem.column], [5, 5]);
  });
});

void describe('loadRegistriesFile and findRegistriesFile', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'registries-file-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  void it('finds the file in the folder or its nearest parent', () => {
    const nested = path.join(root, 'app', 'charts', 'web');
    mkdirSync(nested, { recursive: true });
    assert.equal(findRegistriesFile(nested), undefined);
    writeFileSync(path.join(root, REGISTRIES_FILE_NAME), 'registries: []\n');
    assert.equal(findRegistriesFile(nested), path.join(root, REGISTRIES_FILE_NAME));
    writeFileSync(path.join(root, 'app', REGISTRIES_FILE_NAME), 'registries: []\n');
    assert.equal(findRegistriesFile(nested), path.join(root, 'app', REGISTRIES_FILE_NAME));
  });

  void it('throws an error listing file:line:col lines and how to fix them', () => {
    const file = path.join(root, 'broken.yaml');
    writeFileSync(file, 'registries:\n  - provider: nope\n    endpoint: x\n    password: hunter2\n');
    assert.throws(
      () => loadRegistriesFile(file),
      (err: unknown) => {
        assert.ok(err instanceof RegistriesFileError);
        assert.match(err.message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:15 .*must be one of`));
        assert.match(err.message, /:4:5 `password`: secrets do not belong/);
        assert.match(err.message, /Fix them in the file/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });

  void it('reads only a regular file of at most 1 MiB: a FIFO or a huge file is a clear error, never a hang', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rr-regfile-'));
    try {
      const fifo = path.join(dir, REGISTRIES_FILE_NAME);
      execFileSync('mkfifo', [fifo]);
      assert.throws(() => loadRegistriesFile(fifo), /cannot be read \(it is a named pipe \(FIFO\), not a regular file\)/);
      rmSync(fifo);
      writeFileSync(fifo, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
      assert.throws(() => loadRegistriesFile(fifo), /cannot be used: it is 2 MiB, more than the 1 MiB limit/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('says when the file is missing', () => {
    assert.throws(() => loadRegistriesFile(path.join(root, 'absent.yaml')), /does not exist; check the path/);
  });
});

const ORIGINAL = `# Registries for the acme app.
app: acme   # vendor portal slug

registries:
  # GitHub first: most images live there.
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot     # the CI bot

  - slug: "acme-ecr"
    provider: ecr
    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    username: AKIAEXAMPLE
    appIds: [app-1,   app-2]
    # keep ECR last

customDomains:
    proxy:   [images.acme.example]
public: [docker.io/library]   # official images
`;

const NEW_ENTRY: RegistryEntry = { slug: 'local', provider: 'other', endpoint: '127.0.0.1:5000', authType: 'password', username: 'bob', caFile: '/work/app/certs/ca.pem' };

void describe('upsertRegistry', () => {
  void it('appends a new entry after the last one and leaves every other byte alone', () => {
    const result = upsertRegistry(ORIGINAL, NEW_ENTRY, { filePath: FILE });
    const insertAt = ORIGINAL.indexOf('    # keep ECR last');
    const inserted = '\n  - slug: local\n    provider: other\n    endpoint: 127.0.0.1:5000\n    authType: password\n    username: bob\n    caFile: certs/ca.pem\n';
    assert.equal(result, ORIGINAL.slice(0, insertAt) + inserted + ORIGINAL.slice(insertAt));
    const parsed = parseRegistriesFile(result, FILE);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.config.registries.map((r) => r.slug),
      ['acme-ghcr', 'acme-ecr', 'local'],
    );
    assert.equal(parsed.config.registries[2]?.caFile, '/work/app/certs/ca.pem');
  });

  void it('replaces an entry with the same slug in place, keeping its comments and everything around it', () => {
    const entry: RegistryEntry = { slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'release-bot', appIds: ['app-9'] };
    const result = upsertRegistry(ORIGINAL, entry);
    const start = ORIGINAL.indexOf('slug: acme-ghcr');
    const end = ORIGINAL.indexOf('\n  - slug: "acme-ecr"');
    assert.equal(result.slice(0, start), ORIGINAL.slice(0, start));
    assert.ok(result.endsWith(ORIGINAL.slice(end)), 'the text after the entry is unchanged');
    const changed = result.slice(start, result.length - (ORIGINAL.length - end));
    assert.equal(changed, 'slug: acme-ghcr\n    provider: ghcr\n    endpoint: ghcr.io\n    authType: token\n    username: release-bot # the CI bot\n    appIds: [app-9]\n');
  });

  void it('returns the text unchanged when nothing changes', () => {
    const same: RegistryEntry = { slug: 'acme-ecr', provider: 'ecr', endpoint: '123456789012.dkr.ecr.us-east-1.amazonaws.com', authType: 'accesskey', username: 'AKIAEXAMPLE', appIds: ['app-1', 'app-2'] };
    // authType is new in the file (it was defaulted), so adding it is the only change.
    const result = upsertRegistry(ORIGINAL, same);
    assert.equal(result, ORIGINAL.replace('    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com\n', '    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com\n    authType: accesskey\n').replace('[app-1,   app-2]', '[app-1, app-2]'));
    assert.equal(upsertRegistry(result, same), result);
  });

  void it('never writes a secret, even when one is smuggled into the entry or was typed into the file', () => {
    const smuggled = { ...NEW_ENTRY, password: 'hunter2-secret', secret: 'hunter2-secret', token: 'hunter2-secret', auth: 'hunter2-secret' } as RegistryEntry;
    const added = upsertRegistry(ORIGINAL, smuggled);
    assert.doesNotMatch(added, /hunter2-secret/);
    const withTypedSecret = ORIGINAL.replace('    username: acme-bot     # the CI bot\n', '    username: acme-bot     # the CI bot\n    password: typed-secret\n');
    const cleaned = upsertRegistry(withTypedSecret, { slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'acme-bot' });
    assert.doesNotMatch(cleaned, /typed-secret/);
    assert.deepEqual(parseRegistriesFile(cleaned, FILE).problems, []);
  });

  void it('creates the list where there is none, in every shape the file can have', () => {
    const entry: RegistryEntry = { slug: 'q', provider: 'quay', endpoint: 'quay.io', authType: 'password', username: 'bob' };
    const block = '  - slug: q\n    provider: quay\n    endpoint: quay.io\n    authType: password\n    username: bob\n';
    assert.equal(upsertRegistry('', entry), `registries:\n${block}`);
    assert.equal(upsertRegistry('# header only\n', entry), `# header only\nregistries:\n${block}`);
    assert.equal(upsertRegistry('app: a\n', entry), `app: a\nregistries:\n${block}`);
    assert.equal(upsertRegistry('app: a', entry), `app: a\nregistries:\n${block}`);
    assert.equal(upsertRegistry('# h\nregistries: []\napp: a\n', entry), `# h\nregistries:\n${block}app: a\n`);
    assert.equal(upsertRegistry('registries: [] # none yet\napp: a\n', entry), `registries: # none yet\n${block}app: a\n`);
    assert.equal(upsertRegistry('registries:\n  # soon\n  []\napp: a\n', entry), `registries:\n  # soon\n${block}app: a\n`);
    assert.equal(upsertRegistry('registries:\napp: a\n', entry), `registries:\n${block}app: a\n`);
    assert.equal(upsertRegistry('registries: ~ # later\n', entry), `registries: # later\n${block}`);
  });

  void it('follows a list written without indentation and with blank lines between entries', () => {
    const text = 'registries:\n- slug: a\n  provider: quay\n  endpoint: quay.io\n\n- slug: b\n  provider: ghcr\n  endpoint: ghcr.io\n';
    const result = upsertRegistry(text, { slug: 'c', provider: 'other', endpoint: 'c.example', authType: 'password' });
    assert.equal(result, `${text}\n- slug: c\n  provider: other\n  endpoint: c.example\n  authType: password\n`);
  });

  void it('refuses to edit broken YAML', () => {
    assert.throws(() => upsertRegistry('registries: [\n', NEW_ENTRY), (err: unknown) => err instanceof RegistriesEditError && /YAML syntax error at line/.test(err.message));
    assert.throws(() => upsertRegistry('registries: nope\n', NEW_ENTRY), /not a list/);
  });
});

void describe('removeRegistry', () => {
  void it('removes an entry with its lines and the blank line before it, nothing else', () => {
    const result = removeRegistry(ORIGINAL, 'acme-ecr');
    const start = ORIGINAL.indexOf('\n  - slug: "acme-ecr"');
    const end = ORIGINAL.indexOf('    # keep ECR last');
    assert.equal(result, ORIGINAL.slice(0, start) + ORIGINAL.slice(end));
  });

  void it('removes the first entry by endpoint, with the blank line after it', () => {
    const result = removeRegistry(ORIGINAL, 'ghcr.io');
    const start = ORIGINAL.indexOf('  - slug: acme-ghcr');
    const end = ORIGINAL.indexOf('  - slug: "acme-ecr"');
    assert.equal(result, ORIGINAL.slice(0, start) + ORIGINAL.slice(end));
    assert.deepEqual(
      parseRegistriesFile(result, FILE).config.registries.map((r) => r.slug),
      ['acme-ecr'],
    );
  });

  void it('leaves an empty list when the last entry goes', () => {
    const result = removeRegistry(removeRegistry(ORIGINAL, 'acme-ecr'), 'acme-ghcr');
    assert.match(result, /registries:\n {2}# GitHub first: most images live there.\n {2}\[\]\n {4}# keep ECR last\n/);
    const parsed = parseRegistriesFile(result, FILE);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.config.registries, []);
    assert.ok(result.startsWith('# Registries for the acme app.\napp: acme   # vendor portal slug\n\nregistries:\n'));
  });

  void it('round-trips: add then remove gives back the original bytes', () => {
    assert.equal(removeRegistry(upsertRegistry(ORIGINAL, NEW_ENTRY, { filePath: FILE }), 'local'), ORIGINAL);
  });

  void it('says which names exist when nothing matches, and refuses an ambiguous endpoint', () => {
    assert.throws(() => removeRegistry(ORIGINAL, 'nope'), (err: unknown) => err instanceof RegistryNotFoundError && /known: acme-ghcr, acme-ecr/.test(err.message));
    const two = 'registries:\n  - slug: a\n    provider: quay\n    endpoint: quay.io\n  - slug: b\n    provider: quay\n    endpoint: quay.io\n';
    assert.throws(() => removeRegistry(two, 'quay.io'), /endpoint of 2 registries \(a, b\); name the one to remove by its slug/);
  });
});
