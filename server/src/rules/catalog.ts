/** Every rule the engine knows: stable code, default severity, title and help (shown in hovers and SARIF). */
import type { RuleCode, RuleInfo } from '../findings/types';

export const RULES: Record<RuleCode, RuleInfo> = {
  'invalid-reference': {
    code: 'invalid-reference',
    defaultSeverity: 'error',
    title: 'Malformed image reference',
    help:
      'Docker cannot parse this image reference, so every install that pulls it fails.\n\n' +
      'Fix the underlined part: repository names are lowercase, a tag is at most 128 characters of `[A-Za-z0-9_.-]`, ' +
      'a digest is `algorithm:hex` (for example `sha256:` followed by 64 hex digits).',
  },
  'registry-not-connected': {
    code: 'registry-not-connected',
    defaultSeverity: 'warning',
    title: 'Registry not connected to the team',
    help:
      "The image's registry is none of the team's external registries, nor the Replicated registry or proxy, and the " +
      'image is not public. The Replicated proxy cannot pull it for customers, so their installs fail.\n\n' +
      'Connect the registry (`replicated-registries registry add ...`, or the Registries view), or list the host or ' +
      'repository under `public:` in `.replicated-registries.yaml` if customers can pull it without credentials.',
  },
  'credentials-missing': {
    code: 'credentials-missing',
    defaultSeverity: 'warning',
    title: 'No credentials for a connected registry',
    help:
      'The registry is connected, but you have no credentials for it on this machine, so the pull check cannot run.\n\n' +
      'Log in with `docker login HOST`, set the credentials in the Registries view, or provide them in the environment.',
  },
  'tag-not-found': {
    code: 'tag-not-found',
    defaultSeverity: 'error',
    title: 'Tag or digest not found',
    help:
      'The registry has the repository but not this tag or digest: a customer install would fail with `manifest unknown`.\n\n' +
      'Push the image, or change the tag to one that exists.',
  },
  'repository-not-found': {
    code: 'repository-not-found',
    defaultSeverity: 'error',
    title: 'Repository not found',
    help:
      'The registry says this repository does not exist (or these credentials cannot see it).\n\n' +
      'Check the spelling of the repository path, or push the image.',
  },
  'pull-denied': {
    code: 'pull-denied',
    defaultSeverity: 'error',
    title: 'Credentials cannot pull this repository',
    help:
      "The registry accepted the credentials but refused pull access to this repository.\n\n" +
      'Grant the account pull (read) access to the repository, or use an account that has it.',
  },
  unauthorized: {
    code: 'unauthorized',
    defaultSeverity: 'error',
    title: 'Credentials rejected',
    help:
      'The registry rejected the credentials (wrong password, expired or revoked token).\n\n' +
      'Update the credentials for this registry (`docker login HOST`, or the Registries view) and test again.',
  },
  'tag-latest': {
    code: 'tag-latest',
    defaultSeverity: 'warning',
    title: 'Image uses the `latest` tag',
    help:
      '`latest` moves: two customers installing the same release can get different images.\n\n' +
      'Use a version tag, or pin the image to a digest.',
  },
  'tag-missing': {
    code: 'tag-missing',
    defaultSeverity: 'warning',
    title: 'Image has no tag',
    help:
      'Without a tag or digest Docker pulls `latest`, which moves between releases.\n\nAdd a version tag or a digest.',
  },
  'digest-pinning': {
    code: 'digest-pinning',
    defaultSeverity: 'off',
    title: 'Image not pinned to a digest',
    help:
      'A tag can be re-pushed; a digest cannot. Pin the image (`name:tag@sha256:...`) for reproducible installs.\n\n' +
      'Off by default; enable it with `rules: {digest-pinning: hint}` in `.replicated-registries.yaml`.',
  },
  'proxy-app-mismatch': {
    code: 'proxy-app-mismatch',
    defaultSeverity: 'warning',
    title: 'Proxy reference names another application',
    help:
      "The proxy path `/proxy/<app-slug>/` must name this application's slug (`app:` in `.replicated-registries.yaml`); " +
      "customers' licenses grant pull access through their own application only.\n\nChange the slug in the reference.",
  },
  'registries-file': {
    code: 'registries-file',
    defaultSeverity: 'error',
    title: 'Problem in the registries file',
    help:
      '`.replicated-registries.yaml` does not match its schema (`schemas/registries.schema.json`) or is not valid YAML.\n\n' +
      'Fix the reported field; the file lists the team registries (`slug`, `provider`, `endpoint`, `authType`, ...).',
  },
  'pull-check-failed': {
    code: 'pull-check-failed',
    defaultSeverity: 'info',
    title: 'Pull check could not run',
    help:
      'The registry could not be asked whether the image exists (unreachable, timeout, untrusted TLS certificate, rate limit, ' +
      'unexpected answer). Nothing is known about the image; this is not a "not found".\n\n' +
      'Check the network, the `caFile` / `insecureSkipTLSVerify` options of the registry, or wait for the rate limit to reset.',
  },
  'yaml-syntax': {
    code: 'yaml-syntax',
    defaultSeverity: 'error',
    title: 'YAML syntax error',
    help:
      'The file is not valid YAML: the parser stopped at the underlined spot, so no tool (kubectl, Helm, KOTS, this ' +
      'extension) can read the document, and its images are not checked.\n\n' +
      'Fix the underlined part: close the quote or the `[` / `{`, indent the line like its siblings (spaces, never tabs), ' +
      'or quote a value that starts with a reserved character (`@`, `` ` ``, `%`). Helm chart templates (`templates/`) are ' +
      'not checked, since they are not YAML until rendered.',
  },
  'variable-unresolved': {
    code: 'variable-unresolved',
    defaultSeverity: 'info',
    title: 'Variable without a value',
    help:
      'The image uses a Compose variable (`${TAG}`) that has no value in the `.env` file next to the Compose file and no ' +
      'default, so the image cannot be checked (`docker compose` would substitute an empty string, or stop for `${TAG:?}`).\n\n' +
      'Set the variable in `.env`, or write a default: `${TAG:-1.4.2}`. Variables of the shell environment are not read, ' +
      'so that the editor and CI check the same thing.',
  },
  'analysis-limit': {
    code: 'analysis-limit',
    defaultSeverity: 'warning',
    title: 'File too large or too complex to check',
    help:
      'Every file in a workspace may be hostile, so the tools read each one under fixed bounds (README, *Security*): ' +
      'a file of at most 16 MiB, a document needing the exact YAML parser of at most 2 MiB, 200 levels of nesting, ' +
      '100,000 nodes added by aliases, and 5 s of analysis per file. The part past the bound is not checked.\n\n' +
      'Split the file, or remove the alias chain (a "billion laughs" alias bomb expands a few hundred bytes into millions of nodes).',
  },
};
