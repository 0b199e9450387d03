/**
 * The customer's pull, as a vendor meets it in VS Code: the Images view lists the release's images per
 * install mode with how customers pull each; a click opens the line that defines one; the HelmChart whose
 * value customers would pull straight from ghcr.io shows `not-proxied`, its quick fix rewrites it to the
 * proxy and the finding clears; "Test as a Customer" asks for a license ID in a password box, pulls
 * through the proxy stand-in to a real registry, offers to remember the ID (SecretStorage only), then tests
 * a whole mode with it and says which images fail and why; a wrong license is refused in plain words; no
 * license ID lands in any file. Every wait has a deadline.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { pushImage, startHtpasswdRegistry, waitUntil, type RunningRegistry } from '../../harness';
import { startProxyStandIn, type RunningProxyStandIn } from '../../harness/proxyStandIn';
import type { RunningCodeServer } from '../harness/codeServer';
import { copyExamplesWorkspace, writeWorkspaceFile } from '../harness/session';
import type { Workbench } from '../harness/workbench';
import { filesContaining } from './portal';

const CONTAINER = 'Replicated';
const IMAGES = 'Images';
const APP = 'acme-platform';
const REGISTRY_NAME = 'e2e-private';
const HELMCHART = 'kots/acme-worker.yaml';
const PLANTED = 'ghcr.io/acme/migrations:2.4.1';

export interface CustomerWorld {
  registry: RunningRegistry;
  proxy: RunningProxyStandIn;
  workspaceDir: string;
  /** The image of the acme-api HelmChart, written in the proxy's registry-name form on the stand-in. */
  proxiedImage: string;
  /** A proxy reference whose tag the registry does not have. */
  missingImage: string;
  /** 1-based position of the planted not-proxied value in the HelmChart. */
  planted: { line: number; column: number };
  stop(): Promise<void>;
}

export interface CustomerScenarioContext {
  workbench: Workbench;
  world: CustomerWorld;
  licenseId: string;
  wrongLicenseId: string;
  codeServer: RunningCodeServer;
  runDir: string;
}

export interface CustomerScenario {
  name: string;
  run(ctx: CustomerScenarioContext): Promise<void>;
}

/**
 * examples/ with: the team's registries file naming the real registry (by the registry name the proxy
 * path uses) and the stand-in as the custom proxy domain; the acme-api HelmChart pulling through it; a
 * manifest with a tag that does not exist.
 */
export async function createCustomerWorld(runDir: string, licenseId: string): Promise<CustomerWorld> {
  const vendor = { username: 'e2e-vendor', password: `Vendor-${Math.random().toString(36).slice(2)}` };
  const registry = await startHtpasswdRegistry({ tls: false, users: { [vendor.username]: vendor.password } });
  let proxy: RunningProxyStandIn | undefined;
  try {
    await pushImage(registry, { repository: 'acme/api', tag: '2.4.1', format: 'oci', ...vendor });
    proxy = await startProxyStandIn({
      licenses: { [licenseId]: APP },
      registries: [{ name: REGISTRY_NAME, connection: { provider: 'other', endpoint: registry.host, plainHttp: true }, credentials: { username: vendor.username, secret: vendor.password } }],
    });
    const workspaceDir = copyExamplesWorkspace(runDir);
    writeFileSync(
      path.join(workspaceDir, '.replicated-registries.yaml'),
      stringify({
        app: APP,
        registries: [
          { slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'acme-bot' },
          { slug: REGISTRY_NAME, provider: 'other', endpoint: registry.host, authType: 'password', username: vendor.username, plainHttp: true },
        ],
        public: ['docker.io/library'],
        customDomains: { proxy: [proxy.host] },
      }),
    );
    const prefix = `${proxy.host}/proxy/${APP}/${REGISTRY_NAME}`;
    const helmChart = path.join(workspaceDir, 'kots/helmchart.yaml');
    const original = readFileSync(helmChart, 'utf8');
    const rewritten = original.replace('"proxy.replicated.com/proxy/acme-platform/ghcr.io"', `"${prefix}"`);
    assert.notEqual(rewritten, original, 'examples/kots/helmchart.yaml has the proxy registry value this world rewrites');
    writeFileSync(helmChart, rewritten);
    const missingImage = `${prefix}/acme/api:9.9.9-missing`;
    writeWorkspaceFile(
      workspaceDir,
      'manifests/e2e-next.yaml',
      ['# Written by the e2e test: the next release, whose tag was never pushed.', 'apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: e2e-next', 'spec:', '  template:', '    spec:', '      imagePullSecrets:', "        - name: '{{repl ImagePullSecretName }}'", '      containers:', '        - name: next', `          image: ${missingImage}`, ''].join('\n'),
    );
    // Every proxy reference of the examples goes to the stand-in: a customer test must never reach the real proxy.
    for (const file of yamlFiles(workspaceDir)) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('proxy.replicated.com')) writeFileSync(file, text.split('proxy.replicated.com').join(proxy.host));
    }
    const worker = readFileSync(path.join(workspaceDir, HELMCHART), 'utf8');
    const index = worker.indexOf(`image: ${PLANTED}`);
    assert.ok(index > 0, `${HELMCHART} plants ${PLANTED}`);
    const before = worker.slice(0, index);
    const planted = { line: before.split('\n').length, column: index - before.lastIndexOf('\n') + 'image: '.length + 3 };
    const started = proxy;
    return {
      registry,
      proxy: started,
      workspaceDir,
      proxiedImage: `${prefix}/acme/api:2.4.1`,
      missingImage,
      planted,
      stop: async () => {
        await started.stop();
        await registry.stop();
      },
    };
  } catch (error) {
    await proxy?.stop();
    await registry.stop();
    throw error;
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

async function shot(ctx: CustomerScenarioContext, name: string): Promise<void> {
  const file = await ctx.workbench.screenshot(name);
  renameSync(file, path.join(path.dirname(file), `customer-${path.basename(file)}`));
}

/** The Images view's visible rows, as text (label and description). */
async function imageRows(page: Workbench): Promise<string[]> {
  const texts: string[] = [];
  for (const row of await page.viewPane(IMAGES).locator('.monaco-list-row').all()) {
    const parts = await row.locator('.label-name, .label-description').allInnerTexts();
    texts.push(parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' '));
  }
  return texts;
}

