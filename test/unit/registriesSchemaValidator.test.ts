// The build replaces the run-time schema compile with ajv standalone code (scripts/registriesSchemaValidatorPlugin.mjs):
// both must judge every file the same way, or the CLI and the tests would disagree.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInThisContext } from 'node:vm';
import { transformSync } from 'esbuild';
import type { ValidateFunction } from 'ajv';
import { registriesSchemaValidator } from '../../server/src/store/registriesSchemaValidator';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PluginModule {
  registriesSchemaValidatorSource(root: string): Promise<string>;
}

async function standaloneValidator(): Promise<ValidateFunction> {
  const plugin = (await import(path.join(root, 'scripts/registriesSchemaValidatorPlugin.mjs'))) as PluginModule;
  const source = await plugin.registriesSchemaValidatorSource(root);
  const { code } = transformSync(source, { format: 'cjs', loader: 'js' });
  const module = { exports: {} as { registriesSchemaValidator?: () => ValidateFunction } };
  // Evaluated the way Node wraps a CommonJS module, with a require that resolves ajv's runtime helpers.
  const load = runInThisContext(`(function (module, exports, require) {\n${code}\n})`, { filename: 'registriesSchemaValidator.generated.js' }) as (m: typeof module, e: typeof module.exports, r: NodeJS.Require) => void;
  load(module, module.exports, createRequire(path.join(root, 'server/src/store/registriesSchemaValidator.ts')));
  assert.equal(typeof module.exports.registriesSchemaValidator, 'function', 'the generated module exports registriesSchemaValidator');
  return (module.exports.registriesSchemaValidator as () => ValidateFunction)();
}

const INSTANCES: unknown[] = [
  {},
  { app: 'my-app', registries: [{ slug: 'acme-ghcr', provider: 'ghcr', endpoint: 'ghcr.io', authType: 'token', username: 'bot' }], public: ['docker.io/library'] },
  { registries: [{ slug: 'x', provider: 'ghcrx', endpoint: 1, authType: 'token', extra: true }] },
  { registries: 'not a list', customDomains: { proxy: [3], registry: 'x' }, public: [null] },
  { app: 7, unknownTopLevel: 1, rules: { 'tag-latest': 'loud' } },
  { registries: [{}] },
  [],
  'text',
];

void describe('registries schema validator: build-time standalone code = run-time compile', () => {
  void it('accepts and rejects the same instances with the same errors', async () => {
    const standalone = await standaloneValidator();
    const runtime = registriesSchemaValidator();
    let rejected = 0;
    for (const instance of INSTANCES) {
      const expected = runtime(instance);
      const errorsExpected = runtime.errors?.map((e) => ({ path: e.instancePath, keyword: e.keyword, params: e.params })) ?? null;
      assert.equal(standalone(instance), expected, `verdict for ${JSON.stringify(instance)}`);
      const errorsActual = standalone.errors?.map((e) => ({ path: e.instancePath, keyword: e.keyword, params: e.params })) ?? null;
      assert.deepEqual(errorsActual, errorsExpected, `errors for ${JSON.stringify(instance)}`);
      if (!expected) rejected++;
    }
    assert.ok(rejected >= 5, 'the table exercises rejections, not only valid files');
  });
});
