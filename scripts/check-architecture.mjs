// The invariants of docs/architecture.md, checked on the code's own imports (run by `npm test`, or
// `npm run check:architecture`). No dependency: a small reader of TypeScript import/export/require
// specifiers, which is all the check needs.
//
// 1. Layers: every folder of server/src has a layer; a module imports only its own layer or lower ones
//    (never up). The client imports nothing of the server but protocol/.
// 2. No import cycle, between files or between folders.
// 3. The server never imports `vscode`.
// 4. Engine modules hold no mutable module state: no top-level `let`/`var`, and no top-level Map, Set or
//    array that the module changes. A module-level WeakMap memo keyed by the object it describes (a chart, a
//    configuration, a release) is no state: a caller cannot observe it, and it goes with its key. The
//    exceptions, each with its reason, are listed below.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Low to high. A module may import its own layer and the ones before it. */
export const LAYERS = [
  ['version.ts', 'log', 'limits', 'cache', 'reference', 'yaml'],
  ['registry'],
  ['workspace', 'store'],
  ['findings'],
  ['manifests'],
  ['templates'],
  ['charts'],
  ['release'],
  ['rules'],
  ['analysis'],
  ['protocol'],
  ['lsp'],
  ['cli'],
  ['server.ts', 'cli.ts'],
];

/** Engine folders: pure logic, no state kept between calls. */
const ENGINE = new Set(['log', 'limits', 'yaml', 'cache', 'reference', 'registry', 'workspace', 'store', 'findings', 'manifests', 'templates', 'charts', 'release', 'rules', 'analysis']);

/** Module state that is there on purpose, with why. */
const STATE_EXCEPTIONS = {
  'server/src/log/logger.ts': 'the redaction registry: every secret seen anywhere in the process is masked in every later line, so it is process-wide by design',
  'server/src/store/registriesSchemaValidator.ts': 'a constant compiled on first use from sources; the bundles replace the module with precompiled code',
};

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(full);
  }
  return out;
}


/** Import specifiers: static imports and re-exports (type-only too), dynamic import() and require(). */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = new Set();
  for (const match of code.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) specs.add(match[1]);
  for (const match of code.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.add(match[1]);
  return [...specs];
}

function resolveLocal(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** The folder (or top-level file) of server/src a file belongs to. */
function unitOf(rel, file) {
  const r = rel(file);
  if (!r.startsWith('server/src/')) return r.startsWith('client/') ? 'client' : undefined;
  const rest = r.slice('server/src/'.length);
  return rest.includes('/') ? rest.split('/')[0] : rest;
}

function layerOf(unit) {
  return LAYERS.findIndex((units) => units.includes(unit));
}

/** Tarjan's strongly connected components of size > 1 (or a self-loop). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const found = [];
  const visit = (node) => {
    idx.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    on.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!idx.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (on.has(next)) low.set(node, Math.min(low.get(node), idx.get(next)));
    }
    if (low.get(node) === idx.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        on.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? new Set()).has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!idx.has(node)) visit(node);
  return found;
}

/** Top-level names that are `let`/`var`, or collections the module mutates. */
function moduleState(text) {
  const problems = [];
  const lines = text.split('\n');
  for (const [number, line] of lines.entries()) {
    if (/^(?:export\s+)?(?:let|var)\s+(\w+)/.test(line)) problems.push(`line ${number + 1}: module-level ${line.trim().split(/\s+/).slice(0, 3).join(' ')}`);
    const collection = /^(?:export\s+)?const\s+(\w+)\s*(?::[^=]+)?=\s*(?:new\s+(?:Map|Set)\b|\[)/.exec(line);
    if (collection) {
      const name = collection[1];
      if (new RegExp(`\\b${name}\\.(?:set|add|delete|clear|push|pop|shift|unshift|splice)\\(`).test(text) || new RegExp(`\\b${name}\\[[^\\]]+\\]\\s*=[^=]`).test(text)) {
        problems.push(`line ${number + 1}: module-level ${name} is changed at run time`);
      }
    }
  }
  return problems;
}

/** Checks the tree under `root` (the repository by default; tests pass a made-up one). */
export function checkArchitecture(root = repoRoot) {
  const rel = (file) => path.relative(root, file).split(path.sep).join('/');
  const walkIfAny = (dir) => {
    try {
      return walk(dir);
    } catch {
      return [];
    }
  };
  const files = [...walkIfAny(path.join(root, 'server', 'src')), ...walkIfAny(path.join(root, 'client', 'src'))];
  const problems = [];
  const fileGraph = new Map();
  const unitGraph = new Map();
  const unplaced = new Set();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const from = unitOf(rel, file);
    const edges = new Set();
    for (const spec of importsOf(text)) {
      if (spec === 'vscode' && rel(file).startsWith('server/')) problems.push(`${rel(file)} imports vscode: the server never does`);
      const target = resolveLocal(file, spec);
      if (!target) continue;
      edges.add(target);
      const to = unitOf(rel, target);
      if (from === 'client') {
        if (rel(target).startsWith('server/') && !rel(target).startsWith('server/src/protocol/')) problems.push(`${rel(file)} imports ${rel(target)}: the client imports only server/src/protocol/`);
        continue;
      }
      if (!to || to === 'client') {
        if (to === 'client') problems.push(`${rel(file)} imports ${rel(target)}: the server never imports the client`);
        continue;
      }
      const fromLayer = layerOf(from);
      const toLayer = layerOf(to);
      if (fromLayer < 0) unplaced.add(from);
      else if (toLayer > fromLayer) problems.push(`${rel(file)} (${from}, layer ${fromLayer}) imports ${rel(target)} (${to}, layer ${toLayer}): an import up the layers`);
      if (from !== to) {
        if (!unitGraph.has(from)) unitGraph.set(from, new Set());
        unitGraph.get(from).add(to);
      }
    }
    fileGraph.set(file, edges);
    if (ENGINE.has(from) && !STATE_EXCEPTIONS[rel(file)]) for (const problem of moduleState(text)) problems.push(`${rel(file)} ${problem}: engine modules hold no mutable state`);
  }
  for (const unit of unplaced) problems.push(`server/src/${unit} has no layer in scripts/check-architecture.mjs: add it where it belongs`);
  for (const component of cycles(fileGraph)) problems.push(`import cycle between files: ${component.map((file) => rel(file)).join(' → ')}`);
  for (const component of cycles(unitGraph)) problems.push(`import cycle between folders: ${component.join(' → ')}`);
  return { files: files.length, problems };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, problems } = checkArchitecture();
  if (problems.length > 0) {
    console.error(`architecture: ${problems.length} problem(s) in ${files} files (the rules are in docs/architecture.md):`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log(`architecture: ${files} files: layers respected, no import cycle, the client imports only the protocol, no mutable state in engine modules`);
}
