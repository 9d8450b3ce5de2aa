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
};

let validators: Map<string, ValidateFunction> | undefined;

/** `group/version Kind` → a validator of the CRD's OpenAPI schema, from the real upstream charts. */
function load(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const out = new Map<string, ValidateFunction>();
  for (const [archive, sets] of Object.entries(CRD_SOURCES)) {
    const text = run(requireTool('helm'), [
      'template', 'crds', join(MIRROR_DIR, archive), '--include-crds', '--kube-version', '1.34.0', ...sets.flatMap((s) => ['--set', s]),
    ]);
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        if (!v.served || !v.schema?.openAPIV3Schema) continue;
        out.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
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
  validators ??= load();
  const validate = validators.get(`${obj.apiVersion} ${obj.kind}`);
  if (!validate) return undefined;
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
