/**
 * V8's flags for a CLI command's work, on the V8 of Node 20 (11.x); later V8s have no such flags and
 * nothing is set there.
 *
 * - The tier-up budget, on the language server's rule (protocol/serverProcess.ts tierUpFlag) but higher: a
 *   function is handed to the optimizing compiler after about 6x as much bytecode has run in it as by default
 *   (the language server's, started as `replicated-registries lsp`, keeps its 4x). A lint runs hundreds of
 *   engine functions briefly: by default many are optimized while they run, on the second core, and some
 *   thrown away again. Measured on the lint benchmark's inputs (whole processes, interleaved, medians):
 *   1,000-file workspace 424 → 376 ms, 5,000-document file 517 → 490 ms with the server's 280,000; then
 *   against js-yaml's loadAll, 280,000 → 420,000: workspace (61 rounds) wall 1.013x → 0.993x, CPU 1.014x →
 *   0.992x; 5,000-document file (21 rounds) wall 0.754x → 0.753x, CPU 0.808x → 0.767x; 560,000 was slower
 *   on the workspace (1.018x), 140,000 much slower (1.07x), and so was V8's default (1.23x) (issue 12).
 * - The young generation kept at the size it starts with (two semi-spaces of 1 MiB; by default V8 doubles
 *   them up to 16 MiB each): what the language server's `--max-semi-space-size=1` does, which a running
 *   process cannot set, but the growth factor it can. On the benchmark VM a page of fresh memory costs
 *   about 18 µs to touch, and a run that grows its young generation touches thousands. Measured
 *   (interleaved, 25 rounds, against js-yaml's loadAll): 1,000-file workspace 1.12x → 1.06x; 5,000-document
 *   file 0.83x → 0.79x; a 12.7 MB manifest 854 → 787 ms, less memory. The cost: a document the exact
 *   parser reads (anchors, merge keys), whose syntax tree outlives a young generation this small, is
 *   promoted and collected again: a 1.7 MB such document 2.9 → 3.4 s, 285 → 265 MB.
 * - For a command, the young generation collected on the main thread alone (`--no-parallel-scavenge`): a
 *   scavenge of a 1 MiB young generation copies little, and its helper tasks compete on the second core with
 *   the optimizing compiler. Measured (interleaved, against js-yaml): 1,000-file workspace, two 61-round runs,
 *   wall median 0.992x → 0.975x and 0.980x → 0.971x, CPU 0.995x → 0.973x and 0.987x → 0.972x; 5,000-document
 *   file (21 rounds) wall 0.735x → 0.720x, CPU 0.764x → 0.744x. `--single-threaded-gc` (no background GC
 *   task at all) saved as much CPU and less wall time (issue 12). The language server keeps V8's default.
 *
 * When: a command raises them (raiseRunFlags) as soon as it has read its arguments, so its whole work runs
 *   under them: raised later (after the registries file and the file listing), the workspace lint took 5%
 *   more CPU (101 interleaved rounds; most likely V8 optimizing the scanner on what the registries file
 *   alone showed it). And not before the bundle has started: any V8 flag away from its default makes V8
 *   reject code cached under other flags, Node's own built-in modules' included, so each built-in loaded
 *   under them is compiled from source. What a command loads later, it loads under V8's defaults
 *   (loadUnderDefaultFlags): online, `lint`'s HTTP stack (its built-ins: 15 ms from the cache, 31 ms
 *   without; an online lint of one image, 25 interleaved rounds: 376 → 341 ms median).
 * bin/replicated-registries puts V8's defaults back (restoreDefaultFlags, which the bundle exports) before
 *   it writes the bundle's code cache, so the cache fits the next start.
 */
import { tierUpFlag } from '../protocol/serverProcess';

export interface RunFlag {
  /** For the command's work. */
  on: string;
  /** V8's own default (`node --v8-options`), put back before the code cache is written. */
  default: string;
}

