/**
 * The schemas the extension ships, compiled once each, on first use.
 *
 * Invariant: schemas load lazily (a `require` per id, which the bundler keeps lazy), so a file
 * that holds only TKC v1alpha2 documents never pays for the 400 KB Argo CD Application schema;
 * and so does Ajv itself (about 10 ms to load), which a command line that validates nothing of
 * ours (diff, or a sync of other kinds) never needs.
 */
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

const LOADERS: Record<string, () => object> = {
  'tkc-v1alpha1': () => require('../../../schemas/tkc-v1alpha1.schema.json'),
  'tkc-v1alpha2': () => require('../../../schemas/tkc-v1alpha2.schema.json'),
  'tkc-v1alpha3': () => require('../../../schemas/tkc-v1alpha3.schema.json'),
  'tkr-v1alpha1': () => require('../../../schemas/tkr-v1alpha1.schema.json'),
  'tkr-v1alpha2': () => require('../../../schemas/tkr-v1alpha2.schema.json'),
  'tkr-v1alpha3': () => require('../../../schemas/tkr-v1alpha3.schema.json'),
  'vmclass-v1alpha1': () => require('../../../schemas/vmclass-v1alpha1.schema.json'),
  'vmclass-v1alpha2': () => require('../../../schemas/vmclass-v1alpha2.schema.json'),
  'vmclass-v1alpha3': () => require('../../../schemas/vmclass-v1alpha3.schema.json'),
  'vmclass-v1alpha4': () => require('../../../schemas/vmclass-v1alpha4.schema.json'),
  'vmclass-v1alpha5': () => require('../../../schemas/vmclass-v1alpha5.schema.json'),
  'vmclass-v1alpha6': () => require('../../../schemas/vmclass-v1alpha6.schema.json'),
  'vmclassbinding-v1alpha1': () => require('../../../schemas/vmclassbinding-v1alpha1.schema.json'),
  'application-v1alpha1': () => require('../../../schemas/application-v1alpha1.schema.json'),
  'appproject-v1alpha1': () => require('../../../schemas/appproject-v1alpha1.schema.json'),
  'applicationset-v1alpha1': () => require('../../../schemas/applicationset-v1alpha1.schema.json'),
  'cluster-v1beta1-tanzukubernetescluster': () => require('../../../schemas/cluster-v1beta1-tanzukubernetescluster.schema.json'),
};

export type JsonSchema = Record<string, unknown>;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

export function schemaIds(): string[] {
  return Object.keys(LOADERS);
}

export function getSchema(id: string): JsonSchema | undefined {
  const load = LOADERS[id];
  return load ? (load() as JsonSchema) : undefined;
}

export function getValidator(id: string): ValidateFunction | undefined {
  let fn = compiled.get(id);
  if (fn) return fn;
  const schema = getSchema(id);
  if (!schema) return undefined;
  // optimize: false: Ajv's passes over the generated code cost about a third of a compile (each
  // command-line run compiles afresh) and make validation no faster measurably
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  ajv ??= new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true, validateSchema: false, code: { optimize: false } });
  fn = ajv.compile(schema);
  compiled.set(id, fn);
  return fn;
}
