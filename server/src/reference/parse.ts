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
import type { ImageReference, ReferenceErrorKind, ReferenceParseResult, TextSpan } from './types';

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
  /**
   * From the normalization step (path checked before the grammar): `remote` is the repository path as
   * Docker names it (`library/` added to one-component Docker Hub names, up to the first `:`).
   */
  pathMustBeLowercase: (remote: string): string => `invalid reference format: repository name (${remote}) must be lowercase`,
  /** From the grammar step: the text only parses once lowercased (e.g. an uppercase host with `_`). */
  nameContainsUppercase: 'repository name must be lowercase',
  nameTooLong: `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`,
  digestInvalidFormat: 'invalid checksum digest format',
  digestInvalidLength: 'invalid checksum digest length',
  digestUnsupported: 'unsupported digest algorithm',
  hexadecimalName: (input: string): string =>
    `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
} as const;

/** What to do next, per broken rule (Docker's messages only say what is wrong). */
const Hint = {
  path: 'a repository path component is lowercase letters and digits, joined by ".", "_", "__" or "-" (never at its start or end); fix or remove the marked characters',
  emptyComponent: 'a repository path has no empty components: remove the extra "/"',
  emptyReference: 'write an image reference, e.g. nginx:1.27 or ghcr.io/acme/app:1.0',
  domain: 'a registry host is a DNS name or IPv4 address, or an IPv6 address in brackets (no zone id), optionally followed by ":" and a port number',
  atInHost: '"@" starts a digest and cannot appear in the registry host',
  tag: 'a tag is 1 to 128 letters, digits, "_", "." or "-", and does not start with "." or "-"',
  emptyTag: 'add a tag after the ":" or remove the ":"',
  digest: 'a digest is an algorithm and lowercase hex, e.g. sha256: followed by 64 hex characters',
  emptyDigest: 'add a digest after the "@" (e.g. sha256:<64 hex characters>) or remove the "@"',
  pathUppercase: 'only the registry host and the tag may contain uppercase letters: write the marked part of the repository path in lowercase',
  hostUppercase: 'a first component with uppercase letters is taken for a registry host, and this one is not a valid host name: write it in lowercase if it is part of the repository path',
  nameTooLong: `shorten the repository path to at most ${REPOSITORY_NAME_MAX_LENGTH} characters (a one-component Docker Hub name counts its implicit "library/")`,
  hexadecimalName: 'a 64-character hexadecimal string is read as an image ID, not a name: to pin a digest write <repository>@sha256:<hex>',
  digestUnsupported: 'Docker knows sha256, sha384 and sha512 digests: use one of those',
  digestFormat: 'write the digest in lowercase: a lowercase algorithm name and lowercase hexadecimal characters',
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
/** `[a-z0-9._-]`: anything that may appear in a path component. */
function isPathChar(c: number): boolean {
  return isLowerAlnum(c) || isPathSeparatorChar(c);
}
/** `[\w.-]`: anything that may appear in a tag. */
function isTagChar(c: number): boolean {
  return isWordChar(c) || c === CH_DOT || c === CH_DASH;
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
      return badRun(s, i, end, isPathChar);
    }
    if (i === end) return null;
    const c = s.charCodeAt(i);
    if (!isPathSeparatorChar(c)) return badRun(s, i, end, isPathChar);
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
      // A zone id (`%eth0`) is underlined from the `%`; anything else (an embedded IPv4 such as
      // `192.0.2.33`) from the start of its `:`-separated group; both up to the bracket.
      const close = s.indexOf(']', j);
      let from = j;
      if (s.charCodeAt(j) !== 0x25 /* % */) while (from > i + 1 && s.charCodeAt(from - 1) !== CH_COLON) from--;
      return span(from, close >= 0 && close < end ? close : end);
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
  if (j < end) return s.charCodeAt(j) === CH_AT ? span(j, end) : badRun(s, j, end, isHexDigit); // a second `@digest`: all of it
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

type StructureResult = { ok: true; name: NameMatch } | { ok: false; span: TextSpan; hint: string };

function pathProblemResult(s: string, problem: TextSpan): StructureResult {
  if (problem.start !== problem.end) return { ok: false, span: problem, hint: Hint.path };
  return { ok: false, span: widenEmpty(s, problem), hint: s.length === 0 ? Hint.emptyReference : Hint.emptyComponent };
}

/** Splits at the separators the grammar allows; the split is unique because a tag holds neither `/` nor `:`. */
function layoutOf(s: string, explicit: boolean, slash: number): Layout {
  const at = s.indexOf('@');
  const beforeDigest = at >= 0 ? at : s.length;
  // The tag separator is the last `:` after the last `/` (a `:` before it can only be a port).
  let lastColon = -1;
  for (let i = beforeDigest - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === CH_SLASH) break;
    if (c === CH_COLON) {
      lastColon = i;
      break;
    }
  }
  const hasTag = lastColon >= 0;
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
    if (at >= 0 && at < slash) return { ok: false, span: span(at, at + 1), hint: Hint.atInHost };
    const domainProblem = scanDomain(s, 0, slash);
    const pathProblem = scanRemoteName(s, slash + 1, nameEnd);
    if (!domainProblem && !pathProblem) {
      name = { hasDomain: true, pathStart: slash + 1 };
    } else if (domainProblem && !scanRemoteName(s, 0, nameEnd)) {
      // Go's name regexp then matches the whole name as a path, with no host at all.
      name = { hasDomain: false, pathStart: 0 };
    } else if (domainProblem) {
      return { ok: false, span: widenEmpty(s, domainProblem), hint: Hint.domain };
    } else {
      return pathProblemResult(s, pathProblem ?? span(0, s.length));
    }
  } else {
    const pathProblem = scanRemoteName(s, 0, nameEnd);
    if (pathProblem) return pathProblemResult(s, pathProblem);
    name = { hasDomain: true, pathStart: 0 };
  }
  if (layout.tagStart >= 0) {
    const tagProblem = scanTag(s, layout.tagStart, layout.tagEnd);
    if (tagProblem) return { ok: false, span: tagProblem, hint: layout.tagStart === layout.tagEnd ? Hint.emptyTag : Hint.tag };
  }
  if (at >= 0) {
    const digestProblem = scanDigest(s, at + 1, s.length);
    if (digestProblem) return { ok: false, span: digestProblem, hint: at + 1 === s.length ? Hint.emptyDigest : (digestLengthHint(s, at + 1) ?? Hint.digest) };
  }
  return { ok: true, name };
}

/** For a known algorithm whose hex is merely too short for the grammar, say how long it must be. */
function digestLengthHint(s: string, start: number): string | undefined {
  const colon = s.indexOf(':', start);
  if (colon < 0) return undefined;
  const expectedLength = DIGEST_HEX_LENGTH.get(s.slice(start, colon));
  if (expectedLength === undefined) return undefined;
  for (let i = colon + 1; i < s.length; i++) if (!isHexDigit(s.charCodeAt(i))) return undefined;
  return `a ${s.slice(start, colon)} digest has exactly ${expectedLength} hex characters; this one has ${s.length - colon - 1}`;
}

/**
 * An empty component has nothing to underline: underline the extra `/`s that follow it, else the
 * delimiter before it (a trailing `/`), else the first character (`:tag` with no name).
 */
function widenEmpty(s: string, problem: TextSpan): TextSpan {
  if (problem.start !== problem.end) return problem;
  let slashesEnd = problem.start;
  while (slashesEnd < s.length && s.charCodeAt(slashesEnd) === CH_SLASH) slashesEnd++;
  if (slashesEnd > problem.start) return span(problem.start, slashesEnd);
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
function validateDigest(s: string, start: number, end: number): { message: string; kind: ReferenceErrorKind; span: TextSpan; hint: string } | null {
  const colon = s.indexOf(':', start);
  const algorithm = s.slice(start, colon);
  const expectedLength = DIGEST_HEX_LENGTH.get(algorithm);
  if (expectedLength === undefined) {
    // go-digest only calls an algorithm "unsupported" when it is at least well-formed (lowercase).
    if (hasUppercase(s, start, colon)) {
      return { message: ReferenceErrorMessage.digestInvalidFormat, kind: 'digest-invalid-format', span: span(start, colon), hint: Hint.digestFormat };
    }
    return { message: ReferenceErrorMessage.digestUnsupported, kind: 'digest-unsupported', span: span(start, colon), hint: Hint.digestUnsupported };
  }
  const actualLength = end - colon - 1;
  if (actualLength !== expectedLength) {
    return {
      message: ReferenceErrorMessage.digestInvalidLength,
      kind: 'digest-invalid-length',
      span: span(colon + 1, end),
      hint: `a ${algorithm} digest has exactly ${expectedLength} hex characters; this one has ${actualLength}`,
    };
  }
  for (let i = colon + 1; i < end; i++) {
    if (!isLowerHexDigit(s.charCodeAt(i))) {
      return { message: ReferenceErrorMessage.digestInvalidFormat, kind: 'digest-invalid-format', span: badRun(s, i, end, isLowerHexDigit), hint: Hint.digestFormat };
    }
  }
  return null;
}

function failure(message: string, kind: ReferenceErrorKind, errorSpan: TextSpan, hint: string): ReferenceParseResult {
  return { ok: false, error: { message, span: errorSpan, kind, hint } };
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
  if (isHexadecimalIdentifier(input)) {
    return failure(ReferenceErrorMessage.hexadecimalName(input), 'hexadecimal-name', span(0, input.length), Hint.hexadecimalName);
  }

  const slash = input.indexOf('/');
  const explicit = slash >= 0 && looksLikeHost(input, slash);
  const restStart = explicit ? slash + 1 : 0;
  const domainText = explicit ? input.slice(0, slash) : '';
  const domain = !explicit || domainText === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : domainText;

  // The repository path, up to the first `:` (Go does not stop at `@` here), must be lowercase.
  const colonAfterHost = input.indexOf(':', restStart);
  const remoteEnd = colonAfterHost >= 0 ? colonAfterHost : input.length;
  if (hasUppercase(input, restStart, remoteEnd)) {
    // Go's splitDockerDomain: one-component Docker Hub names get `library/` (Go tests the remainder with its tag and digest).
    const official = domain === DEFAULT_DOMAIN && input.indexOf('/', restStart) < 0;
    const remote = (official ? OFFICIAL_REPO_PREFIX : '') + input.slice(restStart, remoteEnd);
    return failure(ReferenceErrorMessage.pathMustBeLowercase(remote), 'uppercase-path', uppercaseSegment(input, restStart, remoteEnd), Hint.pathUppercase);
  }

  const layout = layoutOf(input, explicit, slash);
  const structure = matchStructure(input, layout);
  if (!structure.ok) {
    // Docker retries the grammar on the lowercased text to tell "wrong case" from "wrong format".
    if (hasUppercase(input, 0, input.length)) {
      const lowered = input.toLowerCase();
      if (lowered.length === input.length && matchStructure(lowered, layout).ok) {
        return failure(ReferenceErrorMessage.nameContainsUppercase, 'uppercase-path', uppercaseSegment(input, 0, layout.nameEnd), Hint.hostUppercase);
      }
    }
    return failure(ReferenceErrorMessage.invalidFormat, 'invalid-format', structure.span, structure.hint);
  }

  const { hasDomain, pathStart } = structure.name;
  const writtenPath = input.slice(pathStart, layout.nameEnd);
  const resolvedDomain = hasDomain ? domain : '';
  // `library/` is added to one-component Docker Hub names (Go tests the remainder including tag and digest).
  const addLibrary = resolvedDomain === DEFAULT_DOMAIN && input.indexOf('/', restStart) < 0;
  const path = addLibrary ? OFFICIAL_REPO_PREFIX + writtenPath : writtenPath;
  const pathSpan = span(pathStart, layout.nameEnd);
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) return failure(ReferenceErrorMessage.nameTooLong, 'name-too-long', pathSpan, Hint.nameTooLong);

  let digest: string | null = null;
  let digestSpan: TextSpan | undefined;
  if (layout.at >= 0) {
    const digestProblem = validateDigest(input, layout.at + 1, input.length);
    if (digestProblem) return failure(digestProblem.message, digestProblem.kind, digestProblem.span, digestProblem.hint);
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
