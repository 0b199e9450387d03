/**
 * A registry's name (the Vendor API `slug`): what makes one valid, and a suggestion for a new one. One
 * rule for the registries file's schema (`^\S+$`, kept equal by a unit test), the CLI's `--name` and the
 * extension's wizard: any text without white space — the `replicated` CLI's default is the endpoint
 * itself, so `registry.lab.acme.example:5000` is a name like any other.
 */
import type { Provider } from '../registry/types';

/** The schema's pattern for `slug`. */
export const SLUG_PATTERN = /^\S+$/;

/** The problem with a name, or undefined. `taken`: the other registries' names (an edit leaves out its own). */
export function slugProblem(value: string, taken: readonly string[] = []): string | undefined {
  const slug = value.trim();
  if (slug === '') return 'Enter a name for this registry, e.g. acme-ghcr.';
  if (!SLUG_PATTERN.test(slug)) return 'A registry name has no spaces (letters, digits, ".", "_", "-", ":" are fine).';
  if (taken.includes(slug)) return `A registry named "${slug}" already exists: choose another name, or edit that one.`;
  return undefined;
}

/** A free name derived from the endpoint (`ghcr.io` → `ghcr`, `123….dkr.ecr.us-east-1…` → `ecr-us-east-1`). */
export function suggestSlug(provider: Provider, endpoint: string, taken: readonly string[]): string {
  let base: string;
  if (provider === 'dockerhub' || provider === 'ghcr' || provider === 'quay') base = provider;
  else if (provider === 'ecr') base = `ecr-${/\.ecr(?:-fips)?\.([a-z0-9-]+)\./.exec(endpoint)?.[1] ?? 'registry'}`;
  else if (provider === 'gar') base = `gar-${endpoint.replace(/-docker\.pkg\.dev$/, '')}`;
  else if (provider === 'gcr') base = endpoint.replace(/\.gcr\.io$/, '-gcr').replace(/^gcr\.io$/, 'gcr');
  else base = endpoint.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'registry';
  base = base.slice(0, 60).replace(/[^a-z0-9]+$/, '');
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
