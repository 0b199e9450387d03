/**
 * Every custom message, for the extension's lazily loaded language client (one object it picks request
 * types from at run time). Server code imports the module it needs directly.
 */
export * from './messages';
export * from './registryRequests';
export * from './portalRequests';
export * from './dockerConfigRequests';
export * from './serverProcess';
export type * from './vocabulary';
