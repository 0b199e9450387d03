/**
 * The compiled JSON Schema validator of `.replicated-registries.yaml`.
 *
 * Compiling the schema with ajv costs ~130 ms of CPU (ajv first compiles the 2020-12 meta-schema),
 * which a CI `lint` run would pay on every start. So the bundles never run this module: the
 * esbuild plugin in scripts/registriesSchemaValidatorPlugin.mjs replaces it at build time with
 * ajv's standalone code for the same schema and the same options (REGISTRIES_SCHEMA_AJV_OPTIONS),
 * and ajv's compiler stays out of the bundles. Run from sources (tests, tsx) it compiles once, lazily.
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import registriesSchema from '../../../schemas/registries.schema.json';

/** The ajv options; the build plugin uses the very same ones (it reads them from this file). */
export const REGISTRIES_SCHEMA_AJV_OPTIONS = { allErrors: true, verbose: true, strict: true } as const;
/** Editor-only keywords of the schema (VS Code / yaml-language-server read them); ajv must know them in strict mode. */
export const REGISTRIES_SCHEMA_EDITOR_KEYWORDS = ['deprecationMessage', 'doNotSuggest', 'markdownDescription'];

let compiled: ValidateFunction | undefined;

export function registriesSchemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ ...REGISTRIES_SCHEMA_AJV_OPTIONS });
    ajv.addVocabulary(REGISTRIES_SCHEMA_EDITOR_KEYWORDS);
    compiled = ajv.compile(registriesSchema);
  }
  return compiled;
}
