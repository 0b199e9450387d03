/**
 * The last test verdict per registry on this machine, for the tree's status and tooltip.
 * Kept in workspaceState: verdicts, messages and digests only — never a credential.
 */
import type * as vscode from 'vscode';
import type { PullCheckResult, Verdict } from '../../server/src/registry/types';

export interface LastCheck {
  verdict: Verdict;
  image: string;
  message: string;
  hint?: string;
  digest?: string;
  checkedAt: string;
}

const STATE_KEY = 'replicated-registries.lastChecks';

function keyOf(slug: string, endpoint: string): string {
  return `${slug}@${endpoint}`;
}

export class LastChecks {
  constructor(private readonly memento: vscode.Memento) {}

  get(slug: string, endpoint: string): LastCheck | undefined {
    return this.all()[keyOf(slug, endpoint)];
  }

  async record(slug: string, endpoint: string, result: PullCheckResult): Promise<void> {
    const entry: LastCheck = {
      verdict: result.verdict,
      image: result.image,
      message: result.message,
      checkedAt: result.checkedAt ?? new Date().toISOString(),
    };
    if (result.hint) entry.hint = result.hint;
    if (result.digest) entry.digest = result.digest;
    await this.memento.update(STATE_KEY, { ...this.all(), [keyOf(slug, endpoint)]: entry });
  }

  async forget(slug: string, endpoint: string): Promise<void> {
    const next = { ...this.all() };
    delete next[keyOf(slug, endpoint)];
    await this.memento.update(STATE_KEY, next);
  }

  private all(): Record<string, LastCheck> {
    return this.memento.get<Record<string, LastCheck>>(STATE_KEY) ?? {};
  }
}

export function lastCheckFromResult(result: PullCheckResult | undefined): LastCheck | undefined {
  if (!result) return undefined;
  const entry: LastCheck = {
    verdict: result.verdict,
    image: result.image,
    message: result.message,
    checkedAt: result.checkedAt ?? new Date(0).toISOString(),
  };
  if (result.hint) entry.hint = result.hint;
  if (result.digest) entry.digest = result.digest;
  return entry;
}
