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
  'not-proxied': {
    code: 'not-proxied',
    defaultSeverity: 'error',
    title: 'Customers pull a private image directly',
    help:
      'A customer install pulls this private image (its registry is one of the team\'s) straight from its registry, not through ' +
      'the Replicated proxy or the local registry: the customer has no credentials there, so the install fails. KOTS rewrites ' +
      'images only in plain manifests and HelmChart v1beta1; HelmChart v1beta2 charts and Helm CLI installs pull what the values say ' +
      '([Use the proxy registry with Replicated installers](https://docs.replicated.com/vendor/private-images-kots)).\n\n' +
      'Write the proxy reference `<proxy-domain>/proxy/<app-slug>/<upstream image>` in the HelmChart values (the quick fix does, with a ' +
      '`HasLocalRegistry` ternary when the app supports air gap), or in the chart\'s values.yaml for Helm CLI installs.',
  },
  'proxy-path-malformed': {
    code: 'proxy-path-malformed',
    defaultSeverity: 'error',
    title: 'Proxy or Replicated registry path has the wrong shape',
    help:
      'On the proxy host an image reads `<proxy-domain>/proxy/<app-slug>/<upstream registry>/<image>:<tag>`; on the Replicated registry ' +
      '`registry.replicated.com/<app-slug>/<image>:<tag>`. Anything else (no `/proxy/<app>/`, nothing after the app, another app\'s ' +
      'slug on the Replicated registry, a proxy path on the registry host) is refused when a customer pulls it ' +
      '([proxy registry URL format](https://docs.replicated.com/vendor/private-images-kots)).\n\nFix the path to the shape above.',
  },
  'pull-secret-missing': {
    code: 'pull-secret-missing',
    defaultSeverity: 'error',
    title: 'Pod pulls through the proxy without the pull secret',
    help:
      'The proxy and the Replicated registry authenticate customers with their license. KOTS creates that pull secret, but for ' +
      'HelmChart v1beta2 it is not added to pods: pass `\'{{repl ImagePullSecretName }}\'` in the HelmChart values and template it into ' +
      'the pod\'s `imagePullSecrets` ([Inject the image pull secret](https://docs.replicated.com/vendor/private-images-kots)). ' +
      'For Helm CLI installs the Replicated SDK creates `enterprise-pull-secret` ' +
      '([Use the proxy registry with Helm installations](https://docs.replicated.com/vendor/helm-image-registry)).\n\n' +
      'Add the `imagePullSecrets` entry (the quick fix does), and the value that fills it.',
  },
  'dockerhub-rate-limit': {
    code: 'dockerhub-rate-limit',
    defaultSeverity: 'info',
    title: 'Public Docker Hub image without a pull secret',
    help:
      'Customers pull this public Docker Hub image anonymously, so Docker Hub\'s rate limits apply to their installs. For HelmChart v2 ' +
      'charts Replicated asks vendors to add the `<app-slug>-kotsadm-dockerhub` pull secret, which KOTS creates from the customer\'s ' +
      'Docker Hub credentials ([Support installations with HelmChart v2](https://docs.replicated.com/vendor/helm-native-v2-using), ' +
      '[Avoiding Docker Hub rate limits](https://docs.replicated.com/enterprise/image-registry-rate-limits)).\n\n' +
      'Add a `pullSecrets` value with `<app-slug>-kotsadm-dockerhub` and template it into the pod, or pull the image through the proxy.',
  },
  'airgap-missing': {
    code: 'airgap-missing',
    defaultSeverity: 'error',
    title: 'Air gap install pulls an image the bundle does not have',
    help:
      'In an air gap install KOTS pushes the bundle\'s images to the local registry; the bundle holds what the chart renders with ' +
      'its `builder` values. An image the install pulls that the builder values leave out, or that is not rewritten to the local ' +
      'registry (HelmChart v2 values are not rewritten), cannot be pulled ' +
      '([builder](https://docs.replicated.com/reference/custom-resource-helmchart-v2#builder), ' +
      '[Support installations with HelmChart v2](https://docs.replicated.com/vendor/helm-native-v2-using)).\n\n' +
      'Make the builder values render the image, and point the value at `LocalRegistryHost`/`LocalRegistryNamespace` when ' +
      '`HasLocalRegistry` is true.',
  },
  'double-proxy-prefix': {
    code: 'double-proxy-prefix',
    defaultSeverity: 'error',
    title: 'Proxy reference where KOTS rewrites images itself',
    help:
      'KOTS rewrites private images of plain manifests, HelmChart v1beta1 charts and `additionalImages` to the proxy by itself, with ' +
      'the proxy domain of the release. A reference already on another proxy domain gets a second prefix ' +
      '(`images.acme.example/proxy/app/proxy.replicated.com/proxy/app/...`) and fails ' +
      '([private images with KOTS](https://docs.replicated.com/vendor/private-images-kots); ' +
      '[kots#1188](https://github.com/replicatedhq/kots/issues/1188)).\n\nWrite the upstream reference; KOTS proxies it.',
  },
  'kots-function-literal': {
    code: 'kots-function-literal',
    defaultSeverity: 'error',
    title: 'KOTS template function outside repl{{ }}',
    help:
      'The image value names a KOTS template function (`LocalImageName`, `LocalRegistryHost`, ...) outside `repl{{ ... }}` or ' +
      '`{{repl ... }}`, so KOTS leaves it as text and the pod gets an invalid image. KOTS functions are not available in Helm ' +
      'chart templates either ([template functions](https://docs.replicated.com/reference/template-functions-about)).\n\n' +
      "Wrap the call: `'repl{{ LocalImageName \"registry/image:tag\" }}'`, or set the value in the HelmChart's values.",
  },
};
