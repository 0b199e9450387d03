/**
 * Hover on an image reference: what Docker reads, which team registry serves it (and whether this user
 * has credentials), the last pull check and what the registry said, and the reference a customer
 * actually pulls through the Replicated proxy.
 */
import { redact } from '../log/logger';
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import type { FoundImage } from '../findings/types';
import { providerRecord } from '../registry/providers/catalog';
import type { ServerContext } from './context';
import { documentPath, offsetRange } from './convert';
import { guarded } from './handlerErrors';
import { preferredCustomProxyDomain, proxyFormsOf } from './proxyForms';
import type { RecordedCheck } from './registryAccess';
import { effectiveReference, imageAt } from './registryTargets';
import { placeReference } from '../rules/registryRules';
import type { RegistriesConfig } from '../store/types';

function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

function describeCheck(check: RecordedCheck): string[] {
  const r = check.result;
  const lines = [`**Last check** (${check.at}${r.anonymous ? ', anonymous' : ''}): **${r.verdict}** — ${r.message}`];
  if (r.digest) lines.push(`- digest: ${code(r.digest)}`);
  if (r.mediaType) lines.push(`- media type: ${code(r.mediaType)}`);
  if (r.platforms && r.platforms.length > 0) lines.push(`- platforms: ${r.platforms.map(code).join(', ')}`);
  if (r.hint && r.verdict !== 'ok') lines.push(`- next: ${r.hint}`);
  return lines;
}

export async function hoverMarkdown(ctx: ServerContext, uri: string, image: FoundImage): Promise<string> {
  if (image.templated) {
    return `**Image** ${code(image.text)}\n\nA template expression: it is resolved at install time and not checked here.`;
  }
  const reference = effectiveReference(image);
  if (!reference) return `**Image** ${code(image.text)}\n\nNot a valid image reference; see the problem reported on it.`;
  const { env } = await ctx.environmentFor(uri);
  const config = env.config;
  const lines: string[] = [`**Image** ${code(reference.canonical)}`];
  if (image.proxy) lines.push(`Pulled through the Replicated proxy ${code(image.proxy.domain)} for app ${code(image.proxy.appSlug)}; the proxy pulls the upstream image above.`);
  if (image.related && image.related.length > 0) lines.push(`Resolved from ${image.related.map((r) => code(r.message)).join(', ')}.`);

  const placement = placeReference(reference, config);
  let isPrivate = false;
  switch (placement.kind) {
    case 'connected': {
      const entry = placement.entry;
      isPrivate = true;
      const answer = await ctx.credentials.answerFor(entry);
      const credentials = answer.credentials;
      const fromPortal = entry.source === 'portal';
      const missing = fromPortal
        ? 'none needed — the vendor portal keeps this registry\'s credentials and the Replicated proxy pulls with them; Test in the Registries view runs the portal\'s server-side check'
        : 'missing — add them in the Registries view or with `docker login`';
      lines.push(
        `**Registry** ${code(entry.slug)} — ${providerRecord(entry.provider).label}, ${code(entry.endpoint)}, from ${fromPortal ? 'the vendor portal' : 'the workspace registries file'}`,
        `**Credentials** on this machine: ${credentials ? `present (${credentials.origin ?? 'found'}, user ${code(credentials.username)})` : !ctx.init.trusted ? 'not used (untrusted workspace)' : answer.withheld !== undefined ? `not used — ${answer.withheld}` : missing}`,
      );
      break;
    }
    case 'public-listed':
      lines.push(`**Public** (listed as ${code(placement.pattern)} in the registries file): customers pull it directly, without the proxy.`);
      break;
    case 'replicated-registry':
      lines.push('**Replicated registry**: customers pull it with their license; no external registry is involved.');
      break;
    case 'proxy-host':
      lines.push('**Replicated proxy** host.');
      break;
    case 'unknown':
      lines.push(`**Registry** ${code(reference.domain)} is not one of the team's registries.`);
      break;
  }

  const check = ctx.registries.lastCheckForImage(reference.domain, reference.path, reference.digest ?? reference.tag ?? 'latest');
  if (placement.kind === 'unknown') {
    if (check?.result.anonymous && check.result.verdict === 'ok') lines.push('**Public image**: an anonymous pull works, so customers pull it directly.');
    else if (check?.result.anonymous) isPrivate = true;
  }
  if (check) lines.push(...describeCheck(check));
  else if (placement.kind === 'connected' || placement.kind === 'unknown') {
    lines.push(env.offline ? '**Not checked**: registry checks are off (offline, untrusted workspace, or `remoteChecks` disabled).' : '**Not checked yet**: checks run when the file is opened and saved.');
  }

  if ((isPrivate && image.reference) || image.proxy) {
    lines.push(...proxyLines(ctx, uri, image, config));
  }
  return lines.join('\n\n');
}

/** The reference customers pull, on the default proxy domain and on the team's custom proxy domain. */
function proxyLines(ctx: ServerContext, uri: string, image: FoundImage, config: RegistriesConfig): string[] {
  const custom = preferredCustomProxyDomain(config, ctx.workspace.configFor(uri).defaultCustomProxyDomain);
  const appSlug = image.proxy?.appSlug ?? config.app ?? '<app-slug>';
  const forms = proxyFormsOf(image, appSlug, custom);
  if (!forms) return [];
  if ('problem' in forms) return [`**No proxy reference**: ${forms.problem}.`];
  const heading = image.proxy ? '**Proxy forms**' : '**Customers pull**';
  const appNote = image.proxy || config.app ? '' : ' (set `app:` in .replicated-registries.yaml)';
  return [
    `${heading}${appNote}:`,
    forms.forms.map((f) => `- ${f.isDefaultDomain ? 'default domain' : `custom domain ${code(f.domain)}`}: ${code(f.reference)}`).join('\n'),
  ];
}

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    guarded(ctx.logger, 'hover', async (params: HoverParams): Promise<Hover | null> => {
      const document = ctx.documents.get(params.textDocument.uri);
      if (!document) return null;
      const offset = document.offsetAt(params.position);
      const analysis = await ctx.analysisOf(document);
      const image = imageAt(analysis.images, offset, documentPath(document.uri));
      if (!image) return null;
      const value = await hoverMarkdown(ctx, document.uri, image);
      return {
        contents: ctx.client.markdownHover ? { kind: MarkupKind.Markdown, value: redact(value) } : { kind: MarkupKind.PlainText, value: redact(value.replace(/\*\*|`/g, '')) },
        range: offsetRange(document, image.start, image.end),
      };
    }),
  );
}
