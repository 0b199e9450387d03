/**
 * The image reference parser: what `docker pull REF` accepts, and how it names what it pulls.
 *
 * Semantics follow `distribution/reference`'s `ParseNormalizedNamed` (with `opencontainers/go-digest`
 * validating digests, sha256/sha384/sha512 registered as in Docker) step by step, in the same order,
 * so that the first error Docker would report is the one reported here, with Docker's wording:
 *
 *  1. a bare 64-character lowercase hex string is refused (it looks like an image ID);
 *  2. the first `/`-separated component is the registry host only if it is `localhost`, contains `.`
 *     or `:`, or has an uppercase letter; otherwise the host is `docker.io` (`index.docker.io` is
 *     folded into `docker.io`, and one-component Docker Hub names get `library/`);
 *  3. the repository path (everything after the host, up to the first `:`) must be lowercase;
 *  4. the whole text must match the reference grammar (see `imageReference.ts`), the normalized
 *     path must be at most 255 characters, and a digest must name a known algorithm with the
 *     exact lowercase-hex length.
 *
 * The grammar is checked by hand-written linear scanners rather than regular expressions: that is
 * what lets every error point at the exact offending characters (for an editor to underline), and it
 * keeps parsing linear in the input length whatever the input (no backtracking).
 */
import type { ImageReference, ReferenceParseResult, TextSpan } from './imageReference';

/** Docker Hub's canonical host in references. */
export const DEFAULT_DOMAIN = 'docker.io';
/** The legacy Docker Hub host, normalized to {@link DEFAULT_DOMAIN}. */
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
/** Namespace of Docker Hub's official images (`nginx` is `docker.io/library/nginx`). */
export const OFFICIAL_REPO_PREFIX = 'library/';
/** What Docker pulls when a reference has neither tag nor digest. */
export const DEFAULT_TAG = 'latest';
/** Longest repository path Docker accepts (the path only, after normalization, host excluded). */
export const REPOSITORY_NAME_MAX_LENGTH = 255;
/** Longest tag the grammar accepts. */
export const TAG_MAX_LENGTH = 128;
/** The grammar wants at least 128 bits of hex in a digest before the algorithm is even looked at. */
const DIGEST_MIN_HEX_LENGTH = 32;

/**
 * Hex length of each digest algorithm Docker registers (go-digest with `crypto/sha256` and
 * `crypto/sha512` imported; the latter also provides sha384).
 */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** Docker's own error strings (distribution/reference and go-digest), kept verbatim. */
