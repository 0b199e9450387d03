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

export type { ImageReference, ReferenceError, ReferenceErrorKind, ReferenceParseResult, TextSpan } from './types';
export { parseImageReference } from './parse';
