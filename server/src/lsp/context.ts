/**
 * What every feature handler may use: the connection, open documents, per-URI settings, the
 * workspace model and the engine's environment. The service (service.ts) implements it; handlers
 * never reach into each other.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ReleaseEnvironment } from '../release/release';
import type { Logger } from '../log/logger';
import type { CredentialBroker } from './credentials';
import type { FileAnalysis, LocalAnalysisCache } from './fileAnalysis';
import type { RegistryAccess } from './registryAccess';
import type { Priority } from './scheduler';
import type { ReleaseCache } from './releaseCache';
import type { InitializationOptions, ServerSettings, SettingsCache } from './settings';
import type { WorkspaceModel } from './workspaceModel';

/** What the client said it supports, reduced to the decisions we make from it. */
export interface ClientFeatures {
  configurationRequest: boolean;
  dynamicConfigurationChange: boolean;
  dynamicWatchedFiles: boolean;
  codeActionLiterals: boolean;
  /** codeAction/resolve can fill in `edit` lazily. */
  codeActionResolveEdit: boolean;
  relatedInformation: boolean;
  markdownHover: boolean;
  workspaceFolders: boolean;
  /** `textDocument/diagnostic` with `workspace/diagnostic/refresh` (LSP 3.17 pull diagnostics). */
  pullDiagnostics: boolean;
}

export interface AnalysisSetup {
  env: ReleaseEnvironment;
  settings: ServerSettings;
  /** Changes whenever configuration or settings change (cache key). */
  generation: string;
}

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly logger: Logger;
  readonly init: InitializationOptions;
  readonly client: ClientFeatures;
  readonly settings: SettingsCache;
  readonly workspace: WorkspaceModel;
  readonly credentials: CredentialBroker;
  readonly registries: RegistryAccess;
  readonly analyses: LocalAnalysisCache;
  /** Each folder's release (HelmCharts, charts, Config), loaded on first need. */
  readonly releases: ReleaseCache;
  /** Settles once the registries files are loaded (after `initialized`). */
  ready(): Promise<void>;
  /** The engine environment for a document (its folder's registries, its settings). */
  environmentFor(uri: string): Promise<AnalysisSetup>;
  /** Whether network checks may run for these settings (trusted, not offline, remote checks on). */
  networkAllowed(settings: ServerSettings): boolean;
  /** The folder whose release a file belongs to (its workspace folder, else its directory). */
  releaseRootOf(uri: string): string;
  /**
   * Images and local findings of an open document's newest text (the version the analysis read is
   * `analysis.text`). Interactive unless said otherwise (scheduler.ts).
   */
  analysisOf(document: TextDocument, priority?: Priority): Promise<FileAnalysis>;
  /**
   * A file's text: the open buffer when the file is open, else the disk (`beforeDecode` is awaited
   * between reading the bytes and decoding them, with their count).
   */
  readText(filePath: string, beforeDecode?: (bytes: number) => Promise<void>): Promise<string | undefined>;
  readTextSync(filePath: string): string | undefined;
}
