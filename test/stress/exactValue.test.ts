// The registries file's fast path (yaml/exactValue.ts, store/registriesFile/parse.ts withoutProblems) held
// to `yaml` itself: whatever the fast path accepts must be exactly what `yaml` reads, and a file it
// accepts must give the same configuration and problems as the exact path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { parseRegistriesFile, parseWithYaml } from '../../server/src/store/registriesFile/parse';
import { exactValue } from '../../server/src/yaml/exactValue';
import { seededRandom } from '../fixtures/random';

const FILE = '/work/app/.replicated-registries.yaml';

/** What `yaml` gives, when it reads the text without an error or warning (the registries parse's options). */
function yamlValue(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  return { value: doc.toJS({ maxAliasCount: 1000 }) };
}


// Scalars as written: plain strings, every core-schema form, quoted forms, and text YAML reads otherwise.
const ORDINARY_SCALARS = [
  'ghcr.io', 'docker.io/library', '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'us-docker.pkg.dev', 'quay.io', 'registry.acme.internal:5000',
  'acme', 'acme-bot', 'my_app', 'token', 'password', 'dockerhub', 'ecr', 'gar', 'gcr', 'ghcr', 'quay', 'other', 'online', 'airgap', 'helm', 'off', 'warning',
];
const SCALARS = [
  ...ORDINARY_SCALARS,
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'null', 'Null', 'NULL', '~', '',
  '123', '-7', '+7', '0o17', '0o19', '0x1F', '0xG', '1.5', '1.', '.5', '1e3', '1.5E-2', '.inf', '-.Inf', '.NaN', '.nan.', '1_000', '12:30', '2024-01-01',
  "'single'", "'it''s'", '"double"', '"tab\\tand \\"quote\\""', '"\\u00e9"', "''", '""', "'true'", '"123"',
  'a b', 'x #not a comment', 'x # a comment', 'https://user:pw@ghcr.io', 'ghcr.io/acme', '- dash', '[a, b]', '[]', '{a: b}', '{}', '*alias', '&anchor x', '!tag x', '| block',
  'a: b', '@at', '`tick', '%percent', '?question', ':colon', 'trailing  ', '"unclosed', "'unclosed", 'x\ty', 'café', '\u0007bell',
];
const KEYS = ['app', 'registries', 'public', 'customDomains', 'installModes', 'rules', 'slug', 'provider', 'endpoint', 'username', 'authType', 'caFile', 'appIds', 'insecureSkipTLSVerify', 'plainHttp', 'proxy', 'registry', 'tag-latest', 'true', '1', 'null', '"quoted key"', '<<', '__proto__', 'x y'];

