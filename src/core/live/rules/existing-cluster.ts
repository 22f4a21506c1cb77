/**
 * immutable-field, control-plane-scale-in, version-downgrade: edits of an existing cluster that
 * the Supervisor refuses. Each compares the manifest with the live object of the same name.
 */
import { getAt, type ManifestDocument } from '../../manifest/document';
import { layoutOf, type ClusterLayout } from '../../manifest/model';
import type { Finding, YamlPath } from '../../types';
import { formatPath } from '../../types';
import type { Rule, RuleContext } from '../../findings/rule';
import { at } from '../../findings/util';
import type { SupervisorFacts } from '../facts';
import { kubernetesVersion, namespaceOf, releaseRefs } from '../fields';
import { resolveRelease } from './tkr';

function live(doc: ManifestDocument, facts: SupervisorFacts): Record<string, unknown> | undefined {
  const name = getAt(doc.value, ['metadata', 'name']);
  if (typeof name !== 'string') return undefined;
  const { namespace } = namespaceOf(doc, facts.defaultNamespace);
  return facts.liveObject(doc.info.group, doc.info.kind, namespace, name);
}

/** A cluster of the manifest that is live: its field layout, the live object, and the facts it came with. */
interface LiveCluster {
  readonly layout: ClusterLayout;
  readonly current: Record<string, unknown>;
  readonly facts: SupervisorFacts;
}

/** A rule on an edit of a cluster that exists: `compare` runs when the manifest's cluster is live. */
function existingClusterRule(id: string, description: string, compare: (doc: ManifestDocument, cluster: LiveCluster, id: string) => Finding[]): Rule {
  return {
    id,
    description,
    check(doc, { facts }) {
      const layout = facts && layoutOf(doc.info.flavor);
      const current = layout && live(doc, facts);
      return current ? compare(doc, { layout, current, facts }, id) : [];
    },
  };
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const immutableField = existingClusterRule(
  'immutable-field',
  'A change to the pod or service CIDRs, serviceDomain or CNI of an existing cluster.',
  (doc, { layout, current, facts }, id) => {
    const out: Finding[] = [];
    const fields: YamlPath[] = [layout.podCidrs, layout.serviceCidrs, layout.serviceDomain, ...(layout.cni ? [layout.cni] : [])];
    for (const path of fields) {
      const mine = getAt(doc.value, path);
      const theirs = getAt(current, path);
      if (mine === undefined || theirs === undefined || same(mine, theirs)) continue;
      const what = doc.info.kind === 'Cluster' ? 'spec.clusterNetwork is immutable' : `${formatPath(path)} cannot change after creation`;
      out.push(at(doc, id, 'error', path, `${what}: the live cluster on ${facts.context} has ${show(theirs)}, this manifest ${show(mine)}. Changing it needs a new cluster.`, { prefer: 'value' }));
    }
    return out;
  },
);

export const controlPlaneScaleIn = existingClusterRule(
  'control-plane-scale-in',
  'Scaling an existing control plane in from 3 to 1 replicas.',
  (doc, { layout, current, facts }, id) => {
    const mine = getAt(doc.value, layout.controlPlaneReplicas);
    const theirs = getAt(current, layout.controlPlaneReplicas);
    if (mine !== 1 || theirs !== 3) return [];
    return [at(doc, id, 'error', layout.controlPlaneReplicas,
      `The control plane of the live cluster on ${facts.context} has 3 nodes: scaling in to 1 is refused (scaling out from 1 to 3 is allowed).`)];
  },
);

function liveVersion(doc: ManifestDocument, current: Record<string, unknown>, ctx: RuleContext): [number, number, number] | undefined {
  const liveDoc = { ...doc, value: current } as ManifestDocument;
  for (const r of releaseRefs(liveDoc)) {
    const tkr = ctx.facts?.tkrs ? resolveRelease(r, ctx.facts.tkrs) : undefined;
    const v = kubernetesVersion(tkr?.kubernetesVersion ?? tkr?.version ?? (r.form === 'hint' ? '' : r.value));
    if (v) return v;
  }
  const status = getAt(current, ['status', 'version']);
  return typeof status === 'string' ? kubernetesVersion(status) : undefined;
}

export const versionDowngrade: Rule = {
  id: 'version-downgrade',
  description: 'A lower Kubernetes version than the live cluster, a major change, or a skipped minor version.',
  check(doc, ctx) {
    const facts = ctx.facts;
    if (!facts) return [];
    const current = live(doc, facts);
    if (!current) return [];
    const from = liveVersion(doc, current, ctx);
    if (!from) return [];
    const out: Finding[] = [];
    for (const r of releaseRefs(doc)) {
      const tkr = facts.tkrs ? resolveRelease(r, facts.tkrs) : undefined;
      const to = kubernetesVersion(tkr?.kubernetesVersion ?? tkr?.version ?? r.value);
      if (!to) continue;
      const f = from.join('.');
      const t = to.join('.');
      let problem: string | undefined;
      if (to[0] !== from[0]) problem = `changes the major version (${f} to ${t})`;
      else if (to[1] < from[1] || (to[1] === from[1] && to[2] < from[2])) problem = `is a downgrade from ${f} to ${t}`;
      else if (to[1] > from[1] + 1) problem = `skips a minor version (${f} to ${t}): upgrade one minor version at a time`;
      if (problem) out.push(at(doc, this.id, 'error', r.path, `This release ${problem} of the live cluster on ${facts.context}.`));
    }
    return out;
  },
};
