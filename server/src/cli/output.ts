/** What the CLI prints: the `replicated` CLI's tables, JSON, and a pull check's verdict as aligned lines. */
import { redact } from '../log/logger';
import type { PullCheckResult } from '../registry/types';
import type { CliIO, CliOutput } from './io';

export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

export function printCheck(out: CliOutput, result: PullCheckResult): void {
  const rows: Array<[string, string | number | undefined]> = [
    ['verdict', result.verdict],
    ['image', result.image],
    ['message', result.message],
    ['hint', result.hint],
    ['httpStatus', result.httpStatus],
    ['registryError', result.registryErrorCode],
    ['digest', result.digest],
    ['mediaType', result.mediaType],
    ['platforms', result.platforms?.join(', ')],
    ['retryAfter', result.rateLimit?.retryAfterSeconds !== undefined ? `${result.rateLimit.retryAfterSeconds} s` : undefined],
    ['requests', result.requests],
    ['duration', `${Math.round(result.durationMs)} ms`],
  ];
  const shown = rows.filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '');
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  out.write(shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${redact(String(v))}`).join('\n') + '\n');
}
