/**
 * Image reference grammar and Docker normalization (distribution/reference semantics).
 * Pure: no I/O. Used by the CLI (`ref`), the manifest rules and the pull check.
 *
 * ```
 * reference        := name [":" tag] ["@" digest]
 * name             := [domain "/"] path-component ("/" path-component)*
 * domain           := host [":" port]     host := domain-name | IPv4 | "[" IPv6 "]" (no zone id)
 * domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 * path-component   := [a-z0-9]+ (([._] | "__" | "-"+) [a-z0-9]+)*
 * tag              := [\w][\w.-]{0,127}
 * digest           := algorithm ":" hex   (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
 * ```
 * Normalization is Docker's: with no `/`, or a first component that is not `localhost` and has no `.`,
 * `:` or uppercase letter, the host is `docker.io`; `index.docker.io` becomes `docker.io`; one-component
 * Docker Hub paths get `library/`. The path must be lowercase and at most 255 characters.
 *
 * - `parse.ts`: `parseImageReference(input)` — the parser, Docker's error strings, `familiarName`.
 * - `proxy.ts`: Replicated proxy references (`<proxy-domain>/proxy/<app-slug>/<upstream>`), Replicated
 *   registry references, and the rewrite KOTS applies to private images.
 *
 * Spans are half-open UTF-16 offsets into `input` (what LSP positions count). The tag span excludes its
 * `:` and the digest span its `@`; the path span covers the path as written (without an implicit
 * `library/`). An error span is never empty unless the input is.
 *
 * One quirk kept from Docker: a first component with a `.` that is not a valid host name but is a valid
 * path component (`foo_bar.com/app`) parses with NO domain (`domain` is `''`, `explicitDomain` false),
 * exactly as `ParseNormalizedNamed` returns it; nothing can pull such a reference.
 */

/** A half-open character range [start, end) inside the input string. */
export interface TextSpan {
  start: number;
  end: number;
}

export interface ImageReference {
  /** The text as given. */
  input: string;
  /** Normalized registry host (with port), e.g. `docker.io`, `ghcr.io`, `localhost:5000`. */
  domain: string;
  /** Normalized repository path, e.g. `library/nginx`. */
  path: string;
  tag: string | null;
  digest: string | null;
  /** Docker's familiar name, without tag or digest (`nginx`, `ghcr.io/acme/app`). */
  familiar: string;
  /** What Docker would pull: fully qualified; `:latest` when neither tag nor digest; digest wins when both. */
  canonical: string;
  /** Whether the input named the registry host itself (false for `nginx`, `acme/app`). */
  explicitDomain: boolean;
  /** Where each part sits in `input` (domain absent when implicit). */
  spans: { domain?: TextSpan; path: TextSpan; tag?: TextSpan; digest?: TextSpan };
}

export interface ReferenceError {
  /** Docker's wording, e.g. `invalid reference format: repository name must be lowercase`. */
  message: string;
  /** The offending part of the input (whole input when no narrower part applies). */
  span: TextSpan;
  /** Which rule was broken, stable for code (quick fixes, tests); absent only from hand-made errors. */
  kind?: ReferenceErrorKind;
  /** What to do about it, in plain words (Docker's `message` says only what is wrong). */
  hint?: string;
}

export type ReferenceErrorKind =
  | 'invalid-format'
  | 'uppercase-path'
  | 'name-too-long'
  | 'hexadecimal-name'
  | 'digest-unsupported'
  | 'digest-invalid-length'
  | 'digest-invalid-format';

export type ReferenceParseResult = { ok: true; reference: ImageReference } | { ok: false; error: ReferenceError };

export { parseImageReference } from './parse';
