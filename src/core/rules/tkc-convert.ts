/**
 * TanzuKubernetesCluster v1alpha1 to v1alpha3, with the fields mapped as the TKG Service
 * documents the conversion: count -> replicas, class -> vmClass, workers -> one node pool named
 * "workers", distribution.fullVersion -> tkr.reference.name. What has no mapping is carried over
 * as it is, so validation names it rather than the conversion dropping it.
 */
import { stringify } from 'yaml';
import { isRecord } from '../json';
import type { ManifestDocument } from '../manifest/document';
import type { Fix } from '../types';

type Obj = Record<string, unknown>;

/** TKR object names are the version with '+' replaced by '---'. */
export function tkrNameFromVersion(version: string): string {
  return version.trim().replace(/\+/g, '---');
}

function nodeSet(v1: Obj): Obj {
  const { count, class: vmClass, ...rest } = v1;
  const out: Obj = {};
  if (count !== undefined) out.replicas = count;
  if (vmClass !== undefined) out.vmClass = vmClass;
  return { ...out, ...rest };
}

/** The v1alpha3 form of a v1alpha1 TanzuKubernetesCluster value. */
export function tkcV1alpha1ToV1alpha3(doc: Obj): Obj {
  const spec = isRecord(doc.spec) ? doc.spec : {};
  const { distribution, topology, ...specRest } = spec;
  const topo = isRecord(topology) ? topology : {};
  const { controlPlane, workers, ...topoRest } = topo;
  const cp: Obj = isRecord(controlPlane) ? nodeSet(controlPlane) : {};
  const dist = isRecord(distribution) ? distribution : undefined;
  const full = dist && typeof dist.fullVersion === 'string' && dist.fullVersion ? dist.fullVersion : undefined;
  let keepDistribution: Obj | undefined;
  if (full) cp.tkr = { reference: { name: tkrNameFromVersion(full) } };
  // A bare version hint has no TKR name offline: it stays, and deprecated-field offers the move.
  else if (dist) keepDistribution = dist;
  const newTopology: Obj = { controlPlane: cp };
  if (isRecord(workers)) newTopology.nodePools = [{ name: 'workers', ...nodeSet(workers) }];
  Object.assign(newTopology, topoRest);
  const newSpec: Obj = { topology: newTopology, ...(keepDistribution ? { distribution: keepDistribution } : {}), ...specRest };
  return { ...doc, apiVersion: 'run.tanzu.vmware.com/v1alpha3', spec: newSpec };
}

/**
 * A fix that rewrites a document's content (from its first to its last character, so a `---`
 * before it and what follows stay); comments inside it are not kept, and the title says so.
 * `leadComments` become comment lines above the converted content (what the conversion could not map).
 */
export function convertDocumentFix(doc: ManifestDocument, converted: Obj, title: string, leadComments: readonly string[] = []): Fix {
  const [from, to] = doc.root.range;
  const hasComments = /(^|\s)#/.test(doc.text.slice(from, to));
  const lead = leadComments.map((c) => `# ${c.replace(/\r?\n/g, ' ')}\n`).join('');
  const body = lead + stringify(converted, { lineWidth: 0 }).replace(/\n$/, '');
  return {
    title: hasComments ? `${title} (its comments are not kept)` : title,
    edits: [{ range: { start: doc.lines.position(from), end: doc.lines.position(to) }, newText: body }],
  };
}
