/**
 * The customer license ID that "Test as a Customer" pulls with, remembered ONLY in SecretStorage and
 * only when the user says so (the "Remember License ID" button after a test). Never in a setting, a
 * file, a log line or a process argument: it is typed into a password box, registered with the
 * redaction of every log and trace line, and sent to the language server alone, which sends it only to
 * the proxy host the test pulls from.
 */
import * as vscode from 'vscode';
import { registerSecret } from '../../../server/src/protocol/redaction';

const SECRET_KEY = 'replicated-registries.customerLicenseId';
export const LICENSE_REMEMBERED_CONTEXT = 'replicated-registries.licenseRemembered';

export class LicenseStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The remembered license ID, or undefined. */
  async remembered(): Promise<string | undefined> {
    const value = (await this.secrets.get(SECRET_KEY))?.trim();
    if (!value) return undefined;
    registerSecret(value);
    return value;
  }

  async remember(licenseId: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, licenseId);
    await this.refreshContext();
  }

  async forget(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    await this.refreshContext();
  }

  /** Sets the context key the palette's "Forget Customer License ID" shows on. */
  async refreshContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', LICENSE_REMEMBERED_CONTEXT, (await this.remembered()) !== undefined);
  }
}