/** Shows the Replicated container with the Registries pane collapsed, so the Images view has the room. */
async function showImagesView(page: Workbench): Promise<void> {
  await page.openViewContainer(CONTAINER);
  // The Images view starts collapsed below Registries (which keeps its room until the user opens Images).
  const imagesHeader = page.viewPane(IMAGES).locator('.pane-header').first();
  if ((await imagesHeader.getAttribute('aria-expanded')) !== 'true') await imagesHeader.click();
  const registriesHeader = page.viewPane('Registries').locator('.pane-header').first();
  if ((await registriesHeader.getAttribute('aria-expanded')) === 'true') await registriesHeader.click();
  await page.viewPane(IMAGES).locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  // Wide enough to read a row whole, as a user would drag the side bar's edge.
  const sidebar = await page.page.locator('.part.sidebar').boundingBox();
  if (sidebar && sidebar.width < 600) {
    const y = sidebar.y + sidebar.height / 2;
    await page.page.mouse.move(sidebar.x + sidebar.width + 1, y);
    await page.page.mouse.down();
    await page.page.mouse.move(sidebar.x + 640, y, { steps: 8 });
    await page.page.mouse.up();
    // Off the edge, so that its highlight is not in the screenshots.
    await page.page.mouse.move(sidebar.x + 900, y);
    await waitUntil('the side bar to widen', async () => ((await page.page.locator('.part.sidebar').boundingBox())?.width ?? 0) >= 600, 10_000, 100);
  }
}

