import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { parseImageReference, ReferenceErrorMessage, DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX } from '../../server/src/reference/parse';
import type { ImageReference, TextSpan } from '../../server/src/reference/imageReference';
import {
  customerProxyDomain,
  customProxyDomain,
  DEFAULT_PROXY_DOMAIN,
  isProxyDomain,
  isReplicatedRegistryDomain,
  isReplicatedRegistryReference,
  parseProxyReference,
  proxyRewriteProblem,
  toProxyReference,
} from '../../server/src/reference/proxy';
import { run as runRef, type RefJsonEntry } from '../../server/src/cli/commands/ref';
import type { CliIO } from '../../server/src/cli/io';

/**
 * The table: Docker's own verdicts. Inputs come from distribution/reference's test tables
 * (normalize_test.go, reference_test.go), the examples in shared/reference/oci-registries.md, and edge
 * cases of every rule. Expected fields and messages are what `ParseNormalizedNamed` (current
 * distribution/reference regexps, go-digest with sha256/sha384/sha512 registered) answers — they were
 * checked against a Go build of those rules. `at` marks the span we report, as carets under the input
 * (or [start, end] for long inputs).
 */
type ValidCase = { input: string; domain: string; path: string; tag: string | null; digest: string | null; familiar: string; canonical: string };
type InvalidCase = { input: string; error: string; at: string | [number, number] };
type Case = ValidCase | InvalidCase;

