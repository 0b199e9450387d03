import { FastScanner, Undecidable } from '../../server/src/manifests/fastScanner';
import { parseDocumentFully } from '../../server/src/manifests/fullParse';
/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['apiVersion', 'kind', 'spec', 'template', 'containers', 'initContainers', 'ephemeralContainers', 'image', 'name', 'args', 'values', 'repository', 'tag', 'registry', 'digest', 'services', 'images', 'newName', 'newTag', 'additionalImages', 'excludedImages', 'collectors', 'run', 'global', 'imageRegistry', 'metadata', 'a b', 'x:y', 'k#1'];
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
    const kind = depth > 4 ? 0 : this.next();
    if (kind < 0.55) {
      const count = 1 + Math.floor(this.next() * 4);
      for (let i = 0; i < count; i++) this.pair(pad, indent, depth, lines);
    } else {
      const count = 1 + Math.floor(this.next() * 3);
      for (let i = 0; i < count; i++) this.item(pad, indent, depth, lines);
    }
  }

  pair(pad: string, indent: number, depth: number, lines: string[]): void {
    const key = this.pick(KEYS);
    const writtenKey = /[: #]/.test(key) || this.chance(0.05) ? `"${key}"` : key;
    const roll = this.next();
    if (this.chance(0.05)) lines.push(`${pad}# a comment`);
    if (this.chance(0.04)) lines.push('');
    if (roll < 0.45 || depth > 4) lines.push(`${pad}${writtenKey}: ${this.scalar()}${this.chance(0.1) ? '  # trailing' : ''}`);
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
    if (roll < 0.3 || depth > 4) lines.push(`${pad}- ${this.scalar()}`);
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
      const count = 1 + Math.floor(this.next() * 3);
      for (let i = 0; i < count; i++) {
        const dash = this.chance(0.5) ? '        - ' : '      - ';
        const body = ' '.repeat(dash.length);
        lines.push(`${dash}name: c${i}`, `${body}image: ${this.scalar()}`);
        if (this.chance(0.3)) this.node(dash.length, 3, lines);
      }
    }
    this.node(0, 0, lines);
    return lines.join('\n') + '\n';
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


const g = new Generator(random(1));
const reasons = new Map<string, number>();
let errs = 0; const examples = new Map<string,string>();
for (let n = 0; n < 2000; n++) {
  const text = g.document();
  try { new FastScanner(text, 0, text.length, false).scan(); } catch (e) {
    if (!(e instanceof Undecidable)) throw e;
    const full = parseDocumentFully(text, 0, text.length);
    const k = e.message + (full.hasErrors ? ' [yaml errors]' : '');
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
    if (!examples.has(k)) examples.set(k, text);
  }
}
console.log(reasons);
for (const [k, t] of examples) if (!k.includes('yaml errors')) console.log('=== ' + k + '\n' + t);