function imageRow(page: Workbench, label: string, description?: string | RegExp): ReturnType<Workbench['treeItem']> {
  const row = page.viewPane(IMAGES).locator('.monaco-list-row').filter({ has: page.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`) }) });
  return (description ? row.filter({ hasText: description }) : row).first();
}

async function passwordBoxFor(page: Workbench, secret: string): Promise<void> {
  await page.waitForQuickInputTitle('Test as a Customer: License ID');
  const input = page.quickInput.locator('.quick-input-box input');
  assert.equal(await input.getAttribute('type'), 'password', 'the license ID box hides what is typed');
  await page.answerInput(secret);
}

export const CUSTOMER_SCENARIOS: CustomerScenario[] = [
  {
    name: 'the Images view lists the release images per install mode, each saying how customers pull it',
    async run(ctx) {
      const page = ctx.workbench;
      await showImagesView(page);
      await imageRow(page, 'Online').waitFor({ state: 'visible' });
      await imageRow(page, PLANTED, 'directly from ghcr.io · not-proxied').waitFor({ state: 'visible', timeout: 60_000 });
      await shot(ctx, 'images-view');
      const online = await imageRows(page);
      const airgapAt = online.findIndex((row) => row.startsWith('Air gap / local registry'));
      assert.ok(online[0]?.startsWith('Online'), `the first mode is Online:\n${online.join('\n')}`);
      assert.match(online[0] ?? '', /^Online \d+ images · \d+ errors?/);
      const onlineRows = airgapAt > 0 ? online.slice(0, airgapAt) : online;
      assert.ok(onlineRows.includes('ghcr.io/acme/worker:2.4.1 through the proxy'), `the proxied HelmChart value:\n${onlineRows.join('\n')}`);
      assert.ok(onlineRows.includes(`${REGISTRY_NAME}/acme/api:2.4.1 through the proxy`), 'the registry-name form');
      assert.ok(onlineRows.some((row) => row.startsWith('ghcr.io/acme/preflight-probe:2.4.1 through the proxy (KOTS rewrites it)')), 'a manifest image KOTS proxies');
      assert.ok(onlineRows.some((row) => row.startsWith('docker.io/library/busybox:1.36 directly from Docker Hub')), 'a public image pulled directly');
      // The air gap mode: collapse Online to see it whole.
      await imageRow(page, 'Online').click();
      await imageRow(page, 'acme-platform/worker:2.4.1', 'from the local registry').waitFor({ state: 'visible' });
      const airgap = await imageRows(page);
      assert.ok(airgap.some((row) => row.startsWith(`${PLANTED} directly from ghcr.io · airgap-missing`)), `air gap names what a cluster without internet cannot pull:\n${airgap.join('\n')}`);
      await shot(ctx, 'images-airgap');
      await imageRow(page, 'Online').click();
      await imageRow(page, PLANTED, 'not-proxied').waitFor({ state: 'visible' });
    },
  },
  {
    name: 'a click on an image opens the line of the HelmChart that sets it; its tooltip says how and why',
    async run(ctx) {
      const page = ctx.workbench;
      const row = imageRow(page, PLANTED, 'not-proxied');
      await row.hover();
      const tooltip = page.page.locator('.monaco-hover:not(.hidden), .workbench-hover').filter({ hasText: 'not-proxied' }).first();
      await tooltip.waitFor({ state: 'visible' });
      // Hovers fade in: the screenshot waits until it is drawn whole.
      // Runs in the page (a browser), whose globals the test's Node types do not declare.
      const opacity = (): Promise<string> => page.page.evaluate<string>("(() => { const hover = document.querySelector('.workbench-hover-container') ?? document.querySelector('.monaco-hover:not(.hidden)'); return hover ? getComputedStyle(hover).opacity : ''; })()");
      await waitUntil('the tooltip to finish fading in', async () => (await opacity()) === '1', 10_000, 100);
      const text = ((await tooltip.innerText()) ?? '').replace(/\s+/g, ' ');
      assert.match(text, /pulls it directly from ghcr\.io, with no credentials from Replicated/);
      assert.match(text, /kots\/acme-worker-1\.0\.0\.tgz \(acme-worker\/templates\/deployment\.yaml\), set at kots\/acme-worker\.yaml:\d+/);
      await shot(ctx, 'image-tooltip');
      await row.click();
      await page.page.locator('.tabs-container .tab.active', { hasText: 'acme-worker.yaml' }).waitFor({ state: 'visible' });
      await page.page.locator('.part.statusbar', { hasText: `Ln ${ctx.world.planted.line},` }).waitFor({ state: 'visible' });
    },
  },
  {
    name: 'the HelmChart shows not-proxied; the quick fix rewrites it to the proxy, the finding clears, the row follows',
    async run(ctx) {
      const page = ctx.workbench;
      await page.problems((problems) => problems.some((problem) => problem.file === 'acme-worker.yaml' && problem.severity === 'error' && problem.text.includes('not-proxied')));
      await shot(ctx, 'not-proxied');
      await page.applyQuickFix(ctx.world.planted.line, ctx.world.planted.column, /Pull through the proxy/);
      await page.runCommand('File: Save');
      const proxied = `${ctx.world.proxy.host}/proxy/${APP}/ghcr.io/acme/migrations:2.4.1`;
      await page.page.locator('.editor-instance .view-lines', { hasText: proxied }).first().waitFor({ state: 'visible' });
      await page.problems((problems) => !problems.some((problem) => problem.file === 'acme-worker.yaml' && problem.text.includes('not-proxied')));
      await shot(ctx, 'not-proxied-fixed');
      await showImagesView(page);
      await imageRow(page, PLANTED, /^\s*ghcr\.io\/acme\/migrations:2\.4\.1\s*through the proxy\s*$/).waitFor({ state: 'visible', timeout: 30_000 });
      await shot(ctx, 'images-after-fix');
    },
  },
  {
    name: 'Test as a Customer on one image: a password box, a pull through the proxy stand-in, remembered only when asked',
    async run(ctx) {
      const page = ctx.workbench;
      await page.clearNotifications();
      const before = ctx.world.proxy.requests.length;
      await page.treeItemContextMenu(imageRow(page, `${REGISTRY_NAME}/acme/api:2.4.1`), 'Test as a Customer');
      await passwordBoxFor(page, ctx.licenseId);
      const toast = await page.waitForNotification(/Test as a Customer passed/);
      const text = await page.notificationText(toast);
      assert.match(text, new RegExp(`A customer with this license can pull ${ctx.world.proxiedImage.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(digest sha256:`));
      await shot(ctx, 'test-as-customer-passed');
      const pulls = ctx.world.proxy.requests.slice(before);
      assert.ok(pulls.some((request) => request.user === 'LICENSE_ID' && request.status === 200 && request.path.endsWith('/manifests/2.4.1')), `the stand-in served the pull with the license: ${JSON.stringify(pulls)}`);
      await page.clickNotificationButton(toast, 'Remember License ID');
      await page.waitForNotification('remembered in your OS keychain');
      await imageRow(page, `${REGISTRY_NAME}/acme/api:2.4.1`, 'customer pull ok').waitFor({ state: 'visible' });
    },
  },
  {
    name: 'Test as a Customer on a whole mode uses the remembered license and says which images fail and why',
    async run(ctx) {
      const page = ctx.workbench;
      await page.clearNotifications();
      await page.treeItemContextMenu(imageRow(page, 'Online'), 'Test as a Customer');
      const toast = await page.waitForNotification(/Test as a Customer: \d+ of \d+ images fail/, 60_000);
      assert.equal(await page.quickInput.isVisible(), false, 'no password box: the remembered license ID was used');
      const text = await page.notificationText(toast);
      assert.match(text, /not found upstream|tag not found upstream/);
      await imageRow(page, `${REGISTRY_NAME}/acme/api:9.9.9-missing`, 'tag not found upstream').waitFor({ state: 'visible' });
      await imageRow(page, `${REGISTRY_NAME}/acme/api:2.4.1`, 'customer pull ok').waitFor({ state: 'visible' });
      await shot(ctx, 'test-as-customer-mode');
    },
  },
  {
    name: 'a wrong license ID is refused in words a vendor understands',
    async run(ctx) {
      const page = ctx.workbench;
      await page.clearNotifications();
      await page.runCommand('Replicated: Forget Customer License ID');
      await page.treeItemContextMenu(imageRow(page, `${REGISTRY_NAME}/acme/api:2.4.1`), 'Test as a Customer');
      await passwordBoxFor(page, ctx.wrongLicenseId);
      const toast = await page.waitForNotification(/Test as a Customer failed/);
      assert.match(await page.notificationText(toast), /The proxy did not accept this license ID .*Check the license ID in the vendor portal \(Customers → the customer\)/);
      await imageRow(page, `${REGISTRY_NAME}/acme/api:2.4.1`, 'license refused').waitFor({ state: 'visible' });
      await shot(ctx, 'test-as-customer-refused');
    },
  },
  {
    name: 'the license IDs are in no file: user data, extensions, workspace, logs',
    run(ctx) {
      const places = [ctx.codeServer.userDataDir, ctx.codeServer.extensionsDir, ctx.world.workspaceDir, path.dirname(ctx.codeServer.logFile), ctx.runDir];
      for (const place of places) {
        for (const secret of [ctx.licenseId, ctx.wrongLicenseId]) assert.deepEqual(filesContaining(place, secret), [], `a license ID was written under ${place}`);
      }
      assert.ok(filesContaining(ctx.codeServer.extensionsDir, 'replicated-registries.testAsCustomer').length > 0, 'the scan finds strings that are there');
      return Promise.resolve();
    },
  },
];
