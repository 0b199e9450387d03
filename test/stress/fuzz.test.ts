/**
 * Fuzz: random and mutated YAML documents (deterministic seed). Proves that findImages and the local
 * rules never throw, that every range lies inside its document, and that wherever the fast scanner
 * decides a document, `yaml` parses it without errors (so `yaml-syntax` misses nothing) and both paths
 * find exactly the same images.
 *
 * Every 100th document comes from the alias generator: "billion laughs" bombs of random depth and width,
 * self-referencing anchors, merge keys, and containers reused through aliases. Whatever the aliases
 * would expand to, the tree built stays within the expansion budget; a bomb well over it gets exactly
 * one `analysis-limit` finding, one well under it none, and images reached through aliases are found.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisEnvironment, FoundImage } from '../../server/src/findings/types';
import { INPUT_LIMITS } from '../../server/src/limits/inputLimits';
import { findImages, imagesFromTree, splitDocuments } from '../../server/src/manifests/findImages';
import type { YNode } from '../../server/src/yaml/yamlTree';
import { FastScanner, Undecidable } from '../../server/src/yaml/fastScanner';
import { parseDocumentFully } from '../../server/src/manifests/fullParse';
import { localFindings } from '../../server/src/rules/localRules';
import { finalizeFindings } from '../../server/src/rules/severity';
import { emptyRegistriesConfig } from '../../server/src/store/types';
import { seededRandom } from '../fixtures/random';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const DOCUMENTS = Number(process.env.FUZZ_DOCUMENTS ?? 10_000);


const KEYS = ['apiVersion', 'kind', 'spec', 'template', 'containers', 'initContainers', 'ephemeralContainers', 'image', 'name', 'args', 'values', 'repository', 'tag', 'registry', 'digest', 'services', 'images', 'newName', 'newTag', 'additionalImages', 'excludedImages', 'collectors', 'run', 'global', 'imageRegistry', 'metadata', 'a b', 'x:y', 'k#1', '<<'];
const SCALARS = [
  'nginx', 'nginx:1.27', 'ghcr.io/acme/app:1.0', 'Bad/Upper:tag', 'busybox@sha256:abc', 'localhost:5000/x', 'proxy.replicated.com/proxy/app/ghcr.io/a/b:1',
  'quay.io/a/b:latest', '1.10', 'true', 'null', '~', '', '-x', 'a#b', 'a # comment', 'a:b', 'http://x', '{{ .Values.image }}', 'repl{{ X }}', 'x y z', '@bad', 'héllo', '0o17', '.5',
  'docker.io/library/alpine', "it's", 'tab\there',
];
const KINDS = ['Deployment', 'Application', 'HelmChart', 'Preflight', 'Kustomization', 'Pod'];
const VERSIONS = ['apps/v1', 'kots.io/v1beta1', 'kots.io/v1beta2', 'troubleshoot.sh/v1beta2', 'kustomize.config.k8s.io/v1beta1', 'v1'];

class Generator {
  constructor(private readonly next: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  scalar(): string {
    const value = this.pick(SCALARS);
    const style = this.next();
    if (style < 0.15) return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
    if (style < 0.3) return `'${value.replace(/'/g, "''")}'`;
    if (value === '' || /^[-@{]|#|: |\t|'/.test(value) || value.startsWith('{{')) return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"`;
    return value;
  }

  flow(depth: number): string {
    if (this.chance(0.5) || depth > 2) {
      const items = Array.from({ length: Math.floor(this.next() * 4) }, () => (this.chance(0.2) ? this.flow(depth + 1) : this.scalar()));
      return `[${items.join(', ')}]`;
    }
    const pairs = Array.from({ length: Math.floor(this.next() * 4) }, () => `${this.pick(KEYS.filter((key) => !key.includes(':') && !key.includes('#')))}: ${this.chance(0.2) ? this.flow(depth + 1) : this.scalar()}`);
    return `{${pairs.join(', ')}}`;
  }

  /** Lines of a block node at `indent`. */
  node(indent: number, depth: number, lines: string[]): void {
    const pad = ' '.repeat(indent);
    const kind = depth > 2 ? 0 : this.next();
    if (kind < 0.55) {
      const count = 1 + Math.floor(this.next() * 2);
      for (let i = 0; i < count; i++) this.pair(pad, indent, depth, lines);
    } else {
      const count = 1 + Math.floor(this.next() * 2);
      for (let i = 0; i < count; i++) this.item(pad, indent, depth, lines);
    }
  }

  pair(pad: string, indent: number, depth: number, lines: string[]): void {
    const key = this.pick(KEYS);
    const writtenKey = /[: #]/.test(key) || this.chance(0.05) ? `"${key}"` : key;
    const roll = this.next();
    if (this.chance(0.05)) lines.push(`${pad}# a comment`);
    // Valid YAML the fast scanner leaves to \`yaml\`: anchors and aliases, multi-line plain and flow scalars.
    if (this.chance(0.02)) lines.push(`${pad}${writtenKey}: &anchor ${this.scalar()}`, `${pad}again: *anchor`);
    if (this.chance(0.02)) lines.push(`${pad}${writtenKey}: first part`, `${pad}  continued part`);
    if (this.chance(0.02)) lines.push(`${pad}${writtenKey}: [${this.scalar()},`, `${pad}  ${this.scalar()}]`);
    if (this.chance(0.04)) lines.push('');
    if (roll < 0.45 || depth > 2) lines.push(`${pad}${writtenKey}: ${this.scalar()}${this.chance(0.1) ? '  # trailing' : ''}`);
    else if (roll < 0.52) lines.push(`${pad}${writtenKey}: ${this.flow(0)}`);
    else if (roll < 0.57) {
      lines.push(`${pad}${writtenKey}: ${this.pick(['|', '>', '|-', '>+'])}`);
      lines.push(`${pad}  image: inside-a-block`, '', `${pad}    - more text`);
    } else if (roll < 0.6) lines.push(`${pad}${writtenKey}:`);
    else if (roll < 0.7 && indent >= 0) {
      lines.push(`${pad}${writtenKey}:`);
      const count = 1 + Math.floor(this.next() * 3);
      for (let i = 0; i < count; i++) this.item(pad, indent, depth + 1, lines); // sequence at the key's indentation
    } else {
      lines.push(`${pad}${writtenKey}:`);
      this.node(indent + (this.chance(0.8) ? 2 : 4), depth + 1, lines);
    }
  }

  item(pad: string, indent: number, depth: number, lines: string[]): void {
    const roll = this.next();
    if (roll < 0.3 || depth > 2) lines.push(`${pad}- ${this.scalar()}`);
    else if (roll < 0.6) {
      // Compact mapping: first pair on the dash line.
      const inner: string[] = [];
      this.node(indent + 2, depth + 1, inner);
      const first = inner[0] ?? '';
      if (first.trim() === '' || first.trim().startsWith('#') || first.trim().startsWith('- ')) lines.push(`${pad}-`, ...inner);
      else lines.push(`${pad}- ${first.slice(indent + 2)}`, ...inner.slice(1));
    } else if (roll < 0.7) lines.push(`${pad}- ${this.flow(0)}`);
    else {
      lines.push(`${pad}-`);
      this.node(indent + 2, depth + 1, lines);
    }
  }

  document(): string {
    const lines: string[] = [];
    if (this.chance(0.7)) {
      lines.push(`apiVersion: ${this.pick(VERSIONS)}`, `kind: ${this.pick(KINDS)}`);
    }
    if (this.chance(0.6)) {
      lines.push('spec:', '  template:', '    spec:', '      containers:');
      const count = 1 + Math.floor(this.next() * 2);
      const dash = this.chance(0.5) ? '        - ' : '      - ';
      const body = ' '.repeat(dash.length);
      for (let i = 0; i < count; i++) {
        if (this.chance(0.1)) lines.push(`${dash}name: c${i}`, `${body}image: ${this.pick(['|', '>', '|-', '>-', '|+'])}`, `${body}  ${this.pick(SCALARS).replace(/^[#\s]+/, '') || 'nginx'}`);
        else lines.push(`${dash}name: c${i}`, `${body}image: ${this.scalar()}`);
        if (this.chance(0.3)) this.pair(body, body.length, 3, lines);
      }
    }
    const pairs = 1 + Math.floor(this.next() * 2);
    for (let i = 0; i < pairs; i++) this.pair('', 0, 0, lines);
    return lines.join('\n') + '\n';
  }

  /**
   * A document whose aliases expand: `expanded` is how many nodes full expansion would build (undefined
   * when unbounded: a self-reference), `images` at how many places in the text images are found when
   * within budget (every use of an aliased image is the anchor's text; undefined: not asserted).
   */
  aliasDocument(): { text: string; expanded: number | undefined; images: number | undefined } {
    const roll = this.next();
    if (roll < 0.55) {
      // Billion laughs: level i is a list of `width` aliases of level i-1; small ones and real bombs alike.
      const large = this.chance(0.5);
      const levels = large ? 7 + Math.floor(this.next() * 3) : 2 + Math.floor(this.next() * 3);
      const width = large ? 6 + Math.floor(this.next() * 4) : 2 + Math.floor(this.next() * 8);
      const lines = ['apiVersion: v1', 'kind: ConfigMap', 'data:', `  l0: &l0 [${this.scalar()}]`];
      let size = 2;
      let expanded = 0;
      for (let level = 1; level < levels; level++) {
        lines.push(`  l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`);
        expanded += width * size;
        size = 1 + width * size;
      }
      return { text: lines.join('\n') + '\n', expanded, images: 0 };
    }
    if (roll < 0.7) {
      // An anchor that contains an alias of itself: unbounded if followed.
      return { text: `kind: Pod\nloop: &loop\n  again: *loop\n  more: [*loop, *loop]\nspec:\n  containers:\n    - image: nginx:1.27\n`, expanded: undefined, images: undefined };
    }
    // A container block reused through aliases or merge keys: its image is found once, where it is written.
    const uses = 1 + Math.floor(this.next() * 5);
    const merge = this.chance(0.5);
    const lines = ['apiVersion: apps/v1', 'kind: Deployment', 'x-base: &base', '  name: app', '  image: ghcr.io/acme/app:1.0', 'spec:', '  template:', '    spec:', '      containers:'];
    for (let i = 0; i < uses; i++) lines.push(merge ? `        - <<: *base` : '        - *base');
    return { text: lines.join('\n') + '\n', expanded: uses * 5, images: 1 };
  }

  mutate(text: string): string {
    let out = text;
    const edits = 1 + Math.floor(this.next() * 3);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(this.next() * (out.length + 1));
      const roll = this.next();
      if (roll < 0.3) out = out.slice(0, at) + out.slice(at + 1);
      else if (roll < 0.7) out = out.slice(0, at) + this.pick([':', '-', '#', "'", '"', '{', '}', '[', ']', '|', '>', '&a ', '*a', '!t ', '?', '\t', '\n', ' ', '  ', '---\n', '...\n', '\r\n', '%', '\\', '{{', '}}']) + out.slice(at);
      else {
        const lines = out.split('\n');
        const line = Math.floor(this.next() * lines.length);
        if (roll < 0.85) lines[line] = ` ${lines[line] ?? ''}`;
        else lines[line] = (lines[line] ?? '').replace(/^ /, '');
        out = lines.join('\n');
      }
    }
    return out;
  }
}