const ENTRIES: ReadonlyArray<[string, string]> = [
  ['ghcr', 'ghcr.io'], ['dockerhub', 'docker.io'], ['dockerhub', 'index.docker.io'], ['quay', 'quay.io'], ['ecr', '123456789012.dkr.ecr.us-east-1.amazonaws.com'],
  ['gar', 'us-docker.pkg.dev'], ['gcr', 'gcr.io'], ['other', 'registry.acme.internal:5000'], ['other', 'ghcr.io'], ['ghcr', 'quay.io'], ['other', 'https://user:pw@host.example'],
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/** A registries-file-like text: block maps and sequences, flow lists, comments, blank lines, sometimes broken. */
function generated(seed: number): string {
  const next = seededRandom(seed);
  const lines: string[] = [];
  const scalar = (): string => pick(next, next() < 0.75 ? ORDINARY_SCALARS : SCALARS);
  const key = (): string => (next() < 0.85 ? pick(next, KEYS.slice(0, 15)) : pick(next, KEYS));
  const flow = (): string => `[${Array.from({ length: Math.floor(next() * 3) }, scalar).join(', ')}]`;
  if (next() < 0.1) lines.push('# registries of the team');
  if (next() < 0.6) lines.push(`app: ${scalar()}`);
  lines.push('registries:');
  const entries = Math.floor(next() * 4);
  for (let e = 0; e < entries; e++) {
    const indent = next() < 0.8 ? '  ' : '';
    const fields: Array<[string, string]> = [];
    if (next() < 0.7) {
      // An entry as teams write them: a provider and its kind of endpoint, a slug, sometimes more.
      const [provider, endpoint] = pick(next, ENTRIES);
      if (next() < 0.8) fields.push(['slug', `team-${e}${next() < 0.1 ? '' : `-${provider}`}`]);
      fields.push(['provider', provider], ['endpoint', endpoint]);
      if (next() < 0.3) fields.push(['username', next() < 0.8 ? 'acme-bot' : scalar()]);
      if (next() < 0.2) fields.push(['authType', pick(next, ['token', 'password', 'serviceAccountKey', 'accessKey', scalar()])]);
      if (next() < 0.1) fields.push(['appIds', flow()]);
      if (next() < 0.1) fields.push([pick(next, ['insecureSkipTLSVerify', 'plainHttp']), pick(next, ['true', 'false', scalar()])]);
      if (next() < 0.1) fields.push([key(), scalar()]);
    } else {
      const count = 1 + Math.floor(next() * 5);
      for (let f = 0; f < count; f++) fields.push([key(), next() < 0.15 ? flow() : scalar()]);
    }
    fields.forEach(([name, value], f) => {
      const lead = f === 0 ? `${indent}- ` : `${indent}  `;
      lines.push(`${lead}${name}:${value === '' ? '' : ' '}${value}${next() < 0.05 ? ' # note' : ''}`);
      if (next() < 0.04) lines.push(`${indent}    - ${scalar()}`);
    });
    if (next() < 0.1) lines.push('');
  }
  if (next() < 0.5) lines.push(`public: ${next() < 0.5 ? flow() : `\n  - ${scalar()}\n  - ${scalar()}`}`);
  if (next() < 0.3) lines.push(`customDomains:\n  proxy: [${scalar()}]\n  registry: [${scalar()}]`);
  if (next() < 0.3) lines.push(`installModes: ${flow()}`);
  if (next() < 0.3) lines.push(`rules:\n  ${pick(next, ['tag-latest', 'registry-not-connected', 'x'])}: ${scalar()}`);
  let text = lines.join(next() < 0.1 ? '\r\n' : '\n') + (next() < 0.8 ? '\n' : '');
  // Sometimes broken by one edit: a character dropped, doubled or a tab or quote put in.
  if (next() < 0.25 && text.length > 0) {
    const at = Math.floor(next() * text.length);
    const edit = pick(next, ['drop', 'double', '\t', '"', ':', '#', '-']);
    text = edit === 'drop' ? text.slice(0, at) + text.slice(at + 1) : edit === 'double' ? text.slice(0, at) + text.charAt(at) + text.slice(at) : text.slice(0, at) + edit + text.slice(at);
  }
  return text;
}

const ORDINARY = `# The team's registries: what Replicated's proxy can pull from.
app: acme-platform
registries:
  - slug: acme-ghcr
    provider: ghcr
    endpoint: ghcr.io
    authType: token
    username: acme-bot
  - provider: ecr
    endpoint: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    appIds: [app-1, "app-2"]
  - slug: internal
    provider: other
    endpoint: registry.acme.internal:5000
    caFile: certs/internal-ca.pem
public:
  - docker.io/library
  - 'quay.io/prometheus'
installModes: [online, airgap]
rules:
  tag-latest: warning
`;

void describe('the registries file read without yaml (exactValue)', () => {
  void it('reads ordinary files exactly as yaml does', () => {
    const files = [ORDINARY, '', '# only a comment\n', 'app: x\n', readFileSync(path.join(import.meta.dirname, '../../examples/.replicated-registries.yaml'), 'utf8')];
    for (const text of files) {
      const fast = exactValue(text);
      assert.ok(fast, `the fast path reads:\n${text}`);
      assert.deepEqual(fast, yamlValue(text));
    }
    assert.deepEqual(exactValue('a: true\nb: ~\nc:\nd: False\ne: "123"\n'), { value: { a: true, b: null, c: null, d: false, e: '123' } });
  });

  void it('leaves to yaml what it does not read the way yaml does', () => {
    for (const text of ['port: 8080\n', 'v: 1.5\n', 'v: 0x1F\n', 'v: .inf\n', 'true: x\n', '"1": x\n', 'a: 1\na: 2\n', 'a: &x b\nc: *x\n', '<<: {a: b}\n', '__proto__: x\n', 'v: |\n  text\n', '---\na: b\n', '%YAML 1.2\n---\na: b\n', '\ufeffa: b\n', 'a: café\n', 'a: !!str 1\n', 'a: b\n  c\n', 'a: "x\n  y"\n', 'a: b\r#c\n']) {
      assert.equal(exactValue(text), undefined, JSON.stringify(text));
    }
  });

  void it('gives what yaml gives, for every generated text it reads (4,000 texts)', () => {
    let read = 0;
    for (let seed = 1; seed <= 4_000; seed++) {
      const text = generated(seed);
      const fast = exactValue(text);
      if (!fast) continue;
      read++;
      assert.deepEqual(fast, yamlValue(text), `seed ${seed}:\n${text}`);
    }
    // Not a vacuous pass: most generated files are plain enough for the fast path.
    assert.ok(read > 1_000, `the fast path read ${read} of 4,000`);
  });

  void it('gives the same configuration and problems as the exact path (4,000 registries files)', () => {
    let withoutProblems = 0;
    for (let seed = 1; seed <= 4_000; seed++) {
      const text = generated(seed);
      // A text the fast scanner does not read exactly goes straight to the exact path.
      if (!exactValue(text)) continue;
      const parsed = parseRegistriesFile(text, FILE);
      assert.deepEqual(parsed, parseWithYaml(text, FILE), `seed ${seed}:\n${text}`);
      if (parsed.problems.length === 0) withoutProblems++;
    }
    assert.ok(withoutProblems > 100, `${withoutProblems} files without problems`);
  });
});
