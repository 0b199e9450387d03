/**
 * Orders registry tags "newest-looking first" for quick fixes and completion: semantic versions
 * (with or without a leading `v`) by version, descending, releases before their pre-releases; then
 * other tags alphabetically. `latest` and digests-as-tags (`sha256-...`) never come first.
 */
interface ParsedVersion {
  numbers: number[];
  prerelease: string | undefined;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(tag: string): ParsedVersion | undefined {
  const match = VERSION.exec(tag);
  if (!match) return undefined;
  const numbers = match.slice(1, 5).filter((part): part is string => part !== undefined).map(Number);
  return { numbers, prerelease: match[5] };
}

function compareVersionsDescending(a: ParsedVersion, b: ParsedVersion): number {
  const length = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < length; i++) {
    const difference = (b.numbers[i] ?? 0) - (a.numbers[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (a.prerelease === b.prerelease) return b.numbers.length - a.numbers.length;
  if (a.prerelease === undefined) return -1;
  if (b.prerelease === undefined) return 1;
  return b.prerelease.localeCompare(a.prerelease, 'en', { numeric: true });
}

function isUnhelpful(tag: string): boolean {
  return tag === 'latest' || /^sha256-[0-9a-f]{16,}/.test(tag) || tag.endsWith('.sig') || tag.endsWith('.att') || tag.endsWith('.sbom');
}

/** Returns a new array: versions newest first, then other tags, then `latest` and signature tags. */
export function sortTagsNewestFirst(tags: readonly string[]): string[] {
  const rank = (tag: string): number => (isUnhelpful(tag) ? 2 : parseVersion(tag) ? 0 : 1);
  return [...new Set(tags)].sort((a, b) => {
    const rankDifference = rank(a) - rank(b);
    if (rankDifference !== 0) return rankDifference;
    const va = parseVersion(a);
    const vb = parseVersion(b);
    if (va && vb) return compareVersionsDescending(va, vb);
    return a.localeCompare(b, 'en', { numeric: true });
  });
}
