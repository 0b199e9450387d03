/**
 * How the language server's Node process is started: what the extension passes (client/src/server/
 * serverConnection.ts) and what the LSP tests and benchmarks start it with, so they measure the process
 * users run.
 *
 * `--max-semi-space-size=1`: V8's young generation kept at 1 MiB per semi-space (Node 20's default grows it
 * to 16 MiB). On the 2-core VM we measure on, touching a page of fresh memory costs about 18 µs (64 MiB
 * in 300 ms; transparent huge pages only bring it to 200 ms), so a young generation that grows to 2 × 16 MiB during an open
 * and is given back when idle is paid for again and again; a small one stays in memory already touched.
 * Measured on the 4.3 MB benchmark manifest (production bundle, interleaved rounds, min/median): cold open
 * server CPU 890/910 → 760/830 ms, then 60 edits: CPU per edit 7.7/9.3 → 5.0/6.5 ms, edit p50
 * 11.6/12.5 → 8.5/11.4 ms, peak RSS 152/153 → 107/109 MB. Objects that live longer than two scavenges
 * are promoted sooner; the analysis keeps little per document, so that costs less than it saves.
 * While the server's modules load, the flag is put back to V8's default (startFlags.ts): under any other
 * flags V8 rejects the code cache of Node's own modules.
 *
 * Not here: V8's tier-up budget (tierUpFlag below), which only some V8 versions know. An option Node does
 * not know stops the server before it starts ("bad option"), and the extension host's Node is whatever
 * the editor ships, so the server sets it itself (applyTierUpFlag) where its V8 has it.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * `--interrupt-budget=280000`, for the V8 of Node 20 (11.x; V8's default there is 67,584): a function is
 * handed to the optimizing compiler after about 4x as much bytecode has run in it. A cold open or lint
 * runs hundreds of engine functions briefly once; by default many are optimized while they run,
 * competing for the second core, and some are thrown away again (deoptimized). Measured on the 4.3 MB
 * benchmark manifest (production bundle, 5 interleaved rounds, min/median, with the flag above): open
 * 500/550 → 471/522 ms wall, server CPU 700/770 → 600/640 ms; CPU per edit 5.2/6.2 → 5.0/5.3 ms. 140,000
 * and 560,000 measured between the two; 1,120,000 slower to open. The CLI sets the same for itself
 * (server/src/cli/v8Flags.ts). V8 12 and later (Node 22+) tier up by invocation counts and have no such
 * flag: there nothing is set (`node --interrupt-budget=...` is a "bad option" there, and
 * v8.setFlagsFromString prints "unrecognized flag" on stderr).
 */
export function tierUpFlag(v8Version: string = process.versions.v8): string | undefined {
  const major = Number(/^(\d+)\./.exec(v8Version)?.[1]);
  return major >= 7 && major <= 11 ? '--interrupt-budget=280000' : undefined;
}

/** Sets tierUpFlag in this process when its V8 has it: before the first analysis, for the whole process. */
export function applyTierUpFlag(): void {
  const flag = tierUpFlag();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (flag) (require('node:v8') as typeof import('node:v8')).setFlagsFromString(flag);
}
