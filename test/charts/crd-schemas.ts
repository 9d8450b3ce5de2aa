import { join } from 'path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { requireTool, run } from '../tools';

/** The chart archives of the operators whose custom resources our charts render. */
export const MIRROR_DIR = join(__dirname, '..', '..', '..', 'shared', 'charts-mirror');
/** Each archive with the values that make it render its CRDs. */
const CRD_SOURCES: Record<string, readonly string[]> = {
  'gateway-helm-v1.9.0.tgz': [],
  'cert-manager-v1.21.1.tgz': ['crds.enabled=true'],
  'cloudnative-pg-0.29.0.tgz': ['crds.create=true'],
  'strimzi-kafka-operator-1.2.0.tgz': [],
};

let schemas: Map<string, object> | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** `group/version Kind` → the CRD's OpenAPI schema, from the real upstream charts; compiled when a kind is first checked. */
function load(): Map<string, object> {
  const out = new Map<string, object>();
  for (const [archive, sets] of Object.entries(CRD_SOURCES)) {
    const text = run(requireTool('helm'), [
      'template',
      'crds',
      join(MIRROR_DIR, archive),
      '--include-crds',
      '--kube-version',
      '1.34.0',
      ...sets.flatMap((s) => ['--set', s]),
    ]);
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served || !v.schema?.openAPIV3Schema) continue;
        out.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return out;
}

/**
 * Groups whose CRDs no archive of the mirror carries: the external-secrets archives are packed
 * from source, where the CRD templates are generated at release time and absent.
 */
export const UNVALIDATED_GROUPS = ['external-secrets.io'];

/** Errors of `obj` against its CRD's schema; undefined when no CRD of the mirror defines its kind. */
export function crdSchemaErrors(obj: { apiVersion: string; kind: string }): string[] | undefined {
  schemas ??= load();
  const key = `${obj.apiVersion} ${obj.kind}`;
  const schema = schemas.get(key);
  if (!schema) return undefined;
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile(schema)));
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