function nodeCount(node: YNode | null): number {
  if (!node) return 0;
  if (node.type === 'scalar') return 1;
  if (node.type === 'seq') return 1 + node.items.reduce((sum, item) => sum + nodeCount(item), 0);
  return 1 + node.values.reduce((sum, value) => sum + nodeCount(value), 0);
}

/** The fast scanner's tree, or undefined when it cannot decide the document. */
function fastTree(text: string, start: number, end: number): YNode | null | undefined {
  try {
    return new FastScanner(text, start, end, false).scan();
  } catch (error) {
    if (error instanceof Undecidable) return undefined;
    throw error;
  }
}

const env: AnalysisEnvironment = {
  config: { ...emptyRegistriesConfig(), app: 'app', rules: { 'digest-pinning': 'hint' } },
  offline: true,
  credentialsFor: () => Promise.resolve({}),
};

function rangesInside(images: FoundImage[], start: number, end: number, label: string): void {
  for (const image of images) {
    assert.ok(image.start >= start && image.start <= image.end && image.end <= end, `${label}: image range [${image.start}, ${image.end}) outside [${start}, ${end})`);
    for (const part of image.parts ?? []) assert.ok(part.start >= start && part.end <= end && part.start <= part.end, `${label}: part outside its document`);
  }
}