/** Whose work: a CLI command's, or the language server's started by the CLI's `lsp`. */
export type FlagsFor = 'command' | 'server';

/** The CLI's tier-up budget (above). */
export const COMMAND_TIER_UP_FLAG = '--interrupt-budget=420000';

/** The flags for this V8 (none on V8 12+). */
export function runFlags(v8Version: string = process.versions.v8, flagsFor: FlagsFor = 'command'): RunFlag[] {
  const tierUp = tierUpFlag(v8Version);
  if (!tierUp) return [];
  return [
    { on: flagsFor === 'server' ? tierUp : COMMAND_TIER_UP_FLAG, default: '--interrupt-budget=67584' },
    { on: '--semi-space-growth-factor=1', default: '--semi-space-growth-factor=2' },
    ...(flagsFor === 'command' ? [{ on: '--no-parallel-scavenge', default: '--parallel-scavenge' }] : []),
  ];
}

/** Whether this process raised them (then node:v8 is loaded; a command that did not pays nothing at exit), and for whom. */
let raised = false;
let raisedFor: FlagsFor = 'command';

/** Called by a command once its flags are read, before its work (and loadUnderDefaultFlags for what it loads later). */
export function raiseRunFlags(flagsFor: FlagsFor = raisedFor): void {
  set(runFlags(undefined, flagsFor).map((flag) => flag.on));
  raised = true;
  raisedFor = flagsFor;
}

/**
 * Runs `load` (a require or a dynamic import, and with it Node's built-ins) under V8's defaults, then raises
 * the flags again: the built-ins then come from Node's cache (online `lint`'s HTTP stack: 15 ms, not 31).
 */
export function loadUnderDefaultFlags<T>(load: () => T): T {
  if (!raised) return load();
  restoreDefaultFlags();
  let loaded: T;
  try {
    loaded = load();
  } catch (error) {
    raiseRunFlags();
    throw error;
  }
  if (loaded instanceof Promise) return loaded.finally(raiseRunFlags) as T;
  raiseRunFlags();
  return loaded;
}

/** V8's defaults again, if they were changed: bin/replicated-registries calls this before it writes the code cache. */
export function restoreDefaultFlags(): void {
  if (!raised) return;
  set(runFlags().map((flag) => flag.default));
  raised = false;
}

function set(flags: string[]): void {
  if (flags.length === 0) return;
  setFlag ??= flagSetter();
  for (const flag of flags) setFlag(flag);
}

let setFlag: ((flag: string) => void) | undefined;

/**
 * V8's setFlagsFromString, without node:v8 where it can: node:v8 loads Node's stream classes, 3.6 ms and
 * 0.4 MB of a `lint`'s start that the young generation's first collections then copy (a `lint` prints
 * without streams, cli/io.ts). Flags are only set on Node 20 (runFlags), which is end-of-life and no longer
 * changes: there node:v8's own setFlagsFromString is a string check around `process.binding('v8')`'s
 * (lib/v8.js), which this calls directly. Node 20 warns about that binding (DEP0111, a deprecation of
 * bindings in general): the warning is muted for this one call only, the way `--no-deprecation` would.
 * Anywhere the binding lacks the function, node:v8 as before. The 1,000-file workspace lint against
 * js-yaml, 101 interleaved rounds: 1.031x → 1.020x median, 1.038x → 1.030x min (issue 12).
 */
function flagSetter(): (flag: string) => void {
  const muted = process.noDeprecation;
  process.noDeprecation = true;
  let binding: { setFlagsFromString?: unknown } | undefined;
  try {
    binding = (process as unknown as { binding(name: string): { setFlagsFromString?: unknown } }).binding('v8');
  } catch {
    binding = undefined;
  } finally {
    process.noDeprecation = muted ?? false;
  }
  const direct = binding?.setFlagsFromString;
  if (typeof direct === 'function') return (flag) => void direct.call(binding, flag);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const v8 = require('node:v8') as typeof import('node:v8');
  return (flag) => v8.setFlagsFromString(flag);
}
