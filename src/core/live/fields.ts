/**
 * Where the live rules' fields stand in each API form: every VM class, storage class and release
 * reference of a cluster document, with its path. One place, so the rules stay small.
 */
import { getAt, type ManifestDocument } from '../manifest/document';
import { clusterVariable, nodePoolsOf, volumeListsOf } from '../manifest/model';
import { isPlaceholder } from '../findings/rule';
import type { YamlPath } from '../types';

export interface FieldRef {
  readonly path: YamlPath;
  readonly value: string;
}

function ref(doc: ManifestDocument, path: YamlPath, out: FieldRef[]): void {
  const v = getAt(doc.value, path);
  if (typeof v === 'string' && v !== '' && !isPlaceholder(v)) out.push({ path, value: v });
}

function refs(doc: ManifestDocument, path: YamlPath, out: FieldRef[]): void {
  const v = getAt(doc.value, path);
  if (Array.isArray(v)) v.forEach((_, i) => ref(doc, [...path, i], out));
}

/** Overrides of a Cluster's machine deployments for one variable name. */
function overrides(doc: ManifestDocument, name: string, out: FieldRef[]): void {
  for (const pool of nodePoolsOf(doc)) {
    const list = getAt(doc.value, [...pool.path, 'variables', 'overrides']);
    if (!Array.isArray(list)) continue;
    list.forEach((o, j) => {
      if (o && typeof o === 'object' && (o as Record<string, unknown>).name === name) ref(doc, [...pool.path, 'variables', 'overrides', j, 'value'], out);
    });
  }
}

export function vmClassRefs(doc: ManifestDocument): FieldRef[] {
  const out: FieldRef[] = [];
  const f = doc.info.flavor;
  if (f === 'tkc-v1alpha1') {
    ref(doc, ['spec', 'topology', 'controlPlane', 'class'], out);
    ref(doc, ['spec', 'topology', 'workers', 'class'], out);
  } else if (f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
    ref(doc, ['spec', 'topology', 'controlPlane', 'vmClass'], out);
    for (const p of nodePoolsOf(doc)) ref(doc, [...p.path, 'vmClass'], out);
  } else if (f === 'cluster-tkc') {
    const v = clusterVariable(doc, 'vmClass');
    if (v) ref(doc, v.valuePath, out);
    overrides(doc, 'vmClass', out);
  }
  return out;
}

export function storageClassRefs(doc: ManifestDocument): FieldRef[] {
  const out: FieldRef[] = [];
  const f = doc.info.flavor;
  if (f === 'tkc-v1alpha1' || f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
    ref(doc, ['spec', 'topology', 'controlPlane', 'storageClass'], out);
    if (f === 'tkc-v1alpha1') ref(doc, ['spec', 'topology', 'workers', 'storageClass'], out);
    else for (const p of nodePoolsOf(doc)) ref(doc, [...p.path, 'storageClass'], out);
    refs(doc, ['spec', 'settings', 'storage', 'classes'], out);
    ref(doc, ['spec', 'settings', 'storage', 'defaultClass'], out);
  } else if (f === 'cluster-tkc') {
    for (const name of ['storageClass', 'defaultStorageClass']) {
      const v = clusterVariable(doc, name);
      if (v) ref(doc, v.valuePath, out);
      overrides(doc, name, out);
    }
    const list = clusterVariable(doc, 'storageClasses');
    if (list) refs(doc, list.valuePath, out);
  } else return out;
  for (const listPath of volumeListsOf(doc)) {
    const vols = getAt(doc.value, listPath);
    if (Array.isArray(vols)) vols.forEach((_, i) => ref(doc, [...listPath, i, 'storageClass'], out));
  }
  return out;
}

export interface ReleaseRef extends FieldRef {
  /** `name`: a TKR object name; `version`: a full version (with '+'); `hint`: a version prefix (v1.21). */
  readonly form: 'name' | 'version' | 'hint';
}

export function releaseRefs(doc: ManifestDocument): ReleaseRef[] {
  const out: ReleaseRef[] = [];
  const add = (path: YamlPath, form: ReleaseRef['form']) => {
    const tmp: FieldRef[] = [];
    ref(doc, path, tmp);
    for (const r of tmp) out.push({ ...r, form: form === 'name' && r.value.includes('+') ? 'version' : form });
  };
  const f = doc.info.flavor;
  if (f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
    add(['spec', 'topology', 'controlPlane', 'tkr', 'reference', 'name'], 'name');
    for (const p of nodePoolsOf(doc)) add([...p.path, 'tkr', 'reference', 'name'], 'name');
  }
  if (f === 'tkc-v1alpha1' || f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
    const full = getAt(doc.value, ['spec', 'distribution', 'fullVersion']);
    if (typeof full === 'string' && full) add(['spec', 'distribution', 'fullVersion'], 'version');
    else add(['spec', 'distribution', 'version'], 'hint');
  }
  if (f === 'cluster-tkc') add(['spec', 'topology', 'version'], 'name');
  return out;
}

/** The namespace a document goes to: its own, or the context's default. */
export function namespaceOf(doc: ManifestDocument, fallback: string): { namespace: string; explicit: boolean } {
  const ns = getAt(doc.value, ['metadata', 'namespace']);
  return typeof ns === 'string' && ns && !isPlaceholder(ns) ? { namespace: ns, explicit: true } : { namespace: fallback, explicit: false };
}

/** Kubernetes version numbers from a TKR name or version string: v1.25.7---vmware.3 -> [1, 25, 7]. */
export function kubernetesVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
