/** The image-reference vocabulary: a parsed reference, its parts' spans, and a parse error (imageReference.ts explains the grammar). */

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
