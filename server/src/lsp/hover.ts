/**
 * Hover on an image reference: what Docker reads, which team registry serves it (and whether this user
 * has credentials), the last pull check and what the registry said, and the reference a customer
 * actually pulls through the Replicated proxy.
 */
import { redact } from '../log/logger';
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import type { FoundImage, ImageEvaluation } from '../findings/types';
import type { ReleaseEnvironment } from '../release/release';
import { releaseImages, type PullVia } from '../release/releaseImages';
import type { InstallMode } from '../templates/kots';
import { portalTypesLimit, shownTypes } from '../store/portal/portalStore';
import { providerRecord } from '../registry/providers/catalog';
import type { ServerContext } from './context';
import { documentPath, offsetRange } from './convert';
import { guarded } from './handlerErrors';
import { proxyFormsOf } from './proxyForms';
import { customProxyDomain } from '../reference/proxy';
import type { RecordedCheck } from './registryAccess';
import { effectiveReference } from './registryTargets';
import { analyzedDocument } from './fileAnalysis';
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

/** What the evaluator did with the image: where each piece came from, what it assumed, what it left. */
function evaluationLines(evaluation: ImageEvaluation | undefined): string[] {
  if (!evaluation) return [];
  const lines: string[] = [];
  if (evaluation.readOnlyFrom) lines.push(`From the packaged chart ${code(evaluation.readOnlyFrom)} (read-only: reported on the HelmChart that names it).`);
  if (evaluation.notRendered) lines.push(`**Not rendered** with ${evaluation.context}: ${evaluation.notRendered}.`);
  const pieces = evaluation.pieces.filter((piece) => piece.text !== '' && piece.label !== 'template text' && !piece.label.startsWith('unevaluated'));
  if (pieces.length > 0) lines.push(`**Evaluated** (${evaluation.context}): ${pieces.map((piece) => `${code(piece.text)} from ${piece.label}`).join(', ')}.`);
  const appVersion = pieces.find((piece) => piece.label.startsWith('.Chart.AppVersion'));
  if (appVersion) lines.push(`The chart uses the tag ${code(appVersion.text)} (its appVersion).`);
  if (evaluation.assumptions.length > 0) lines.push(`**Assuming** ${evaluation.assumptions.map((a) => `${code(a.condition)} is ${a.taken}`).join('; ')}.`);
  if (evaluation.unevaluated && evaluation.unevaluated.length > 0) lines.push(`**Left unevaluated** (so not checked): ${evaluation.unevaluated.join('; ')}.`);
  return lines;
}

const VIA: Record<PullVia, string> = {
  proxy: 'through the Replicated proxy',
  'replicated-registry': 'from the Replicated registry',
  'local-registry': 'from the local registry',
  direct: 'directly from its registry',
  unknown: 'in a way not known before install',
};
const MODE_LABEL: Record<InstallMode, string> = { online: 'Online', airgap: 'Air gap', helm: 'Helm CLI' };

