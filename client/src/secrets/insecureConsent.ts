/**
 * The user's consent, on this machine, to use their credentials with the insecure connection options a
 * committed registries file sets (`plainHttp`, `insecureSkipTLSVerify`). Remembered by registry host in
 * globalState (per machine, never synced) — never in a workspace setting, which a repository could ship.
 * The language server asks through AllowInsecureConnectionRequest and gets an answer at once; the user is
 * asked once per host and session, without blocking anything, and allowing re-checks that registry.
 * Choosing such an option in the add/edit flow is consent too: the user set it on this machine.
 */
import * as vscode from 'vscode';
import type { AllowInsecureConnectionParams } from '../../../server/src/protocol/messages';
import type { ClientLogger } from '../log';

const ALLOWED_HOSTS_KEY = 'replicated-registries.insecureConnectionHostsAllowed';
const ALLOW = 'Allow on This Machine';

export class InsecureConsent {
  /** Hosts the user is being asked about (or was, this session, and said "Not Now"). */
  private readonly asked = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly logger: ClientLogger,
  ) {}

  isAllowed(host: string): boolean {
    return (this.state.get<string[]>(ALLOWED_HOSTS_KEY) ?? []).includes(host);
  }

  async allow(host: string): Promise<void> {
    const hosts = this.state.get<string[]>(ALLOWED_HOSTS_KEY) ?? [];
    if (!hosts.includes(host)) await this.state.update(ALLOWED_HOSTS_KEY, [...hosts, host]);
  }

  /** The server's question: answered at once; the first time per host the user is asked, and `onAllowed` runs if they allow. */
  answer(params: AllowInsecureConnectionParams, onAllowed: () => void): boolean {
    if (this.isAllowed(params.host)) return true;
    if (!this.asked.has(params.host)) {
      this.asked.add(params.host);
      const risk = params.plainHttp ? 'unencrypted, over plain HTTP' : 'to a server whose TLS certificate is not verified';
      void vscode.window
        .showWarningMessage(
          `The registries file sets "${params.slug}" (${params.host}) to ${params.plainHttp ? 'plain HTTP' : 'skip TLS verification'}: your credentials for it would be sent ${risk}. Use them anyway on this machine? Until you allow it, they are not used.`,
          ALLOW,
          'Not Now',
        )
        .then(async (choice) => {
          if (choice !== ALLOW) return;
          await this.allow(params.host);
          this.logger.info(`Insecure connection options allowed for ${params.host} on this machine.`);
          onAllowed();
        });
    }
    return false;
  }
}
