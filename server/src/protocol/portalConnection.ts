/**
 * The vendor-portal connection the editor keeps, in a module with no dependencies: the extension loads
 * it at activation (the LSP library arrives later, with the language client).
 */
export type PortalConnection = PortalTokenConnection | PortalLoginConnection;

/** A token the user pasted (kept in SecretStorage). */
export interface PortalTokenConnection {
  /** The Replicated API token (sent raw in `Authorization`, no "Bearer"). Never log it. */
  token: string;
  /** Vendor API origin, e.g. https://api.replicated.com/vendor. */
  origin: string;
  /** The app slug whose custom domains apply, when the user gave one. */
  app?: string;
}

/**
 * The `replicated` CLI's login on this machine, which the language server found (PortalFindLoginRequest):
 * the server reads the token (and the profile's origin) from that file each time it connects, so the
 * editor never holds the token and a new `replicated login` is picked up.
 */
export interface PortalLoginConnection {
  /** The profile's name, or "" for the file's default profile, else the token `replicated login` wrote. */
  replicatedProfile: string;
  app?: string;
}

export function isLoginConnection(connection: PortalConnection): connection is PortalLoginConnection {
  return typeof (connection as Partial<PortalLoginConnection>).replicatedProfile === 'string';
}