void describe('fuzz: random and mutated YAML', () => {
  void it(`${DOCUMENTS} documents: never throws, ranges inside documents, fast path == full parse`, () => {
    const generator = new Generator(seededRandom(SEED));
    let compared = 0;
    let fastDecided = 0;
    let withImages = 0;
    let withSyntaxErrors = 0;
    const aliasCases = { bombsOverBudget: 0, bombsUnderBudget: 0, bounded: 0 };
    const started = Date.now();
    for (let n = 0; n < DOCUMENTS; n++) {
      const aliased = n % 100 === 7 ? generator.aliasDocument() : undefined;
      const base = aliased?.text ?? generator.document();
      const mutated = aliased ? generator.chance(0.3) : n % 2 === 1;
      const text = mutated ? generator.mutate(base) : base;
      const file = aliased ? 'deploy.yaml' : generator.pick(['deploy.yaml', 'values.yaml', 'docker-compose.yml', 'kustomization.yaml', 'chart/templates/x.yaml']);
      const label = `document ${n} (seed ${SEED}, ${file}):\n${text}`;
      const scan = findImages(text, file, { proxyDomains: ['images.acme.example'] });
      rangesInside(scan.images, 0, text.length, label);
      if (scan.images.length > 0) withImages++;
      const findings = finalizeFindings(text, localFindings(text, scan, env), env);
      for (const finding of findings) assert.ok(finding.start >= 0 && finding.start <= finding.end && finding.end <= text.length, `${label}: finding ${finding.code} outside the text`);
      if (aliased) {
        // Whatever the aliases would expand to, the tree built is bounded: the budget plus the document's own nodes.
        for (const range of splitDocuments(text)) {
          const built = nodeCount(parseDocumentFully(text, range.start, range.end).root);
          assert.ok(built <= INPUT_LIMITS.aliasExpansionNodes + (range.end - range.start), `${label}: ${built} nodes built`);
        }
        aliasCases.bounded++;
        const limits = findings.filter((finding) => finding.code === 'analysis-limit').length;
        if (!mutated && aliased.expanded !== undefined && aliased.expanded > 2 * INPUT_LIMITS.aliasExpansionNodes) {
          assert.equal(limits, 1, `${label}: one analysis-limit finding for a bomb of ${aliased.expanded} nodes`);
          aliasCases.bombsOverBudget++;
        } else if (!mutated && aliased.expanded !== undefined && aliased.expanded < INPUT_LIMITS.aliasExpansionNodes / 2) {
          assert.equal(limits, 0, `${label}: no analysis-limit finding for ${aliased.expanded} expanded nodes`);
          if (aliased.images !== undefined) assert.equal(new Set(scan.images.map((image) => image.start)).size, aliased.images, `${label}: images reached through aliases`);
          aliasCases.bombsUnderBudget++;
        }
        continue;
      }
      if (file.includes('templates/')) assert.ok(!findings.some((finding) => finding.code === 'yaml-syntax'), `${label}: yaml-syntax in a Helm template`);
      else if (findings.some((finding) => finding.code === 'yaml-syntax')) withSyntaxErrors++;

      if (file.includes('templates/')) continue;
      for (const range of splitDocuments(text)) {
        const fastRoot = fastTree(text, range.start, range.end);
        if (fastRoot === undefined) continue;
        fastDecided++;
        const fast = imagesFromTree(fastRoot, file);
        rangesInside(fast, range.start, range.end, label);
        const full = parseDocumentFully(text, range.start, range.end);
        // yaml-syntax reports only what the full parser sees: a document the fast scanner accepts
        // must be one `yaml` accepts too, or its syntax error would go unreported.
        assert.deepEqual(full.errors.map((error) => error.message), [], `fast scanner accepted a document yaml rejects: ${label}`);
        compared++;
        assert.deepEqual(fast, imagesFromTree(full.root, file), `fast != full for ${label}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `# fuzz: ${DOCUMENTS} documents in ${seconds.toFixed(1)} s; fast path decided ${fastDecided}, compared with yaml ${compared}; ${withImages} with images; ${withSyntaxErrors} with yaml-syntax findings; ` +
        `alias documents ${aliasCases.bounded} (bombs over budget ${aliasCases.bombsOverBudget}, within ${aliasCases.bombsUnderBudget})`,
    );
    // The alias generator must have produced bombs on both sides of the budget.
    assert.ok(aliasCases.bombsOverBudget >= 5 && aliasCases.bombsUnderBudget >= 5, `alias cases: ${JSON.stringify(aliasCases)}`);
    // The comparison must actually have happened on a good share of documents, or the test proves nothing.
    assert.ok(compared > DOCUMENTS / 4, `only ${compared} documents compared`);
    assert.ok(withImages > DOCUMENTS / 4, `only ${withImages} documents had images`);
    // The mutations break YAML often: the rule must fire on a fair share of them (and never on templates, above).
    assert.ok(withSyntaxErrors > DOCUMENTS / 20, `only ${withSyntaxErrors} documents had yaml-syntax findings`);
  });
});