/** How customers pull the image in each install mode the release supports. */
async function customerPullLines(ctx: ServerContext, uri: string, image: FoundImage, env: ReleaseEnvironment): Promise<string[]> {
  const release = await env.release?.().catch(() => undefined);
  if (!release) return [];
  const filePath = documentPath(uri);
  const overlaps = (start: number, end: number): boolean => start < image.end && end > image.start;
  const manifest = image.kind === 'container' || image.kind === 'additional-image' || image.kind === 'collector' ? [{ file: filePath, image }] : [];
  const matching = releaseImages(release, env, manifest).filter((item) => {
    if (item.source.file === filePath && item.source.entry === undefined && overlaps(item.source.start, item.source.end)) return true;
    if ((item.segments ?? []).some((segment) => segment.origin?.file === filePath && segment.origin.entry === undefined && overlaps(segment.origin.start, segment.origin.end))) return true;
    return item.helmChart?.file === filePath && item.helmChart.chartNameNode !== undefined && overlaps(item.helmChart.chartNameNode.start, item.helmChart.chartNameNode.end) && item.reference === image.text;
  });
  if (matching.length === 0) return [];
  const rows = new Set<string>();
  for (const item of matching) {
    const pulled = item.pulled ? code(item.pulled.replace(/^local-registry\.invalid\//, '<local registry>/')) : item.note ? `(${item.note})` : 'an image not known before install';
    const bundle = item.inBundle === undefined ? '' : item.inBundle ? ', in the air gap bundle' : ', **not in the air gap bundle**';
    const kots = item.rewrittenByKots ? ` (KOTS rewrites it${item.note ? `: ${item.note}` : ''})` : '';
    const assumed = item.assumptions.length > 0 ? ` — assuming ${item.assumptions.map((a) => `${code(a.condition)} is ${a.taken}`).join('; ')}` : '';
    rows.add(`- ${MODE_LABEL[item.mode]}: ${pulled} ${VIA[item.via]}${kots}${bundle}${assumed}`);
  }
  const why = release.modesInferred ? ` (modes inferred: ${Object.values(release.modeReasons).join('; ')}; set installModes in .replicated-registries.yaml to choose)` : '';
  return [`**How customers pull it, per install mode**${why}:`, [...rows].join('\n')];
}

export async function hoverMarkdown(ctx: ServerContext, uri: string, image: FoundImage): Promise<string> {
  if (image.templated) {
    const { env } = await ctx.environmentFor(uri);
    const evaluated = evaluationLines(image.evaluation);
    return [`**Image** ${code(image.text)}`, evaluated.length > 0 ? evaluated.join('\n\n') : 'A template expression: it is resolved at install time and not checked here.', ...(await customerPullLines(ctx, uri, image, env))].join('\n\n');
  }
  const reference = effectiveReference(image);
  if (!reference) return `**Image** ${code(image.text)}\n\nNot a valid image reference; see the problem reported on it.`;
  const { env } = await ctx.environmentFor(uri);
  const config = env.config;
  const lines: string[] = [`**Image** ${code(reference.canonical)}`];
  if (image.proxy) lines.push(`Pulled through the Replicated proxy ${code(image.proxy.domain)} for app ${code(image.proxy.appSlug)}; the proxy pulls the upstream image above.`);
  const evaluated = evaluationLines(image.evaluation);
  if (evaluated.length > 0) lines.push(...evaluated);
  else if (image.related && image.related.length > 0) lines.push(`Resolved from ${image.related.map((r) => code(r.message)).join(', ')}.`);

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
      const limit = portalTypesLimit(entry);
      lines.push(
        `**Registry** ${code(entry.slug)} — ${entry.portalTypes ? `${code(shownTypes(entry).provider)} / ${code(shownTypes(entry).authType)} (as the vendor portal names them)` : providerRecord(entry.provider).label}, ${code(entry.endpoint)}, from ${fromPortal ? 'the vendor portal' : 'the workspace registries file'}`,
        ...(limit ? [`**Pull check**: ${limit}.`] : []),
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
    case 'scoped-elsewhere':
      lines.push(`**Registry** ${placement.entries.map((entry) => code(entry.slug)).join(', ')} serves ${code(reference.domain)} for other apps only (App Access): the proxy does not pull it for this app.`);
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
  lines.push(...(await customerPullLines(ctx, uri, image, env)));
  return lines.join('\n\n');
}

/** The reference customers pull, on the default proxy domain and on the team's custom proxy domain. */
function proxyLines(ctx: ServerContext, uri: string, image: FoundImage, config: RegistriesConfig): string[] {
  const custom = customProxyDomain(config.customDomains.proxy, ctx.workspace.configFor(uri).defaultCustomProxyDomain);
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
      const open = ctx.documents.get(params.textDocument.uri);
      if (!open) return null;
      const analysis = await ctx.analysisOf(open);
      // Positions in the version the analysis read (the newest; the same one unless an edit came in between).
      const document = analyzedDocument(analysis, open);
      // The document under the cursor by binary search, then its images: not every image of the file.
      const image = analysis.imageAt(document.offsetAt(params.position));
      if (!image) return null;
      const value = await hoverMarkdown(ctx, document.uri, image);
      return {
        contents: ctx.client.markdownHover ? { kind: MarkupKind.Markdown, value: redact(value) } : { kind: MarkupKind.PlainText, value: redact(value.replace(/\*\*|`/g, '')) },
        range: offsetRange(document, image.start, image.end),
      };
    }),
  );
}