export const ReferenceErrorMessage = {
  invalidFormat: 'invalid reference format',
  /** From the normalization step (path checked before the grammar). */
  pathMustBeLowercase: 'invalid reference format: repository name must be lowercase',
  /** From the grammar step: the text only parses once lowercased (e.g. an uppercase host with `_`). */
  nameContainsUppercase: 'repository name must be lowercase',
  nameTooLong: `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`,
  digestInvalidFormat: 'invalid checksum digest format',
  digestInvalidLength: 'invalid checksum digest length',
  digestUnsupported: 'unsupported digest algorithm',
  hexadecimalName: (input: string): string =>
    `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
} as const;

// ---------------------------------------------------------------------------------------------
// Character classes (on UTF-16 code units; anything non-ASCII is outside every class).

const CH_SLASH = 0x2f; // '/'
const CH_COLON = 0x3a; // ':'
const CH_AT = 0x40; // '@'
const CH_DOT = 0x2e; // '.'
const CH_DASH = 0x2d; // '-'
const CH_UNDERSCORE = 0x5f; // '_'
const CH_PLUS = 0x2b; // '+'
const CH_LBRACKET = 0x5b; // '['
const CH_RBRACKET = 0x5d; // ']'

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function isAlpha(c: number): boolean {
  return isLower(c) || isUpper(c);
}
function isAlnum(c: number): boolean {
  return isDigit(c) || isLower(c) || isUpper(c);
}
/** `[a-z0-9]`: the alphanumerics of a path component. */
function isLowerAlnum(c: number): boolean {
  return isDigit(c) || isLower(c);
}
/** `[._-]`: characters that may form a path-component separator. */
function isPathSeparatorChar(c: number): boolean {
  return c === CH_DOT || c === CH_UNDERSCORE || c === CH_DASH;
}
/** `[a-zA-Z0-9-]`: a domain-name component's characters. */
function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === CH_DASH;
}
/** `[a-fA-F0-9]` */
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
/** `[a-f0-9]`: the only hex go-digest accepts in an encoded digest. */
function isLowerHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}
/** `\w` in Go's RE2: ASCII only. */
function isWordChar(c: number): boolean {
  return isAlnum(c) || c === CH_UNDERSCORE;
}
/** Characters that delimit the parts of a reference; an error run never swallows them. */
function isStructuralChar(c: number): boolean {
  return c === CH_SLASH || c === CH_COLON || c === CH_AT;
}

/**
 * Whether Go's `strings.ToLower(s) != s` holds for s[start, end). ASCII fast path; any non-ASCII
 * character falls back to the Unicode-aware comparison (Go lowercases Unicode too).
 */
function hasUppercase(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isUpper(c)) return true;
    if (c > 0x7f) {
      const slice = s.slice(start, end);
      return slice.toLowerCase() !== slice;
    }
  }
  return false;
}

function span(start: number, end: number): TextSpan {
  return { start, end };
}

/** Extends a run of characters that are bad in the current part, stopping at part delimiters. */
function badRun(s: string, from: number, end: number, isGood: (c: number) => boolean): TextSpan {
  let i = from + 1;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (isGood(c) || isStructuralChar(c)) break;
    i++;
  }
  return span(from, i);
}

// ---------------------------------------------------------------------------------------------
// Scanners: each returns null when s[start, end) matches its production exactly, else the span
// of the first offending characters.

/**
 * `path-component := [a-z0-9]+ (separator [a-z0-9]+)*`, `separator := [._] | "__" | "-"+`.
 * An empty component yields an empty span at its position (the caller decides what to underline).
 */
function scanPathComponent(s: string, start: number, end: number): TextSpan | null {
  if (start === end) return span(start, end);
  let i = start;
  for (;;) {
    const runStart = i;
    while (i < end && isLowerAlnum(s.charCodeAt(i))) i++;
    if (i === runStart) {
      // No alphanumeric where one is required: a leading separator, or a character never allowed here.
      const c = s.charCodeAt(i);
      if (isPathSeparatorChar(c)) return separatorRun(s, i, end);
      return badRun(s, i, end, (x) => isLowerAlnum(x) || isPathSeparatorChar(x));
    }
    if (i === end) return null;
    const c = s.charCodeAt(i);
    if (!isPathSeparatorChar(c)) return badRun(s, i, end, (x) => isLowerAlnum(x) || isPathSeparatorChar(x));
    const sepStart = i;
    while (i < end && isPathSeparatorChar(s.charCodeAt(i))) i++;
    // A separator must be one of the allowed forms and must be followed by an alphanumeric.
    if (i === end || !isValidPathSeparator(s, sepStart, i)) return span(sepStart, i);
  }
}

function separatorRun(s: string, from: number, end: number): TextSpan {
  let i = from;
  while (i < end && isPathSeparatorChar(s.charCodeAt(i))) i++;
  return span(from, i);
}

function isValidPathSeparator(s: string, start: number, end: number): boolean {
  const length = end - start;
  const first = s.charCodeAt(start);
  if (length === 1) return true; // one of [._-]
  if (first === CH_UNDERSCORE) return length === 2 && s.charCodeAt(start + 1) === CH_UNDERSCORE;
  for (let i = start; i < end; i++) if (s.charCodeAt(i) !== CH_DASH) return false;
  return true; // any number of dashes
}

/** `remote-name := path-component ("/" path-component)*` */
function scanRemoteName(s: string, start: number, end: number): TextSpan | null {
  let componentStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || s.charCodeAt(i) === CH_SLASH) {
      const bad = scanPathComponent(s, componentStart, i);
      if (bad) return bad;
      componentStart = i + 1;
    }
  }
  return null;
}

/**
 * `domain := host [":" port]`, `host := domain-name | "[" [a-fA-F0-9:]+ "]"`,
 * `domain-name := component ("." component)*`, `component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`.
 */
function scanDomain(s: string, start: number, end: number): TextSpan | null {
  if (start === end) return span(start, end);
  let i = start;
  if (s.charCodeAt(i) === CH_LBRACKET) {
    let j = i + 1;
    while (j < end && (isHexDigit(s.charCodeAt(j)) || s.charCodeAt(j) === CH_COLON)) j++;
    if (j === end) return span(start, end); // no closing bracket
    if (s.charCodeAt(j) !== CH_RBRACKET) {
      // e.g. a zone id `%eth0` or an embedded IPv4 `192.0.2.33`: underline up to the bracket.
      const close = s.indexOf(']', j);
      return span(j, close >= 0 && close < end ? close : end);
    }
    if (j === i + 1) return span(i, j + 1); // `[]`
    i = j + 1;
  } else {
    for (;;) {
      const componentStart = i;
      while (i < end && isDomainChar(s.charCodeAt(i))) i++;
      if (i === componentStart) {
        if (i === end) return span(i - 1, i); // trailing `.`
        const c = s.charCodeAt(i);
        if (c === CH_DOT || c === CH_COLON) return span(i, i + 1); // empty component
        return badRun(s, i, end, isDomainChar);
      }
      if (s.charCodeAt(componentStart) === CH_DASH) return span(componentStart, componentStart + 1);
      if (s.charCodeAt(i - 1) === CH_DASH) return span(i - 1, i);
      if (i < end && s.charCodeAt(i) === CH_DOT) {
        i++;
        continue;
      }
      break;
    }
  }
  if (i === end) return null;
  if (s.charCodeAt(i) !== CH_COLON) return badRun(s, i, end, isDomainChar);
  const portStart = i + 1;
  let j = portStart;
  while (j < end && isDigit(s.charCodeAt(j))) j++;
  if (j === portStart) return j === end ? span(i, j) : badRun(s, j, end, isDigit);
  if (j === end) return null;
  return badRun(s, j, end, isDigit);
}

/** `tag := [\w][\w.-]{0,127}`. `start` is just after the `:`. */
function scanTag(s: string, start: number, end: number): TextSpan | null {
  if (start === end) return span(start - 1, start); // a `:` with nothing after it
  const isTagChar = (c: number): boolean => isWordChar(c) || c === CH_DOT || c === CH_DASH;
  if (!isWordChar(s.charCodeAt(start))) return badRun(s, start, end, isWordChar);
  for (let i = start + 1; i < end; i++) {
    if (!isTagChar(s.charCodeAt(i))) return badRun(s, i, end, isTagChar);
  }
  if (end - start > TAG_MAX_LENGTH) return span(start, end);
  return null;
}

/**
 * The grammar's digest: `algorithm ":" [0-9a-fA-F]{32,}`, with
 * `algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)*`. `start` is just after the `@`.
 */
function scanDigest(s: string, start: number, end: number): TextSpan | null {
  if (start === end) return span(start - 1, start); // an `@` with nothing after it
  let i = start;
  for (;;) {
    if (i === end) return span(start, end); // no `:` and no hex
    if (!isAlpha(s.charCodeAt(i))) return badRun(s, i, end, isAlnum);
    i++;
    while (i < end && isAlnum(s.charCodeAt(i))) i++;
    const c = s.charCodeAt(i);
    if (i < end && (c === CH_DASH || c === CH_UNDERSCORE || c === CH_PLUS || c === CH_DOT)) {
      i++;
      continue;
    }
    break;
  }
  if (i === end) return span(start, end);
  if (s.charCodeAt(i) !== CH_COLON) return badRun(s, i, end, isAlnum);
  const hexStart = i + 1;
  let j = hexStart;
  while (j < end && isHexDigit(s.charCodeAt(j))) j++;
  if (j < end) return badRun(s, j, end, isHexDigit);
  if (j - hexStart < DIGEST_MIN_HEX_LENGTH) return j === hexStart ? span(i, hexStart) : span(hexStart, j);
  return null;
}

// ---------------------------------------------------------------------------------------------

/** Where the parts of a reference sit in the input, once the host question is settled. */
interface Layout {
  /** The first component is a host candidate (Docker's rule), ending at `slash`. */
  explicit: boolean;
  slash: number;
  /** Index of the first `@` (start of the digest separator), or -1. */
  at: number;
  /** End of the name part (domain + path), exclusive. */
  nameEnd: number;
  /** Index just after the tag's `:`, or -1 when there is no tag. */
  tagStart: number;
  /** End of the tag, exclusive (the `@` or the end). */
  tagEnd: number;
}

/** A name the grammar accepted: where Go's name regexp put the host, if anywhere. */
interface NameMatch {
  /** The host took the first component (false only when that component is not a valid host but the whole name is a valid path). */
  hasDomain: boolean;
  pathStart: number;
}

type StructureResult = { ok: true; name: NameMatch } | { ok: false; span: TextSpan };

/** Splits at the separators the grammar allows; the split is unique because a tag holds neither `/` nor `:`. */
function layoutOf(s: string, explicit: boolean, slash: number): Layout {
  const at = s.indexOf('@');
  const beforeDigest = at >= 0 ? at : s.length;
  let lastSlash = -1;
  let lastColon = -1;
  for (let i = beforeDigest - 1; i >= 0 && (lastSlash < 0 || lastColon < 0); i--) {
    const c = s.charCodeAt(i);
    if (c === CH_SLASH && lastSlash < 0) lastSlash = i;
    else if (c === CH_COLON && lastColon < 0 && lastSlash < 0) lastColon = i;
  }
  const hasTag = lastColon > lastSlash;
  return {
    explicit,
    slash,
    at,
    nameEnd: hasTag ? lastColon : beforeDigest,
    tagStart: hasTag ? lastColon + 1 : -1,
    tagEnd: beforeDigest,
  };
}

/**
 * The grammar (`referenceRegexp` on `domain + "/" + remainder`), evaluated on the input itself:
 * an implicit `docker.io/` (and `library/`) prefix is always a valid host and path component, so it
 * never changes the verdict. Problems are reported left to right: name, tag, digest.
 */
function matchStructure(s: string, layout: Layout): StructureResult {
  const { explicit, slash, at, nameEnd } = layout;
  let name: NameMatch;
  if (explicit) {
    // An `@` inside the host candidate leaves no `/` in the name part.
    if (at >= 0 && at < slash) return { ok: false, span: span(at, at + 1) };
    const domainProblem = scanDomain(s, 0, slash);
    const pathProblem = scanRemoteName(s, slash + 1, nameEnd);
    if (!domainProblem && !pathProblem) {
      name = { hasDomain: true, pathStart: slash + 1 };
    } else if (domainProblem && !scanRemoteName(s, 0, nameEnd)) {
      // Go's name regexp then matches the whole name as a path, with no host at all.
      name = { hasDomain: false, pathStart: 0 };
    } else {
      return { ok: false, span: widenEmpty(s, domainProblem ?? pathProblem ?? span(0, s.length)) };
    }
  } else {
    const pathProblem = scanRemoteName(s, 0, nameEnd);
    if (pathProblem) return { ok: false, span: widenEmpty(s, pathProblem) };
    name = { hasDomain: true, pathStart: 0 };
  }
  if (layout.tagStart >= 0) {
    const tagProblem = scanTag(s, layout.tagStart, layout.tagEnd);
    if (tagProblem) return { ok: false, span: tagProblem };
  }
  if (at >= 0) {
    const digestProblem = scanDigest(s, at + 1, s.length);
    if (digestProblem) return { ok: false, span: digestProblem };
  }
  return { ok: true, name };
}

/** An empty component has nothing to underline: underline the `/` next to it instead. */
function widenEmpty(s: string, problem: TextSpan): TextSpan {
  if (problem.start !== problem.end) return problem;
  if (problem.start > 0) return span(problem.start - 1, problem.start);
  if (s.length > 0) return span(0, 1);
  return problem;
}

/** The first `/`- or `@`-delimited segment of s[start, end) holding an uppercase letter. */
function uppercaseSegment(s: string, start: number, end: number): TextSpan {
  let segmentStart = start;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : CH_SLASH;
    if (c === CH_SLASH || c === CH_AT || c === CH_COLON) {
      if (hasUppercase(s, segmentStart, i)) return span(segmentStart, i);
      segmentStart = i + 1;
    }
  }
  return span(start, end);
}

/** go-digest's `Digest.Validate` for a digest the grammar accepted. */
function validateDigest(s: string, start: number, end: number): { message: string; span: TextSpan } | null {
  const colon = s.indexOf(':', start);
  const algorithm = s.slice(start, colon);
  const expectedLength = DIGEST_HEX_LENGTH.get(algorithm);
  if (expectedLength === undefined) {
    // go-digest only calls an algorithm "unsupported" when it is at least well-formed (lowercase).
    const wellFormed = !hasUppercase(s, start, colon);
    return {
      message: wellFormed ? ReferenceErrorMessage.digestUnsupported : ReferenceErrorMessage.digestInvalidFormat,
      span: span(start, colon),
    };
  }
  if (end - colon - 1 !== expectedLength) return { message: ReferenceErrorMessage.digestInvalidLength, span: span(colon + 1, end) };
  for (let i = colon + 1; i < end; i++) {
    if (!isLowerHexDigit(s.charCodeAt(i))) return { message: ReferenceErrorMessage.digestInvalidFormat, span: badRun(s, i, end, isLowerHexDigit) };
  }
  return null;
}

function failure(message: string, errorSpan: TextSpan): ReferenceParseResult {
  return { ok: false, error: { message, span: errorSpan } };
}

function isHexadecimalIdentifier(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) if (!isLowerHexDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Docker's host rule for the first component of a name that has a `/`. */
function looksLikeHost(s: string, end: number): boolean {
  if (end === 9 && s.startsWith('localhost')) return true;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_DOT || c === CH_COLON) return true; // includes `index.docker.io`
  }
  return hasUppercase(s, 0, end);
}

/**
 * Parses an image reference the way `docker pull` does (`ParseNormalizedNamed`), returning either
 * the normalized reference with the position of each part, or Docker's error with the position of
 * the offending part. Never throws; linear in the input length.
 */
export function parseImageReference(input: string): ReferenceParseResult {
  if (isHexadecimalIdentifier(input)) return failure(ReferenceErrorMessage.hexadecimalName(input), span(0, input.length));

  const slash = input.indexOf('/');
  const explicit = slash >= 0 && looksLikeHost(input, slash);
  const restStart = explicit ? slash + 1 : 0;
  const domainText = explicit ? input.slice(0, slash) : '';
  const domain = !explicit || domainText === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : domainText;

  // The repository path, up to the first `:` (Go does not stop at `@` here), must be lowercase.
  const colonAfterHost = input.indexOf(':', restStart);
  const remoteEnd = colonAfterHost >= 0 ? colonAfterHost : input.length;
  if (hasUppercase(input, restStart, remoteEnd)) {
    return failure(ReferenceErrorMessage.pathMustBeLowercase, uppercaseSegment(input, restStart, remoteEnd));
  }

  const layout = layoutOf(input, explicit, slash);
  const structure = matchStructure(input, layout);
  if (!structure.ok) {
    // Docker retries the grammar on the lowercased text to tell "wrong case" from "wrong format".
    if (hasUppercase(input, 0, input.length)) {
      const lowered = input.toLowerCase();
      if (lowered.length === input.length && matchStructure(lowered, layout).ok) {
        return failure(ReferenceErrorMessage.nameContainsUppercase, uppercaseSegment(input, 0, layout.nameEnd));
      }
    }
    return failure(ReferenceErrorMessage.invalidFormat, structure.span);
  }

  const { hasDomain, pathStart } = structure.name;
  const writtenPath = input.slice(pathStart, layout.nameEnd);
  const resolvedDomain = hasDomain ? domain : '';
  // `library/` is added to one-component Docker Hub names (Go tests the remainder including tag and digest).
  const addLibrary = resolvedDomain === DEFAULT_DOMAIN && input.indexOf('/', restStart) < 0;
  const path = addLibrary ? OFFICIAL_REPO_PREFIX + writtenPath : writtenPath;
  const pathSpan = span(pathStart, layout.nameEnd);
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) return failure(ReferenceErrorMessage.nameTooLong, pathSpan);

  let digest: string | null = null;
  let digestSpan: TextSpan | undefined;
  if (layout.at >= 0) {
    const digestProblem = validateDigest(input, layout.at + 1, input.length);
    if (digestProblem) return failure(digestProblem.message, digestProblem.span);
    digest = input.slice(layout.at + 1);
    digestSpan = span(layout.at + 1, input.length);
  }
  const tag = layout.tagStart >= 0 ? input.slice(layout.tagStart, layout.tagEnd) : null;

  const name = resolvedDomain ? `${resolvedDomain}/${path}` : path;
  const reference: ImageReference = {
    input,
    domain: resolvedDomain,
    path,
    tag,
    digest,
    familiar: familiarName(resolvedDomain, path),
    canonical: digest !== null ? `${name}@${digest}` : `${name}:${tag ?? DEFAULT_TAG}`,
    explicitDomain: explicit && hasDomain,
    spans: { path: pathSpan },
  };
  if (explicit && hasDomain) reference.spans.domain = span(0, slash);
  if (tag !== null) reference.spans.tag = span(layout.tagStart, layout.tagEnd);
  if (digestSpan) reference.spans.digest = digestSpan;
  return { ok: true, reference };
}

/**
 * Docker's `FamiliarName`: without `docker.io/`, and without `library/` when a single component
 * remains (`docker.io/library/foo/bar` stays `library/foo/bar`).
 */
export function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return domain ? `${domain}/${path}` : path;
  if (path.startsWith(OFFICIAL_REPO_PREFIX) && path.indexOf('/', OFFICIAL_REPO_PREFIX.length) < 0) {
    return path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return path;
}
