/**
 * Everything the extension host needs only once the language server starts, bundled apart as
 * dist/languageClient.js so that activation never parses it: the language client itself
 * (vscode-languageclient) and the custom protocol's message types. Nothing of the engine: the extension
 * asks the server for everything (server/src/protocol/). Loaded by `loadLanguageClient` on first use.
 */
export { LanguageClient, TransportKind, RevealOutputChannelOn } from 'vscode-languageclient/node';
export * as protocol from '../../../server/src/protocol/index';
