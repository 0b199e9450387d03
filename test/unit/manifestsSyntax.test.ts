/**
 * `yaml-syntax` at the manifest level: where the parser's errors land (caret-marked), what is NOT an
 * error (valid but unusual YAML, Helm templates, template expressions), and that the fast scanner
 * hands every malformed document to the full parser instead of deciding it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImages, splitDocuments } from '../../server/src/manifests/findImages';
import { FastScanner, Undecidable } from '../../server/src/yaml/fastScanner';
import { fileRoleOf } from '../../server/src/manifests/shapes';
import type { YamlSyntaxError } from '../../server/src/findings/types';
import { marked, yaml } from '../fixtures/carets';

/** The syntax errors the finder reports for `text`. */
function yamlSyntaxErrors(text: string, filePath: string): YamlSyntaxError[] {
  return findImages(text, filePath).syntaxErrors;
}

/** The marked ranges must be exactly the syntax errors found, in order. */
function expectErrors(source: string, filePath = 'deploy.yaml'): YamlSyntaxError[] {
  const { text, ranges } = marked(source);
  const errors = yamlSyntaxErrors(text, filePath);
  assert.deepEqual(
    errors.map((error) => ({ start: error.start, end: error.end, text: text.slice(error.start, error.end) })),
    ranges.map((range) => ({ start: range.start, end: range.end, text: range.text })),
    `errors: ${JSON.stringify(errors)}`,
  );
  return errors;
}

function expectNoErrors(text: string, filePath = 'deploy.yaml'): void {
  assert.deepEqual(yamlSyntaxErrors(text, filePath), [], `unexpected errors in ${filePath}:\n${text}`);
}

/** Every document of `text` the strict fast scanner cannot decide (so `yaml` reads it and reports its errors). */
function undecidedDocuments(text: string): number {
  let undecided = 0;
  for (const range of splitDocuments(text)) {
    try {
      new FastScanner(text, range.start, range.end, false).scan();
    } catch (error) {
      if (!(error instanceof Undecidable)) throw error;
      undecided++;
    }
  }
  return undecided;
}

const POD = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n';

void describe('yaml-syntax: malformed YAML, error on the offending spot', () => {
  void it('an unclosed flow sequence: from the opening bracket to the end of its line, once', () => {
    const [error] = expectErrors(`${POD}    - name: a\n      image: ^^[[[^^\n`);
    assert.match(error?.message ?? '', /Flow sequence/);
    assert.equal(error?.parserCode, 'BAD_INDENT');
  });

  void it('an unclosed flow mapping opened earlier in the document', () => {
    expectErrors(`${POD}    - ^^{name: a, image: nginx:1.27^^\n`);
  });

  void it('an unclosed quote: from the opening quote, even when the parser gives up lines later', () => {
    const [error] = expectErrors(`${POD}    - name: a\n      image: ^^"nginx:1.27^^\n      imagePullPolicy: Always\n`);
    assert.match(error?.message ?? '', /Missing closing "quote/);
  });

  void it('bad indentation: the line that starts at no sibling column', () => {
    const [error] = expectErrors(yaml`
      metadata:
        name: web
      ^^ ^^namespace: acme
    `);
    assert.match(error?.message ?? '', /same column/);
  });

  void it('a tab in indentation', () => {
    const [error] = expectErrors('metadata:\n^^\t^^name: web\n');
    assert.equal(error?.parserCode, 'TAB_AS_INDENT');
  });

  void it('a value starting with a reserved character', () => {
    expectErrors('metadata:\n  name: ^^@^^web\n');
  });

  void it('random bytes named .yaml: the first control character, one error', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]).toString('latin1');
    const errors = yamlSyntaxErrors(bytes, 'logo.yaml');
    const control = errors.filter((error) => error.parserCode === 'CONTROL_CHARACTER');
    assert.equal(control.length, 1);
    assert.equal(control[0]?.start, bytes.indexOf('\x1a'));
    assert.match(control[0]?.message ?? '', /U\+001A .*binary/);
  });

  void it('errors in the second of three documents carry file offsets', () => {
    const errors = expectErrors(`${POD}    - image: nginx:1.27\n---\nkind: ConfigMap\ndata:\n  a: ^^'unclosed^^\n---\nkind: Secret\n`);
    assert.equal(errors.length, 1);
  });

  void it('values, Compose and Kustomize files are checked too', () => {
    expectErrors('image:\n  repository: ^^[nginx^^\n', 'chart/values.yaml');
    expectErrors('services:\n  web:\n    image: ^^"nginx^^\n', 'docker-compose.yml');
    expectErrors('images:\n  - name: nginx\n^^\t^^newTag: "1.27"\n', 'kustomization.yaml');
  });

  void it('the fast scanner hands each malformed document to the full parser (never decides it)', () => {
    const malformed = [
      'image: [[[\n',
      'image: {a: 1\n',
      'image: "abc\nname: x\n',
      "image: 'abc\n",
      'a:\n  b: 1\n c: 2\n',
      'a:\n\tb: 1\n',
      'a:\n  - \tname: x\n',
      'a: |--\n  x\n',
      'a: |\n    x\n  y\n',
      'a: b: c\n',
      'x: @foo\n',
    ];
    for (const text of malformed) {
      assert.equal(undecidedDocuments(text), 1, `fast scanner decided malformed ${JSON.stringify(text)}`);
      assert.ok(yamlSyntaxErrors(text, 'deploy.yaml').length > 0, `no error for ${JSON.stringify(text)}`);
    }
  });

  void it('findImages still returns the images of a malformed document, and its errors beside them', () => {
    const text = `${POD}    - image: nginx:1.27\n      name: "unclosed\n`;
    const { images, syntaxErrors } = findImages(text, 'deploy.yaml');
    assert.deepEqual(images.map((image) => image.text), ['nginx:1.27']);
    assert.equal(syntaxErrors.length, 1);
  });
});

