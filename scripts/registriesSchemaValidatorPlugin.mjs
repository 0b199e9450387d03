// esbuild plugin: replaces server/src/store/registriesSchemaValidator.ts with ajv's standalone
// validation code for schemas/registries.schema.json, generated at build time. The bundles then
// neither compile the schema at run time (~130 ms per CLI start) nor carry ajv's compiler.
// The ajv options are read from the module being replaced, so the two can never drift apart.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MODULE = /[\\/]server[\\/]src[\\/]store[\\/]registriesSchemaValidator\.ts$/;

/** The standalone module's source (also used by the unit test that compares it with the run-time compile). */
export async function registriesSchemaValidatorSource(root) {
  const Ajv2020 = require('ajv/dist/2020').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const moduleText = await readFile(path.join(root, 'server/src/store/registriesSchemaValidator.ts'), 'utf8');
  const options = JSON.parse(
    /REGISTRIES_SCHEMA_AJV_OPTIONS = (\{[^}]*\})/
      .exec(moduleText)[1]
      .replace(/(\w+):/g, '"$1":'),
  );
  const keywords = JSON.parse(/REGISTRIES_SCHEMA_EDITOR_KEYWORDS = (\[[^\]]*\])/.exec(moduleText)[1].replace(/'/g, '"'));
  const schema = JSON.parse(await readFile(path.join(root, 'schemas/registries.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ ...options, code: { source: true } });
  ajv.addVocabulary(keywords);
  const validate = ajv.compile(schema);
  const standalone = standaloneCode(ajv, validate);
  return [
    '// Generated at build time by scripts/registriesSchemaValidatorPlugin.mjs (ajv standalone code).',
    'const validate = (() => {',
    '  const module = { exports: {} };',
    '  const exports = module.exports;',
    standalone,
    '  return module.exports;',
    '})();',
    `export const REGISTRIES_SCHEMA_AJV_OPTIONS = ${JSON.stringify(options)};`,
    `export const REGISTRIES_SCHEMA_EDITOR_KEYWORDS = ${JSON.stringify(keywords)};`,
    'export function registriesSchemaValidator() { return validate; }',
    '',
  ].join('\n');
}

export function registriesSchemaValidatorPlugin(root) {
  return {
    name: 'registries-schema-validator',
    setup(build) {
      build.onLoad({ filter: MODULE }, async () => ({
        contents: await registriesSchemaValidatorSource(root),
        loader: 'js',
        resolveDir: path.join(root, 'server/src/store'),
        watchFiles: [path.join(root, 'schemas/registries.schema.json'), path.join(root, 'server/src/store/registriesSchemaValidator.ts')],
      }));
    },
  };
}
