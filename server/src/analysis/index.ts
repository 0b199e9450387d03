/**
 * The analysis engine: find image references in YAML, turn references × the team's registries into
 * findings. The language server and the `lint` CLI call only what this module exports.
 */
export * from '../findings/types';
export { RULES } from '../rules/catalog';
export { findImages, splitDocuments } from '../manifests/findImages';
export { imagesInRelease, dependsOnRelease, registryNamesOf } from '../release/fileImages';
export { localFindings } from '../rules/localRules';
export { remoteFindings } from '../rules/pullRules';
export { registriesFileFindings } from '../rules/registriesFileRule';
export { suppressedCodesAt } from '../rules/suppression';
export { analyzeFile, customerFindingsFor, scanFile, resolveImages, needsResolution, effectiveSeverity, finalizeFindings } from './analyzeFile';
export { isRegistriesFile } from '../rules/registriesFileRule';
export { findImagesInDocument, documentTree } from '../manifests/findImages';