void describe('yaml-syntax: valid but unusual YAML is not flagged', () => {
  void it('anchors, aliases, merge keys, tags, multi-line strings, flow maps, comments, markers, directives', () => {
    const text = [
      '%YAML 1.2',
      '---',
      '# leading comment',
      'defaults: &defaults',
      '  imagePullPolicy: IfNotPresent   # trailing comment',
      'containers:',
      '  - <<: *defaults',
      '    name: web',
      '    image: !!str ghcr.io/acme/web:1.0',
      '    args: [--port, "8080", {verbose: true},',
      '      --debug]',
      '    env: {LOG_LEVEL: info, MODE: "a, b"}',
      '    command:',
      '    - sh',
      '    - -c',
      '    - |',
      '      echo "hello: world"',
      '',
      '      exit 0',
      '    description: >-',
      '      folded',
      '      text',
      '    note: a plain scalar',
      '      continued on the next line',
      '    quoted: "a double-quoted',
      '      string over lines"',
      "    single: 'it''s fine'",
      '? complex key',
      ': complex value',
      'empty:',
      'list:',
      '- a',
      '- b',
      '...',
      '---',
      'second: document',
      '...',
      '',
    ].join('\n');
    assert.equal(undecidedDocuments(text) > 0, true, 'the fixture should exercise the full parser');
    expectNoErrors(text);
  });

  void it('CRLF line ends, a byte order mark, an empty document, only comments', () => {
    expectNoErrors(`\ufeffapiVersion: v1\r\nkind: Pod\r\nspec:\r\n  containers:\r\n    - image: nginx:1.27\r\n---\r\n---\r\n# only a comment\r\n`);
    expectNoErrors('');
    expectNoErrors('# nothing but a comment\n');
  });

  void it('a Helm chart template with {{- if }} blocks, ranges and includes: never flagged', () => {
    const template = yaml`
      {{- if .Values.enabled }}
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: {{ include "chart.fullname" . }}
        labels:
          {{- include "chart.labels" . | nindent 4 }}
      spec:
        template:
          spec:
            containers:
              - name: web
                image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                {{- with .Values.env }}
                env: {{ toYaml . | nindent 12 }}
                {{- end }}
                args: [{{ range .Values.args }}{{ . | quote }}, {{ end }}]
      {{- end }}
    `;
    assert.equal(fileRoleOf('chart/templates/deployment.yaml'), 'helm-template');
    expectNoErrors(template, 'chart/templates/deployment.yaml');
    expectNoErrors(`${template}\x01`, 'chart/templates/deployment.yaml');
  });

  void it('template expressions outside charts (KOTS repl{{ }}, unquoted {{ }}) are not errors, real errors around them are', () => {
    expectNoErrors(`${POD}    - image: {{repl LocalImageName "nginx:1.27" }}\n      args: [{{repl ConfigOption "a" }}, b]\n`);
    expectErrors(`${POD}    - image: {{repl LocalImageName "nginx:1.27" }}\n      name: ^^"unclosed^^\n`);
  });
});