const CASES: Case[] = [
  { input: 'ubuntu', domain: 'docker.io', path: 'library/ubuntu', tag: null, digest: null, familiar: 'ubuntu', canonical: 'docker.io/library/ubuntu:latest' },
  { input: 'docker.io/library/foo/bar', domain: 'docker.io', path: 'library/foo/bar', tag: null, digest: null, familiar: 'library/foo/bar', canonical: 'docker.io/library/foo/bar:latest' },
  { input: 'localhost/foo', domain: 'localhost', path: 'foo', tag: null, digest: null, familiar: 'localhost/foo', canonical: 'localhost/foo:latest' },
  { input: 'test_com/foo', domain: 'docker.io', path: 'test_com/foo', tag: null, digest: null, familiar: 'test_com/foo', canonical: 'docker.io/test_com/foo:latest' },
  { input: 'Foo/bar', domain: 'Foo', path: 'bar', tag: null, digest: null, familiar: 'Foo/bar', canonical: 'Foo/bar:latest' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: null, familiar: '[2001:db8::1]:5000/repo', canonical: '[2001:db8::1]:5000/repo:tag' },
  { input: '[fe80::1%eth0]:5000/repo', error: 'invalid reference format', at: '        ^^^^^' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', path: 'repo', tag: '5050', digest: null, familiar: '192.168.1.1:5000/repo', canonical: '192.168.1.1:5000/repo:5050' },
  { input: 'localhost:5000', domain: 'docker.io', path: 'library/localhost', tag: '5000', digest: null, familiar: 'localhost', canonical: 'docker.io/library/localhost:5000' },
  { input: 'docker/docker', domain: 'docker.io', path: 'docker/docker', tag: null, digest: null, familiar: 'docker/docker', canonical: 'docker.io/docker/docker:latest' },
  { input: 'library/debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: 'debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: 'docker.io/docker/docker', domain: 'docker.io', path: 'docker/docker', tag: null, digest: null, familiar: 'docker/docker', canonical: 'docker.io/docker/docker:latest' },
  { input: 'docker.io/library/debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: 'docker.io/debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: 'index.docker.io/docker/docker', domain: 'docker.io', path: 'docker/docker', tag: null, digest: null, familiar: 'docker/docker', canonical: 'docker.io/docker/docker:latest' },
  { input: 'index.docker.io/library/debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: 'index.docker.io/debian', domain: 'docker.io', path: 'library/debian', tag: null, digest: null, familiar: 'debian', canonical: 'docker.io/library/debian:latest' },
  { input: '127.0.0.1:5000/docker/docker', domain: '127.0.0.1:5000', path: 'docker/docker', tag: null, digest: null, familiar: '127.0.0.1:5000/docker/docker', canonical: '127.0.0.1:5000/docker/docker:latest' },
  { input: '127.0.0.1:5000/library/debian', domain: '127.0.0.1:5000', path: 'library/debian', tag: null, digest: null, familiar: '127.0.0.1:5000/library/debian', canonical: '127.0.0.1:5000/library/debian:latest' },
  { input: '127.0.0.1:5000/debian', domain: '127.0.0.1:5000', path: 'debian', tag: null, digest: null, familiar: '127.0.0.1:5000/debian', canonical: '127.0.0.1:5000/debian:latest' },
  { input: '192.168.0.1', domain: 'docker.io', path: 'library/192.168.0.1', tag: null, digest: null, familiar: '192.168.0.1', canonical: 'docker.io/library/192.168.0.1:latest' },
  { input: '192.168.0.1:80', domain: 'docker.io', path: 'library/192.168.0.1', tag: '80', digest: null, familiar: '192.168.0.1', canonical: 'docker.io/library/192.168.0.1:80' },
  { input: '192.168.0.1:8/debian', domain: '192.168.0.1:8', path: 'debian', tag: null, digest: null, familiar: '192.168.0.1:8/debian', canonical: '192.168.0.1:8/debian:latest' },
  { input: '192.168.0.2:25000/debian', domain: '192.168.0.2:25000', path: 'debian', tag: null, digest: null, familiar: '192.168.0.2:25000/debian', canonical: '192.168.0.2:25000/debian:latest' },
  { input: 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', domain: 'docker.io', path: 'library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', tag: null, digest: null, familiar: 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', canonical: 'docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest' },
  { input: '[fc00::1]:5000/docker', domain: '[fc00::1]:5000', path: 'docker', tag: null, digest: null, familiar: '[fc00::1]:5000/docker', canonical: '[fc00::1]:5000/docker:latest' },
  { input: '[fc00::1]:5000/docker/docker', domain: '[fc00::1]:5000', path: 'docker/docker', tag: null, digest: null, familiar: '[fc00::1]:5000/docker/docker', canonical: '[fc00::1]:5000/docker/docker:latest' },
  { input: '[fc00:1:2:3:4:5:6:7]:5000/library/debian', domain: '[fc00:1:2:3:4:5:6:7]:5000', path: 'library/debian', tag: null, digest: null, familiar: '[fc00:1:2:3:4:5:6:7]:5000/library/debian', canonical: '[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest' },
  { input: 'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', domain: 'docker.io', path: 'library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', tag: null, digest: null, familiar: '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', canonical: 'docker.io/library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest' },
  { input: 'Docker/docker', domain: 'Docker', path: 'docker', tag: null, digest: null, familiar: 'Docker/docker', canonical: 'Docker/docker:latest' },
  { input: 'DOCKER/docker', domain: 'DOCKER', path: 'docker', tag: null, digest: null, familiar: 'DOCKER/docker', canonical: 'DOCKER/docker:latest' },
  { input: 'https://github.com/docker/docker', error: 'invalid reference format', at: '     ^' },
  { input: 'docker/Docker', error: 'invalid reference format: repository name (docker/Docker) must be lowercase', at: '       ^^^^^^' },
  { input: '-docker', error: 'invalid reference format', at: '^' },
  { input: '-docker/docker', error: 'invalid reference format', at: '^' },
  { input: '-docker.io/docker/docker', error: 'invalid reference format', at: '^' },
  { input: 'docker///docker', error: 'invalid reference format', at: '       ^^' },
  { input: 'docker.io/docker/Docker', error: 'invalid reference format: repository name (docker/Docker) must be lowercase', at: `${' '.repeat(17)}^^^^^^` },
  { input: 'docker.io/docker///docker', error: 'invalid reference format', at: `${' '.repeat(17)}^^` },
  { input: '[fc00::1]', error: 'invalid reference format', at: '^' },
  { input: '[fc00::1]:5000', error: 'invalid reference format', at: '^' },
  { input: 'fc00::1:5000/debian', error: 'invalid reference format', at: '     ^' },
  { input: '[fe80::1%eth0]:5000/debian', error: 'invalid reference format', at: '        ^^^^^' },
  { input: '[2001:db8:3:4::192.0.2.33]:5000/debian', error: 'invalid reference format', at: '               ^^^^^^^^^^' },
  { input: '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', error: 'invalid repository name (1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a), cannot specify 64-byte hexadecimal strings', at: `${'^'.repeat(64)}` },
  { input: 'docker-rules/docker', domain: 'docker.io', path: 'docker-rules/docker', tag: null, digest: null, familiar: 'docker-rules/docker', canonical: 'docker.io/docker-rules/docker:latest' },
  { input: 'docker---rules/docker', domain: 'docker.io', path: 'docker---rules/docker', tag: null, digest: null, familiar: 'docker---rules/docker', canonical: 'docker.io/docker---rules/docker:latest' },
  { input: 'doc/docker', domain: 'docker.io', path: 'doc/docker', tag: null, digest: null, familiar: 'doc/docker', canonical: 'docker.io/doc/docker:latest' },
  { input: 'd/docker', domain: 'docker.io', path: 'd/docker', tag: null, digest: null, familiar: 'd/docker', canonical: 'docker.io/d/docker:latest' },
  { input: 'jess/t', domain: 'docker.io', path: 'jess/t', tag: null, digest: null, familiar: 'jess/t', canonical: 'docker.io/jess/t:latest' },
  { input: 'dock__er/docker', domain: 'docker.io', path: 'dock__er/docker', tag: null, digest: null, familiar: 'dock__er/docker', canonical: 'docker.io/dock__er/docker:latest' },
  { input: 'docker-/docker', error: 'invalid reference format', at: '      ^' },
  { input: '-docker-/docker', error: 'invalid reference format', at: '^' },
  { input: '____/____', error: 'invalid reference format', at: '^^^^' },
  { input: '_docker/_docker', error: 'invalid reference format', at: '^' },
  { input: 'dock..er/docker', error: 'invalid reference format', at: '     ^' },
  { input: 'dock_.er/docker', error: 'invalid reference format', at: '    ^^' },
  { input: 'dock-.er/docker', error: 'invalid reference format', at: '    ^' },
  { input: 'docker/', error: 'invalid reference format', at: '      ^' },
  { input: 'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker', error: 'repository name must not be more than 255 characters', at: [0, 278] },
  { input: 'fooo/bar', domain: 'docker.io', path: 'fooo/bar', tag: null, digest: null, familiar: 'fooo/bar', canonical: 'docker.io/fooo/bar:latest' },
  { input: 'index.docker.io/fooo/bar', domain: 'docker.io', path: 'fooo/bar', tag: null, digest: null, familiar: 'fooo/bar', canonical: 'docker.io/fooo/bar:latest' },
  { input: 'library/ubuntu', domain: 'docker.io', path: 'library/ubuntu', tag: null, digest: null, familiar: 'ubuntu', canonical: 'docker.io/library/ubuntu:latest' },
  { input: 'nonlibrary/ubuntu', domain: 'docker.io', path: 'nonlibrary/ubuntu', tag: null, digest: null, familiar: 'nonlibrary/ubuntu', canonical: 'docker.io/nonlibrary/ubuntu:latest' },
  { input: 'other/library', domain: 'docker.io', path: 'other/library', tag: null, digest: null, familiar: 'other/library', canonical: 'docker.io/other/library:latest' },
  { input: '127.0.0.1:8000/private/moonbase', domain: '127.0.0.1:8000', path: 'private/moonbase', tag: null, digest: null, familiar: '127.0.0.1:8000/private/moonbase', canonical: '127.0.0.1:8000/private/moonbase:latest' },
  { input: '127.0.0.1:8000/privatebase', domain: '127.0.0.1:8000', path: 'privatebase', tag: null, digest: null, familiar: '127.0.0.1:8000/privatebase', canonical: '127.0.0.1:8000/privatebase:latest' },
  { input: 'example.com/private/moonbase', domain: 'example.com', path: 'private/moonbase', tag: null, digest: null, familiar: 'example.com/private/moonbase', canonical: 'example.com/private/moonbase:latest' },
  { input: 'example.com/privatebase', domain: 'example.com', path: 'privatebase', tag: null, digest: null, familiar: 'example.com/privatebase', canonical: 'example.com/privatebase:latest' },
  { input: 'example.com:8000/private/moonbase', domain: 'example.com:8000', path: 'private/moonbase', tag: null, digest: null, familiar: 'example.com:8000/private/moonbase', canonical: 'example.com:8000/private/moonbase:latest' },
  { input: 'example.com:8000/privatebasee', domain: 'example.com:8000', path: 'privatebasee', tag: null, digest: null, familiar: 'example.com:8000/privatebasee', canonical: 'example.com:8000/privatebasee:latest' },
  { input: 'ubuntu-12.04-base', domain: 'docker.io', path: 'library/ubuntu-12.04-base', tag: null, digest: null, familiar: 'ubuntu-12.04-base', canonical: 'docker.io/library/ubuntu-12.04-base:latest' },
  { input: 'index.docker.io/library/ubuntu-12.04-base', domain: 'docker.io', path: 'library/ubuntu-12.04-base', tag: null, digest: null, familiar: 'ubuntu-12.04-base', canonical: 'docker.io/library/ubuntu-12.04-base:latest' },
  { input: 'docker.io/foo', domain: 'docker.io', path: 'library/foo', tag: null, digest: null, familiar: 'foo', canonical: 'docker.io/library/foo:latest' },
  { input: 'store/foo/bar', domain: 'docker.io', path: 'store/foo/bar', tag: null, digest: null, familiar: 'store/foo/bar', canonical: 'docker.io/store/foo/bar:latest' },
  { input: 'FOO/bar', domain: 'FOO', path: 'bar', tag: null, digest: null, familiar: 'FOO/bar', canonical: 'FOO/bar:latest' },
  { input: 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa', domain: 'docker.io', path: 'library/busybox', tag: 'latest', digest: 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa', familiar: 'busybox', canonical: 'docker.io/library/busybox@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa' },
  { input: 'redis', domain: 'docker.io', path: 'library/redis', tag: null, digest: null, familiar: 'redis', canonical: 'docker.io/library/redis:latest' },
  { input: 'redis:latest', domain: 'docker.io', path: 'library/redis', tag: 'latest', digest: null, familiar: 'redis', canonical: 'docker.io/library/redis:latest' },
  { input: 'docker.io/library/redis:latest', domain: 'docker.io', path: 'library/redis', tag: 'latest', digest: null, familiar: 'redis', canonical: 'docker.io/library/redis:latest' },
  { input: 'redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', domain: 'docker.io', path: 'library/redis', tag: null, digest: 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', familiar: 'redis', canonical: 'docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c' },
  { input: 'docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', domain: 'docker.io', path: 'library/redis', tag: null, digest: 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', familiar: 'redis', canonical: 'docker.io/library/redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c' },
  { input: 'dmcgowan/myapp', domain: 'docker.io', path: 'dmcgowan/myapp', tag: null, digest: null, familiar: 'dmcgowan/myapp', canonical: 'docker.io/dmcgowan/myapp:latest' },
  { input: 'dmcgowan/myapp:latest', domain: 'docker.io', path: 'dmcgowan/myapp', tag: 'latest', digest: null, familiar: 'dmcgowan/myapp', canonical: 'docker.io/dmcgowan/myapp:latest' },
  { input: 'dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', domain: 'docker.io', path: 'dmcgowan/myapp', tag: null, digest: 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', familiar: 'dmcgowan/myapp', canonical: 'docker.io/dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c' },
  { input: 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', error: 'invalid repository name (dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c), cannot specify 64-byte hexadecimal strings', at: `${'^'.repeat(64)}` },
  { input: 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', domain: 'docker.io', path: 'library/sha256', tag: 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', digest: null, familiar: 'sha256', canonical: 'docker.io/library/sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c' },
  { input: 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', domain: 'docker.io', path: 'library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', tag: null, digest: null, familiar: 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9', canonical: 'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest' },
  { input: 'dbcc1', domain: 'docker.io', path: 'library/dbcc1', tag: null, digest: null, familiar: 'dbcc1', canonical: 'docker.io/library/dbcc1:latest' },
  { input: 'test.com/foo', domain: 'test.com', path: 'foo', tag: null, digest: null, familiar: 'test.com/foo', canonical: 'test.com/foo:latest' },
  { input: 'test.com:8080/foo', domain: 'test.com:8080', path: 'foo', tag: null, digest: null, familiar: 'test.com:8080/foo', canonical: 'test.com:8080/foo:latest' },
  { input: 'test-com:8080/foo', domain: 'test-com:8080', path: 'foo', tag: null, digest: null, familiar: 'test-com:8080/foo', canonical: 'test-com:8080/foo:latest' },
  { input: 'foo', domain: 'docker.io', path: 'library/foo', tag: null, digest: null, familiar: 'foo', canonical: 'docker.io/library/foo:latest' },
  { input: 'xn--n3h.com/foo', domain: 'xn--n3h.com', path: 'foo', tag: null, digest: null, familiar: 'xn--n3h.com/foo', canonical: 'xn--n3h.com/foo:latest' },
  { input: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080', path: 'foo', tag: null, digest: null, familiar: 'xn--n3h.com:18080/foo', canonical: 'xn--n3h.com:18080/foo:latest' },
  { input: 'docker.io/library/foo', domain: 'docker.io', path: 'library/foo', tag: null, digest: null, familiar: 'foo', canonical: 'docker.io/library/foo:latest' },
  { input: 'test_com', domain: 'docker.io', path: 'library/test_com', tag: null, digest: null, familiar: 'test_com', canonical: 'docker.io/library/test_com:latest' },
  { input: 'test.com:tag', domain: 'docker.io', path: 'library/test.com', tag: 'tag', digest: null, familiar: 'test.com', canonical: 'docker.io/library/test.com:tag' },
  { input: 'test.com:5000', domain: 'docker.io', path: 'library/test.com', tag: '5000', digest: null, familiar: 'test.com', canonical: 'docker.io/library/test.com:5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', path: 'repo', tag: 'tag', digest: null, familiar: 'test.com/repo', canonical: 'test.com/repo:tag' },
  { input: 'test:5000/repo', domain: 'test:5000', path: 'repo', tag: null, digest: null, familiar: 'test:5000/repo', canonical: 'test:5000/repo:latest' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', path: 'repo', tag: 'tag', digest: null, familiar: 'test:5000/repo', canonical: 'test:5000/repo:tag' },
  { input: `test:5000/repo@sha256:${'f'.repeat(64)}`, domain: 'test:5000', path: 'repo', tag: null, digest: `sha256:${'f'.repeat(64)}`, familiar: 'test:5000/repo', canonical: `test:5000/repo@sha256:${'f'.repeat(64)}` },
  { input: `test:5000/repo:tag@sha256:${'f'.repeat(64)}`, domain: 'test:5000', path: 'repo', tag: 'tag', digest: `sha256:${'f'.repeat(64)}`, familiar: 'test:5000/repo', canonical: `test:5000/repo@sha256:${'f'.repeat(64)}` },
  { input: '', error: 'invalid reference format', at: '^' },
  { input: ':justtag', error: 'invalid reference format', at: '^' },
  { input: `@sha256:${'f'.repeat(64)}`, error: 'invalid reference format', at: [0, 1] },
  { input: `repo@sha256:${'f'.repeat(34)}`, error: 'invalid checksum digest length', at: `            ${'^'.repeat(34)}` },
  { input: `validname@invaliddigest:${'f'.repeat(64)}`, error: 'unsupported digest algorithm', at: [10, 23] },
  { input: 'Uppercase:tag', error: 'invalid reference format: repository name (library/Uppercase) must be lowercase', at: '^^^^^^^^^' },
  { input: 'Uppercase/lowercase:tag', domain: 'Uppercase', path: 'lowercase', tag: 'tag', digest: null, familiar: 'Uppercase/lowercase', canonical: 'Uppercase/lowercase:tag' },
  { input: 'test:5000/Uppercase/lowercase:tag', error: 'invalid reference format: repository name (Uppercase/lowercase) must be lowercase', at: '          ^^^^^^^^^' },
  { input: 'lowercase:Uppercase', domain: 'docker.io', path: 'library/lowercase', tag: 'Uppercase', digest: null, familiar: 'lowercase', canonical: 'docker.io/library/lowercase:Uppercase' },
  { input: `${'a/'.repeat(128)}a:tag`, error: 'repository name must not be more than 255 characters', at: [0, 257] },
  { input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`, domain: 'docker.io', path: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max', digest: null, familiar: `${'a/'.repeat(127)}a`, canonical: `docker.io${'/a'.repeat(128)}:tag-puts-this-over-max` },
  { input: 'aa/asdf$$^/aa', error: 'invalid reference format', at: '       ^^^' },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: null, digest: null, familiar: 'sub-dom1.foo.com/bar/baz/quux', canonical: 'sub-dom1.foo.com/bar/baz/quux:latest' },
  { input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag', domain: 'sub-dom1.foo.com', path: 'bar/baz/quux', tag: 'some-long-tag', digest: null, familiar: 'sub-dom1.foo.com/bar/baz/quux', canonical: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag' },
  { input: 'b.gcr.io/test.example.com/my-app:test.example.com', domain: 'b.gcr.io', path: 'test.example.com/my-app', tag: 'test.example.com', digest: null, familiar: 'b.gcr.io/test.example.com/my-app', canonical: 'b.gcr.io/test.example.com/my-app:test.example.com' },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', path: 'myimage', tag: 'xn--n3h.com', digest: null, familiar: 'xn--n3h.com/myimage', canonical: 'xn--n3h.com/myimage:xn--n3h.com' },
  { input: `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${'f'.repeat(128)}`, domain: 'xn--7o8h.com', path: 'myimage', tag: 'xn--7o8h.com', digest: `sha512:${'f'.repeat(128)}`, familiar: 'xn--7o8h.com/myimage', canonical: `xn--7o8h.com/myimage@sha512:${'f'.repeat(128)}` },
  { input: 'foo_bar.com:8080', domain: 'docker.io', path: 'library/foo_bar.com', tag: '8080', digest: null, familiar: 'foo_bar.com', canonical: 'docker.io/library/foo_bar.com:8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'docker.io', path: 'foo/foo_bar.com', tag: '8080', digest: null, familiar: 'foo/foo_bar.com', canonical: 'docker.io/foo/foo_bar.com:8080' },
  { input: '192.168.1.1', domain: 'docker.io', path: 'library/192.168.1.1', tag: null, digest: null, familiar: '192.168.1.1', canonical: 'docker.io/library/192.168.1.1:latest' },
  { input: '192.168.1.1:tag', domain: 'docker.io', path: 'library/192.168.1.1', tag: 'tag', digest: null, familiar: '192.168.1.1', canonical: 'docker.io/library/192.168.1.1:tag' },
  { input: '192.168.1.1:5000', domain: 'docker.io', path: 'library/192.168.1.1', tag: '5000', digest: null, familiar: '192.168.1.1', canonical: 'docker.io/library/192.168.1.1:5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', path: 'repo', tag: null, digest: null, familiar: '192.168.1.1/repo', canonical: '192.168.1.1/repo:latest' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', path: 'repo', tag: null, digest: null, familiar: '192.168.1.1:5000/repo', canonical: '192.168.1.1:5000/repo:latest' },
  { input: '[2001:db8::1]', error: 'invalid reference format', at: '^' },
  { input: '[2001:db8::1]:5000', error: 'invalid reference format', at: '^' },
  { input: '[2001:db8::1]:tag', error: 'invalid reference format', at: '^' },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', path: 'repo', tag: null, digest: null, familiar: '[2001:db8::1]/repo', canonical: '[2001:db8::1]/repo:latest' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', path: 'repo', tag: 'tag', digest: null, familiar: '[2001:db8:1:2:3:4:5:6]/repo', canonical: '[2001:db8:1:2:3:4:5:6]/repo:tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', path: 'repo', tag: null, digest: null, familiar: '[2001:db8::1]:5000/repo', canonical: '[2001:db8::1]:5000/repo:latest' },
  { input: `[2001:db8::1]:5000/repo@sha256:${'f'.repeat(64)}`, domain: '[2001:db8::1]:5000', path: 'repo', tag: null, digest: `sha256:${'f'.repeat(64)}`, familiar: '[2001:db8::1]:5000/repo', canonical: `[2001:db8::1]:5000/repo@sha256:${'f'.repeat(64)}` },
  { input: `[2001:db8::1]:5000/repo:tag@sha256:${'f'.repeat(64)}`, domain: '[2001:db8::1]:5000', path: 'repo', tag: 'tag', digest: `sha256:${'f'.repeat(64)}`, familiar: '[2001:db8::1]:5000/repo', canonical: `[2001:db8::1]:5000/repo@sha256:${'f'.repeat(64)}` },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', path: 'repo', tag: null, digest: null, familiar: '[2001:db8::]:5000/repo', canonical: '[2001:db8::]:5000/repo:latest' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', path: 'repo', tag: null, digest: null, familiar: '[::1]:5000/repo', canonical: '[::1]:5000/repo:latest' },
  { input: '[fe80::1%@invalidzone]:5000/repo', error: 'invalid reference format', at: '         ^' },
  { input: `nginx@sha384:${'a'.repeat(96)}`, domain: 'docker.io', path: 'library/nginx', tag: null, digest: `sha384:${'a'.repeat(96)}`, familiar: 'nginx', canonical: `docker.io/library/nginx@sha384:${'a'.repeat(96)}` },
  { input: `nginx@sha512:${'a'.repeat(64)}`, error: 'invalid checksum digest length', at: [13, 77] },
  { input: `nginx@sha256:${'A'.repeat(64)}`, error: 'invalid checksum digest format', at: [13, 77] },
  { input: `nginx@sha256:${'a'.repeat(32)}`, error: 'invalid checksum digest length', at: `             ${'^'.repeat(32)}` },
  { input: `nginx@sha256:${'a'.repeat(31)}`, error: 'invalid reference format', at: `             ${'^'.repeat(31)}` },
  { input: `nginx@sha256:${'a'.repeat(65)}`, error: 'invalid checksum digest length', at: [13, 78] },
  { input: `nginx@SHA256:${'a'.repeat(64)}`, error: 'invalid reference format: repository name (library/nginx@SHA256) must be lowercase', at: [6, 12] },
  { input: `nginx@md5:${'a'.repeat(32)}`, error: 'unsupported digest algorithm', at: '      ^^^' },
  { input: `nginx@sha256+b64:${'a'.repeat(64)}`, error: 'unsupported digest algorithm', at: [6, 16] },
  { input: `nginx@sha3-256:${'a'.repeat(64)}`, error: 'invalid reference format', at: [11, 12] },
  { input: `nginx@sha256:${'g'.repeat(64)}`, error: 'invalid reference format', at: [13, 77] },
  { input: 'nginx@', error: 'invalid reference format', at: '     ^' },
  { input: 'nginx@sha256', error: 'invalid reference format', at: '      ^^^^^^' },
  { input: 'nginx@sha256:', error: 'invalid reference format', at: '            ^' },
  { input: `nginx:1.25@sha256:${'0'.repeat(64)}`, domain: 'docker.io', path: 'library/nginx', tag: '1.25', digest: `sha256:${'0'.repeat(64)}`, familiar: 'nginx', canonical: `docker.io/library/nginx@sha256:${'0'.repeat(64)}` },
  { input: `ghcr.io/acme/app:v1@sha256:${'0'.repeat(64)}`, domain: 'ghcr.io', path: 'acme/app', tag: 'v1', digest: `sha256:${'0'.repeat(64)}`, familiar: 'ghcr.io/acme/app', canonical: `ghcr.io/acme/app@sha256:${'0'.repeat(64)}` },
  { input: `nginx@sha256:${'0'.repeat(64)}@sha256:${'0'.repeat(64)}`, error: 'invalid reference format', at: [77, 149] },
  { input: `ghcr.io/Acme/app@sha256:${'0'.repeat(64)}`, error: 'invalid reference format: repository name (Acme/app@sha256) must be lowercase', at: [8, 12] },
  { input: `ghcr.io/acme/app@SHA256:${'0'.repeat(64)}`, error: 'invalid reference format: repository name (acme/app@SHA256) must be lowercase', at: [17, 23] },
  { input: 'nginx:', error: 'invalid reference format', at: '     ^' },
  { input: 'nginx:-1', error: 'invalid reference format', at: '      ^' },
  { input: 'nginx:.1', error: 'invalid reference format', at: '      ^' },
  { input: 'nginx:_1', domain: 'docker.io', path: 'library/nginx', tag: '_1', digest: null, familiar: 'nginx', canonical: 'docker.io/library/nginx:_1' },
  { input: 'nginx:V1.2.3-RC_1', domain: 'docker.io', path: 'library/nginx', tag: 'V1.2.3-RC_1', digest: null, familiar: 'nginx', canonical: 'docker.io/library/nginx:V1.2.3-RC_1' },
  { input: `nginx:${'a'.repeat(128)}`, domain: 'docker.io', path: 'library/nginx', tag: `${'a'.repeat(128)}`, digest: null, familiar: 'nginx', canonical: `docker.io/library/nginx:${'a'.repeat(128)}` },
  { input: `nginx:${'a'.repeat(129)}`, error: 'invalid reference format', at: [6, 135] },
  { input: 'nginx:1:2', error: 'invalid reference format', at: '     ^' },
  { input: 'nginx:ta$g', error: 'invalid reference format', at: '        ^' },
  { input: 'ghcr.io/acme/app:1.0', domain: 'ghcr.io', path: 'acme/app', tag: '1.0', digest: null, familiar: 'ghcr.io/acme/app', canonical: 'ghcr.io/acme/app:1.0' },
  { input: 'localhost:5000/app:1.0', domain: 'localhost:5000', path: 'app', tag: '1.0', digest: null, familiar: 'localhost:5000/app', canonical: 'localhost:5000/app:1.0' },
  { input: 'localhost/app:1', domain: 'localhost', path: 'app', tag: '1', digest: null, familiar: 'localhost/app', canonical: 'localhost/app:1' },
  { input: 'LOCALHOST/app', domain: 'LOCALHOST', path: 'app', tag: null, digest: null, familiar: 'LOCALHOST/app', canonical: 'LOCALHOST/app:latest' },
  { input: 'ghcr.io/acme/app', domain: 'ghcr.io', path: 'acme/app', tag: null, digest: null, familiar: 'ghcr.io/acme/app', canonical: 'ghcr.io/acme/app:latest' },
  { input: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:2.1', domain: '123456789012.dkr.ecr.us-east-1.amazonaws.com', path: 'team/app', tag: '2.1', digest: null, familiar: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app', canonical: '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:2.1' },
  { input: 'us-docker.pkg.dev/proj/repo/img:tag', domain: 'us-docker.pkg.dev', path: 'proj/repo/img', tag: 'tag', digest: null, familiar: 'us-docker.pkg.dev/proj/repo/img', canonical: 'us-docker.pkg.dev/proj/repo/img:tag' },
  { input: 'quay.io/org/repo', domain: 'quay.io', path: 'org/repo', tag: null, digest: null, familiar: 'quay.io/org/repo', canonical: 'quay.io/org/repo:latest' },
  { input: 'registry.replicated.com/my-app/api:1.0', domain: 'registry.replicated.com', path: 'my-app/api', tag: '1.0', digest: null, familiar: 'registry.replicated.com/my-app/api', canonical: 'registry.replicated.com/my-app/api:1.0' },
  { input: 'proxy.replicated.com/proxy/my-app/ghcr.io/acme/api:1.0', domain: 'proxy.replicated.com', path: 'proxy/my-app/ghcr.io/acme/api', tag: '1.0', digest: null, familiar: 'proxy.replicated.com/proxy/my-app/ghcr.io/acme/api', canonical: 'proxy.replicated.com/proxy/my-app/ghcr.io/acme/api:1.0' },
  { input: 'proxy.replicated.com/proxy/my-app/nginx:1', domain: 'proxy.replicated.com', path: 'proxy/my-app/nginx', tag: '1', digest: null, familiar: 'proxy.replicated.com/proxy/my-app/nginx', canonical: 'proxy.replicated.com/proxy/my-app/nginx:1' },
  { input: 'Docker.io/library/nginx', domain: 'Docker.io', path: 'library/nginx', tag: null, digest: null, familiar: 'Docker.io/library/nginx', canonical: 'Docker.io/library/nginx:latest' },
  { input: 'registry-1.docker.io/library/nginx', domain: 'registry-1.docker.io', path: 'library/nginx', tag: null, digest: null, familiar: 'registry-1.docker.io/library/nginx', canonical: 'registry-1.docker.io/library/nginx:latest' },
  { input: 'index.docker.io/nginx:1', domain: 'docker.io', path: 'library/nginx', tag: '1', digest: null, familiar: 'nginx', canonical: 'docker.io/library/nginx:1' },
  { input: 'docker.io/nginx', domain: 'docker.io', path: 'library/nginx', tag: null, digest: null, familiar: 'nginx', canonical: 'docker.io/library/nginx:latest' },
  { input: 'docker.io:443/nginx', domain: 'docker.io:443', path: 'nginx', tag: null, digest: null, familiar: 'docker.io:443/nginx', canonical: 'docker.io:443/nginx:latest' },
  { input: 'host:/app', error: 'invalid reference format', at: '    ^' },
  { input: 'host:abc/app', error: 'invalid reference format', at: '     ^^^' },
  { input: 'host:5000:6000/app', error: 'invalid reference format', at: '         ^' },
  { input: '-bad.com/app', error: 'invalid reference format', at: '^' },
  { input: 'bad-.com/app', error: 'invalid reference format', at: '   ^' },
  { input: 'a..b/app', error: 'invalid reference format', at: '  ^' },
  { input: '.a/app', error: 'invalid reference format', at: '^' },
  { input: 'a./app', error: 'invalid reference format', at: ' ^' },
  { input: 'foo_bar.com/baz', domain: '', path: 'foo_bar.com/baz', tag: null, digest: null, familiar: 'foo_bar.com/baz', canonical: 'foo_bar.com/baz:latest' },
  { input: 'Foo_bar/baz', error: 'repository name must be lowercase', at: '^^^^^^^' },
  { input: 'my_registry.local:5000/app', error: 'invalid reference format', at: '  ^' },
  { input: '[]/app', error: 'invalid reference format', at: '^^' },
  { input: '[::1/app', error: 'invalid reference format', at: '^^^^' },
  { input: '[::1]x/app', error: 'invalid reference format', at: '     ^' },
  { input: 'a@b.com/app', error: 'invalid reference format', at: ' ^' },
  { input: 'HOST.COM/app', domain: 'HOST.COM', path: 'app', tag: null, digest: null, familiar: 'HOST.COM/app', canonical: 'HOST.COM/app:latest' },
  { input: 'Host.com:5000/App', error: 'invalid reference format: repository name (App) must be lowercase', at: '              ^^^' },
  { input: ' nginx', error: 'invalid reference format', at: '^' },
  { input: 'nginx ', error: 'invalid reference format', at: '     ^' },
  { input: 'ngi nx', error: 'invalid reference format', at: '   ^' },
  { input: 'nginx\t', error: 'invalid reference format', at: [5, 6] },
  { input: 'café/app', error: 'invalid reference format', at: '   ^' },
  { input: '/nginx', error: 'invalid reference format', at: '^' },
  { input: 'nginx/', error: 'invalid reference format', at: '     ^' },
  { input: 'a//b', error: 'invalid reference format', at: '  ^' },
  { input: 'a/b/', error: 'invalid reference format', at: '   ^' },
  { input: 'a__b', domain: 'docker.io', path: 'library/a__b', tag: null, digest: null, familiar: 'a__b', canonical: 'docker.io/library/a__b:latest' },
  { input: 'a___b', error: 'invalid reference format', at: ' ^^^' },
  { input: 'a_.b', error: 'invalid reference format', at: ' ^^' },
  { input: 'a-b--c---d', domain: 'docker.io', path: 'library/a-b--c---d', tag: null, digest: null, familiar: 'a-b--c---d', canonical: 'docker.io/library/a-b--c---d:latest' },
  { input: 'a.b.c', domain: 'docker.io', path: 'library/a.b.c', tag: null, digest: null, familiar: 'a.b.c', canonical: 'docker.io/library/a.b.c:latest' },
  { input: '0', domain: 'docker.io', path: 'library/0', tag: null, digest: null, familiar: '0', canonical: 'docker.io/library/0:latest' },
  { input: 'a', domain: 'docker.io', path: 'library/a', tag: null, digest: null, familiar: 'a', canonical: 'docker.io/library/a:latest' },
  { input: 'a:b', domain: 'docker.io', path: 'library/a', tag: 'b', digest: null, familiar: 'a', canonical: 'docker.io/library/a:b' },
  { input: `a:b@sha256:${'1'.repeat(64)}`, domain: 'docker.io', path: 'library/a', tag: 'b', digest: `sha256:${'1'.repeat(64)}`, familiar: 'a', canonical: `docker.io/library/a@sha256:${'1'.repeat(64)}` },
  { input: '{{ .Values.image }}', error: 'invalid reference format: repository name (library/{{ .Values.image }}) must be lowercase', at: `${'^'.repeat(19)}` },
  { input: 'repl{{ ConfigOption "image" }}', error: 'invalid reference format: repository name (library/repl{{ ConfigOption "image" }}) must be lowercase', at: `${'^'.repeat(30)}` },
  { input: `${'x'.repeat(247)}`, domain: 'docker.io', path: `library/${'x'.repeat(247)}`, tag: null, digest: null, familiar: `${'x'.repeat(247)}`, canonical: `docker.io/library/${'x'.repeat(247)}:latest` },
  { input: `${'x'.repeat(248)}`, error: 'repository name must not be more than 255 characters', at: [0, 248] },
  { input: `ghcr.io/${'x'.repeat(255)}`, domain: 'ghcr.io', path: `${'x'.repeat(255)}`, tag: null, digest: null, familiar: `ghcr.io/${'x'.repeat(255)}`, canonical: `ghcr.io/${'x'.repeat(255)}:latest` },
  { input: `ghcr.io/${'x'.repeat(256)}`, error: 'repository name must not be more than 255 characters', at: [8, 264] },
  { input: `docker.io/library/${'x'.repeat(247)}`, domain: 'docker.io', path: `library/${'x'.repeat(247)}`, tag: null, digest: null, familiar: `${'x'.repeat(247)}`, canonical: `docker.io/library/${'x'.repeat(247)}:latest` },
];

function isInvalidCase(c: Case): c is InvalidCase {
  return 'error' in c;
}

/** Turns a caret marker (`'   ^^^'`) into the span it marks. */
function spanFromCarets(carets: string): TextSpan {
  const start = carets.indexOf('^');
  assert.ok(start >= 0, `caret marker without a caret: "${carets}"`);
  const end = carets.lastIndexOf('^') + 1;
  return { start, end };
}

function expectedSpan(c: InvalidCase): TextSpan {
  if (Array.isArray(c.at)) return { start: c.at[0], end: c.at[1] };
  const marked = spanFromCarets(c.at);
  // An empty span (e.g. the empty reference) is drawn as one caret.
  return c.input.length === 0 ? { start: 0, end: 0 } : marked;
}

function parseValid(input: string): ImageReference {
  const result = parseImageReference(input);
  if (!result.ok) assert.fail(`expected "${input}" to be valid, got: ${result.error.message}`);
  return result.reference;
}

function slice(input: string, span: TextSpan | undefined): string | undefined {
  return span ? input.slice(span.start, span.end) : undefined;
}

void describe('parseImageReference: the table', () => {
  void test('is broad: well over 120 cases, both valid and invalid', () => {
    assert.ok(CASES.length >= 120, `${CASES.length} cases`);
    assert.ok(CASES.filter(isInvalidCase).length >= 40);
    assert.ok(CASES.filter((c) => !isInvalidCase(c)).length >= 40);
    assert.equal(new Set(CASES.map((c) => c.input)).size, CASES.length, 'no duplicate inputs');
  });

  for (const c of CASES) {
    if (isInvalidCase(c)) {
      void test(`invalid: ${JSON.stringify(c.input).slice(0, 90)}`, () => {
        const result = parseImageReference(c.input);
        assert.equal(result.ok, false, 'should be rejected');
        if (result.ok) return;
        assert.equal(result.error.message, c.error);
        assert.deepEqual(result.error.span, expectedSpan(c));
        assert.ok(result.error.kind, 'every error says which rule it broke');
        assert.ok(result.error.hint && result.error.hint.length > 10, 'every error says what to do next');
      });
    } else {
      void test(`valid: ${JSON.stringify(c.input).slice(0, 90)}`, () => {
        const ref = parseValid(c.input);
        const { domain, path, tag, digest, familiar, canonical } = ref;
        assert.deepEqual({ input: ref.input, domain, path, tag, digest, familiar, canonical }, c);
      });
    }
  }
});

void describe('parseImageReference: spans of valid references', () => {
  for (const c of CASES) {
    if (isInvalidCase(c)) continue;
    void test(`parts sit where the spans say: ${JSON.stringify(c.input).slice(0, 80)}`, () => {
      const ref = parseValid(c.input);
      assert.equal(slice(c.input, ref.spans.tag), ref.tag ?? undefined);
      assert.equal(slice(c.input, ref.spans.digest), ref.digest ?? undefined);
      const writtenPath = slice(c.input, ref.spans.path) ?? '';
      assert.ok(ref.path === writtenPath || ref.path === OFFICIAL_REPO_PREFIX + writtenPath, `path span "${writtenPath}" vs path "${ref.path}"`);
      assert.equal(ref.explicitDomain, ref.spans.domain !== undefined);
      if (ref.spans.domain) {
        const writtenDomain = slice(c.input, ref.spans.domain);
        assert.ok(writtenDomain === ref.domain || (writtenDomain === 'index.docker.io' && ref.domain === DEFAULT_DOMAIN));
      }
    });
  }

  const marked: Array<[string, { domain?: string; path: string; tag?: string; digest?: string }]> = [
    ['nginx', { path: '^^^^^' }],
    ['nginx:1.27', { path: '^^^^^', tag: '      ^^^^' }],
    ['ghcr.io/acme/app:1.0', { domain: '^^^^^^^', path: '        ^^^^^^^^', tag: '                 ^^^' }],
    ['localhost:5000/app@sha256:0000000000000000000000000000000000000000000000000000000000000000', {
      domain: '^^^^^^^^^^^^^^',
      path: '               ^^^',
      digest: `${' '.repeat(19)}${'^'.repeat('sha256:'.length + 64)}`,
    }],
    ['[::1]:5000/a/b:t', { domain: '^^^^^^^^^^', path: '           ^^^', tag: '               ^' }],
    ['index.docker.io/nginx', { domain: '^^^^^^^^^^^^^^^', path: '                ^^^^^' }],
  ];
  for (const [input, carets] of marked) {
    void test(`caret-marked spans: ${input}`, () => {
      const ref = parseValid(input);
      assert.deepEqual(ref.spans.path, spanFromCarets(carets.path));
      assert.deepEqual(ref.spans.domain, carets.domain === undefined ? undefined : spanFromCarets(carets.domain));
      assert.deepEqual(ref.spans.tag, carets.tag === undefined ? undefined : spanFromCarets(carets.tag));
      assert.deepEqual(ref.spans.digest, carets.digest === undefined ? undefined : spanFromCarets(carets.digest));
    });
  }
});

void describe('parseImageReference: rules, one by one', () => {
  void test('no "/" means Docker Hub, so "localhost:5000" is the image localhost with tag 5000', () => {
    const ref = parseValid('localhost:5000');
    assert.deepEqual([ref.domain, ref.path, ref.tag, ref.explicitDomain], ['docker.io', 'library/localhost', '5000', false]);
  });

  void test('the first component is a host only when it is localhost, has "." or ":", or has uppercase', () => {
    assert.equal(parseValid('localhost/foo').domain, 'localhost');
    assert.equal(parseValid('a.b/foo').domain, 'a.b');
    assert.equal(parseValid('a:1/foo').domain, 'a:1');
    assert.equal(parseValid('A/foo').domain, 'A');
    assert.equal(parseValid('a/foo').domain, 'docker.io');
    assert.equal(parseValid('a/foo').path, 'a/foo');
  });

  void test('index.docker.io is folded into docker.io; registry-1.docker.io is not an alias', () => {
    assert.equal(parseValid('index.docker.io/nginx').canonical, 'docker.io/library/nginx:latest');
    assert.equal(parseValid('registry-1.docker.io/library/nginx').domain, 'registry-1.docker.io');
    assert.equal(parseValid('registry-1.docker.io/nginx').path, 'nginx');
  });

  void test('library/ is added only to one-component Docker Hub names, and dropped from the familiar name only then', () => {
    assert.equal(parseValid('docker.io/foo').path, 'library/foo');
    assert.equal(parseValid('docker.io/foo/bar').path, 'foo/bar');
    assert.equal(parseValid('ghcr.io/foo').path, 'foo');
    assert.equal(parseValid('docker.io/library/foo/bar').familiar, 'library/foo/bar');
    assert.equal(parseValid('docker.io/library/foo').familiar, 'foo');
  });

  void test('tag and digest: the digest wins in the canonical form, both are reported', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const ref = parseValid(`nginx:1.27@${digest}`);
    assert.equal(ref.tag, '1.27');
    assert.equal(ref.digest, digest);
    assert.equal(ref.canonical, `docker.io/library/nginx@${digest}`);
    assert.equal(parseValid('nginx').canonical, 'docker.io/library/nginx:latest');
    assert.equal(parseValid('nginx').tag, null);
  });

  void test('the host may be uppercase, the tag may be uppercase, the path may not', () => {
    assert.equal(parseValid('Registry.Example.com/app:V1').domain, 'Registry.Example.com');
    assert.equal(parseValid('app:V1').tag, 'V1');
    const result = parseImageReference('registry.example.com/App:v1');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.message, ReferenceErrorMessage.pathMustBeLowercase('App'));
      assert.equal(result.error.message, 'invalid reference format: repository name (App) must be lowercase');
      assert.equal(result.error.kind, 'uppercase-path');
    }
  });

  void test('the 255 limit counts the normalized path (with an implicit library/), not the host', () => {
    assert.equal(parseValid(`${'h'.repeat(200)}.example.com/${'p'.repeat(255)}`).path.length, 255);
    assert.equal(parseValid('x'.repeat(247)).path.length, 255);
    const tooLong = parseImageReference('x'.repeat(248));
    assert.equal(tooLong.ok ? undefined : tooLong.error.kind, 'name-too-long');
  });

  void test('digest lengths per algorithm: sha256 64, sha384 96, sha512 128', () => {
    for (const [algorithm, length] of [['sha256', 64], ['sha384', 96], ['sha512', 128]] as const) {
      assert.equal(parseValid(`a@${algorithm}:${'e'.repeat(length)}`).digest, `${algorithm}:${'e'.repeat(length)}`);
      for (const wrong of [length - 1, length + 1]) {
        const result = parseImageReference(`a@${algorithm}:${'e'.repeat(wrong)}`);
        assert.equal(result.ok ? 'ok' : result.error.message, ReferenceErrorMessage.digestInvalidLength, `${algorithm} with ${wrong}`);
        if (!result.ok) assert.match(result.error.hint ?? '', new RegExp(`exactly ${length} hex characters; this one has ${wrong}`));
      }
    }
    // Under 32 hex characters the grammar itself refuses it, yet the hint still gives the length.
    const short = parseImageReference('a@sha256:abc');
    assert.deepEqual(short.ok ? null : [short.error.message, short.error.hint], ['invalid reference format', 'a sha256 digest has exactly 64 hex characters; this one has 3']);
  });

  void test('an empty reference is Docker\'s "invalid reference format", with an empty span at 0', () => {
    const result = parseImageReference('');
    assert.deepEqual(result.ok ? null : { message: result.error.message, span: result.error.span }, {
      message: 'invalid reference format',
      span: { start: 0, end: 0 },
    });
  });

  void test('a first component with "." that is not a valid host becomes part of the path (Go gives no domain)', () => {
    const ref = parseValid('foo_bar.com/baz');
    assert.deepEqual([ref.domain, ref.path, ref.explicitDomain, ref.spans.domain], ['', 'foo_bar.com/baz', false, undefined]);
    assert.equal(ref.canonical, 'foo_bar.com/baz:latest');
  });
});

/** A deterministic pseudo-random generator, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

void describe('parseImageReference: properties over generated input', () => {
  const random = prng(20261129);
  const alphabet = 'ab09.-_/:@[]A%Z sha256';
  const samples: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const length = Math.floor(random() * 24);
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
    samples.push(text);
  }

  void test('never throws; every error span lies inside the input', () => {
    for (const input of samples) {
      const result = parseImageReference(input);
      if (result.ok) continue;
      const { start, end } = result.error.span;
      assert.ok(start >= 0 && start <= end && end <= input.length, `span ${start}-${end} for ${JSON.stringify(input)}`);
      assert.ok(end > start || input.length === 0, `empty span for ${JSON.stringify(input)}`);
    }
  });

  void test('normalizing is idempotent: the canonical and familiar forms parse back to the same reference', () => {
    let valid = 0;
    for (const input of samples) {
      const result = parseImageReference(input);
      if (!result.ok || result.reference.domain === '') continue;
      valid++;
      const ref = result.reference;
      const again = parseValid(ref.canonical);
      assert.equal(again.canonical, ref.canonical);
      const familiar = parseValid(ref.familiar);
      assert.deepEqual([familiar.domain, familiar.path], [ref.domain, ref.path], `familiar form of ${JSON.stringify(input)}`);
    }
    assert.ok(valid > 50, `only ${valid} valid samples`);
  });

  void test('stays linear on pathological input (no backtracking)', () => {
    const inputs = ['a-'.repeat(200_000), `${'a.'.repeat(100_000)}/x`, `[${':'.repeat(200_000)}`, `a@${'a-'.repeat(100_000)}`, `a:${'b'.repeat(300_000)}`, '/'.repeat(300_000)];
    const started = performance.now();
    for (const input of inputs) assert.equal(parseImageReference(input).ok, false);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms for ${inputs.length} inputs of ~200k characters`);
  });
});

void describe('proxy references', () => {
  void test('the default proxy domain with a host-less Docker Hub upstream', () => {
    const input = 'proxy.replicated.com/proxy/my-app/nginx:1';
    const proxy = parseProxyReference(parseValid(input), []);
    assert.ok(proxy);
    assert.equal(proxy.proxyDomain, 'proxy.replicated.com');
    assert.equal(proxy.appSlug, 'my-app');
    assert.equal(proxy.upstream.canonical, 'docker.io/library/nginx:1');
    assert.equal(proxy.upstream.input, 'nginx:1');
    assert.equal(slice(input, proxy.upstream.spans.path), 'nginx');
    assert.equal(slice(input, proxy.upstream.spans.tag), '1');
    assert.equal(proxy.upstream.spans.domain, undefined);
  });

  void test('a custom proxy domain with a full upstream, spans mapped into the original input', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const input = `images.acme.example/proxy/acme/ghcr.io/acme/api@${digest}`;
    const proxy = parseProxyReference(parseValid(input), ['https://Images.Acme.Example/']);
    assert.ok(proxy);
    assert.equal(proxy.appSlug, 'acme');
    assert.equal(proxy.upstream.domain, 'ghcr.io');
    assert.equal(proxy.upstream.path, 'acme/api');
    assert.equal(proxy.upstream.digest, digest);
    assert.equal(slice(input, proxy.upstream.spans.domain), 'ghcr.io');
    assert.equal(slice(input, proxy.upstream.spans.path), 'acme/api');
    assert.equal(slice(input, proxy.upstream.spans.digest), digest);
  });

  void test('the default proxy domain is recognized even when custom ones are configured', () => {
    assert.equal(parseProxyReference(parseValid('proxy.replicated.com/proxy/a/b/c:1'), ['images.acme.example'])?.upstream.canonical, 'docker.io/b/c:1');
  });

  void test('not proxy references', () => {
    for (const input of [
      'ghcr.io/proxy/app/nginx', // another host
      'proxy.replicated.com/other/app/nginx', // not under /proxy/
      'proxy.replicated.com/proxy/app', // nothing after the app slug
      'proxy/app/nginx', // Docker Hub namespace "proxy"
      `proxy.replicated.com/proxy/app/${'a'.repeat(64)}`, // upstream not a valid reference on its own
      'images.acme.example/proxy/app/nginx', // custom domain not configured
    ]) {
      assert.equal(parseProxyReference(parseValid(input), []), undefined, input);
    }
  });

  void test('Replicated registry references give the app slug, on the default or a custom registry domain', () => {
    assert.equal(isReplicatedRegistryReference(parseValid('registry.replicated.com/my-app/api:1.0'), []), 'my-app');
    assert.equal(isReplicatedRegistryReference(parseValid('registry.acme.example/my-app/web/ui@sha256:' + '1'.repeat(64)), ['registry.acme.example']), 'my-app');
    assert.equal(isReplicatedRegistryReference(parseValid('registry.replicated.com/api'), []), undefined);
    assert.equal(isReplicatedRegistryReference(parseValid('ghcr.io/my-app/api'), []), undefined);
    assert.equal(isReplicatedRegistryReference(parseValid('registry.acme.example/my-app/api'), []), undefined);
    assert.equal(isReplicatedRegistryDomain('Registry.Replicated.com', []), true);
  });

  void test('toProxyReference keeps the reference as written, tag or digest included', () => {
    assert.equal(toProxyReference(parseValid('nginx:1.27'), 'my-app'), 'proxy.replicated.com/proxy/my-app/nginx:1.27');
    const digest = `sha256:${'2'.repeat(64)}`;
    assert.equal(toProxyReference(parseValid(`ghcr.io/acme/api@${digest}`), 'acme', 'images.acme.example'), `images.acme.example/proxy/acme/ghcr.io/acme/api@${digest}`);
    assert.equal(toProxyReference(parseValid('proxy.replicated.com/proxy/acme/nginx'), 'acme'), 'proxy.replicated.com/proxy/acme/nginx');
    assert.equal(DEFAULT_PROXY_DOMAIN, 'proxy.replicated.com');
  });

  void test('toProxyReference and parseProxyReference round-trip to the same upstream', () => {
    for (const input of ['nginx', 'acme/app:2', 'ghcr.io/acme/api:1.0', 'localhost/x', 'Registry.Example.com/app:V1', '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:2.1']) {
      const original = parseValid(input);
      assert.equal(proxyRewriteProblem(original), undefined, input);
      const proxied = parseValid(toProxyReference(original, 'my-app'));
      const proxy = parseProxyReference(proxied, []);
      assert.equal(proxy?.upstream.canonical.toLowerCase(), original.canonical.toLowerCase(), input);
      assert.equal(proxy.appSlug, 'my-app');
    }
  });

  void test('a host with a port or an IPv6 literal cannot go under the proxy prefix, and says so', () => {
    for (const input of ['localhost:5000/x', 'registry.example.com:8443/app:1', '[::1]/a', '[2001:db8::1]:5000/a/b:c']) {
      const original = parseValid(input);
      assert.match(proxyRewriteProblem(original) ?? '', /cannot appear in a proxy path/, input);
      assert.equal(parseImageReference(toProxyReference(original, 'my-app')).ok, false, input);
    }
  });
});

/** In-memory streams for a CLI command. */
function memoryIO(): { io: CliIO; stdout: () => string; stderr: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => outChunks.push(chunk));
  err.on('data', (chunk: Buffer) => errChunks.push(chunk));
  return {
    io: { stdout: out, stderr: err, stdin: Readable.from([]), env: {}, cwd: process.cwd() },
    stdout: () => Buffer.concat(outChunks).toString('utf8'),
    stderr: () => Buffer.concat(errChunks).toString('utf8'),
  };
}

void describe('the ref command', () => {
  const JSON_KEYS = ['canonical', 'digest', 'domain', 'familiar', 'input', 'path', 'tag', 'valid'];

  void test('-o json prints one array, exit 0 when all are valid', async () => {
    const { io, stdout, stderr } = memoryIO();
    const code = await runRef(['nginx', 'Foo/bar', 'localhost:5000', '-o', 'json'], io);
    assert.equal(code, 0);
    assert.equal(stderr(), '');
    const entries = JSON.parse(stdout()) as RefJsonEntry[];
    assert.equal(entries.length, 3);
    for (const entry of entries) assert.deepEqual(Object.keys(entry).sort(), JSON_KEYS);
    assert.deepEqual(entries[0], { input: 'nginx', valid: true, domain: 'docker.io', path: 'library/nginx', tag: null, digest: null, familiar: 'nginx', canonical: 'docker.io/library/nginx:latest' });
    assert.deepEqual(entries[1], { input: 'Foo/bar', valid: true, domain: 'Foo', path: 'bar', tag: null, digest: null, familiar: 'Foo/bar', canonical: 'Foo/bar:latest' });
    assert.deepEqual(entries[2], { input: 'localhost:5000', valid: true, domain: 'docker.io', path: 'library/localhost', tag: '5000', digest: null, familiar: 'localhost', canonical: 'docker.io/library/localhost:5000' });
  });

  void test('-o json with an invalid reference: exit 1, error and its span, nulls elsewhere', async () => {
    const { io, stdout } = memoryIO();
    const code = await runRef(['--output=json', 'docker/Docker', 'ghcr.io/acme/app:1'], io);
    assert.equal(code, 1);
    const [bad, good] = JSON.parse(stdout()) as RefJsonEntry[];
    assert.ok(bad && good);
    assert.equal(bad.valid, false);
    assert.equal(bad.error, 'invalid reference format: repository name (docker/Docker) must be lowercase');
    assert.deepEqual(bad.errorSpan, { start: 7, end: 13 });
    assert.ok(bad.hint);
    assert.deepEqual([bad.domain, bad.path, bad.tag, bad.digest, bad.familiar, bad.canonical], [null, null, null, null, null, null]);
    assert.equal(good.canonical, 'ghcr.io/acme/app:1');
  });

  void test('text output: one block per reference, carets under the offending part', async () => {
    const { io, stdout } = memoryIO();
    const code = await runRef(['ghcr.io/acme/app:1.0', 'docker/Docker'], io);
    assert.equal(code, 1);
    const text = stdout();
    assert.match(text, /^ghcr\.io\/acme\/app:1\.0: valid\n/);
    assert.match(text, /\n {2}domain: +ghcr\.io\n/);
    assert.match(text, /\n {2}canonical: +ghcr\.io\/acme\/app:1\.0\n/);
    assert.match(text, /\ndocker\/Docker: invalid\n {2}invalid reference format: repository name \(docker\/Docker\) must be lowercase\n {4}docker\/Docker\n {11}\^{6}\n {2}hint: /);
  });

  void test('usage errors exit 2 with one line on stderr and nothing on stdout', async () => {
    for (const argv of [[], ['-x', 'nginx'], ['-o', 'yaml', 'nginx'], ['nginx', '-o']]) {
      const { io, stdout, stderr } = memoryIO();
      assert.equal(await runRef(argv, io), 2, JSON.stringify(argv));
      assert.equal(stdout(), '');
      assert.equal(stderr().trim().split('\n').length, 1, stderr());
    }
  });

  void test('--help exits 0; "--" lets a reference start with "-"', async () => {
    const help = memoryIO();
    assert.equal(await runRef(['--help'], help.io), 0);
    assert.match(help.stdout(), /^Usage: replicated-registries ref REF\.\.\./);
    const dashed = memoryIO();
    assert.equal(await runRef(['-o', 'json', '--', '-docker'], dashed.io), 1);
    assert.equal((JSON.parse(dashed.stdout()) as RefJsonEntry[])[0]?.error, 'invalid reference format');
  });
});

void describe('the proxy domain customers pull through (one answer for rewrite, fixes, hover, completion, customer test)', () => {
  void test('the portal default custom domain, else the first custom one listed, else proxy.replicated.com', () => {
    assert.equal(customerProxyDomain([]), DEFAULT_PROXY_DOMAIN);
    assert.equal(customerProxyDomain(['proxy.replicated.com']), DEFAULT_PROXY_DOMAIN);
    assert.equal(customerProxyDomain(['https://Proxy.Replicated.com/', 'https://Images.Acme.example/']), 'images.acme.example');
    assert.equal(customerProxyDomain(['images.acme.example'], 'https://pull.acme.example'), 'pull.acme.example');
    assert.equal(customerProxyDomain(['images.acme.example'], 'proxy.replicated.com'), 'images.acme.example');
    assert.equal(customProxyDomain(['proxy.replicated.com']), undefined);
    assert.equal(customProxyDomain([], 'images.acme.example'), 'images.acme.example');
  });
  void test('isProxyDomain knows the default and the listed domains, as written in any case or as URLs', () => {
    assert.equal(isProxyDomain('proxy.replicated.com', []), true);
    assert.equal(isProxyDomain('IMAGES.acme.example', ['https://images.acme.example/']), true);
    assert.equal(isProxyDomain('registry.replicated.com', ['images.acme.example']), false);
  });
});
