/**
 * deprecated-field and deprecated-api: what still works but is on its way out.
 * deprecated-field offers to move spec.distribution to spec.topology.controlPlane.tkr.reference.name.
 */
import { getAt, locate, type ManifestDocument } from '../manifest/document';
import type { Fix, TextEdit } from '../types';
import type { Rule } from '../findings/rule';
import { at } from '../findings/util';
import type { SupervisorFacts } from '../live/facts';
import { resolveRelease } from '../live/rules/tkr';
import { convertDocumentFix, tkcV1alpha1ToV1alpha3, tkrNameFromVersion } from './tkc-convert';
import { convertToClusterFix } from './tkc-to-cluster';

export { tkrNameFromVersion };

/**
 * The TKR name spec.distribution stands for. Offline: the name its full version makes. Connected:
 * only a release the Supervisor has (a hint resolves as the Supervisor resolves it), else none.
 */
export function distributionRelease(distribution: unknown, tkrs: SupervisorFacts['tkrs']): string | undefined {
  const full = getAt(distribution, ['fullVersion']);
  const hint = getAt(distribution, ['version']);
  const version = typeof full === 'string' && full ? full : typeof hint === 'string' && hint.includes('+') ? hint : undefined;
  if (version?.includes('${') || (typeof hint === 'string' && hint.includes('${'))) return undefined;
  if (!tkrs) return version ? tkrNameFromVersion(version) : undefined;
  const found = version
    ? resolveRelease({ form: 'version', value: version.trim(), path: [] }, tkrs)
    : typeof hint === 'string' && hint.trim() ? resolveRelease({ form: 'hint', value: hint.trim(), path: [] }, tkrs) : undefined;
  return found && found.compatible && !found.deactivated ? found.name : undefined;
}

function distributionFix(doc: ManifestDocument, facts: SupervisorFacts | undefined): Fix | undefined {
  const name = distributionRelease(getAt(doc.value, ['spec', 'distribution']), facts?.tkrs);
  if (!name) return undefined;
  const dist = locate(doc, ['spec', 'distribution']);
  const cp = locate(doc, ['spec', 'topology', 'controlPlane']);
  if (!dist?.pair || !dist.node || cp?.node?.kind !== 'map' || cp.node.flow || !cp.pair) return undefined;
  if (getAt(doc.value, ['spec', 'topology', 'controlPlane', 'tkr']) !== undefined) return undefined;
  const firstKey = cp.node.pairs[0]?.key;
  if (!firstKey) return undefined;
  const distKey = dist.pair.key;
  const distValue = dist.node;
  const lines = doc.lines;
  const insertAt = lines.position(firstKey.range[0]);
  const indent = ' '.repeat(insertAt.character);
  const step = Math.max(2, insertAt.character - lines.position(cp.pair.key.range[0]).character);
  const pad = ' '.repeat(step);
  const insertion: TextEdit = {
    range: { start: { line: insertAt.line, character: 0 }, end: { line: insertAt.line, character: 0 } },
    newText: `${indent}tkr:\n${indent}${pad}reference:\n${indent}${pad}${pad}name: ${name}\n`,
  };
  // Delete the whole distribution entry: from its key's line to the line after its value.
  const startLine = lines.position(distKey.range[0]).line;
  const endPos = lines.position(Math.max(distValue.range[1] - 1, distValue.range[0]));
  // Up to the start of the next line; in a text with no final newline, up to its end (no line after it).
  const end = endPos.line + 1 < lines.lineCount ? { line: endPos.line + 1, character: 0 } : lines.position(doc.text.length);
  const deletion: TextEdit = {
    range: { start: { line: startLine, character: 0 }, end },
    newText: '',
  };
  if (insertAt.line >= startLine && insertAt.line <= endPos.line) return undefined;
  return { title: `Replace spec.distribution with tkr.reference.name: ${name}`, edits: [insertion, deletion], preferred: true };
}

export const deprecatedField: Rule = {
  id: 'deprecated-field',
  description: 'spec.distribution in v1alpha2/v1alpha3 is deprecated in favour of tkr.reference (quick fix).',
  check(doc, { facts }) {
    if (doc.info.flavor !== 'tkc-v1alpha2' && doc.info.flavor !== 'tkc-v1alpha3') return [];
    if (getAt(doc.value, ['spec', 'distribution']) === undefined) return [];
    const fix = distributionFix(doc, facts);
    return [at(doc, this.id, 'warning', ['spec', 'distribution'],
      `spec.distribution is deprecated in ${doc.info.version}: name the release with spec.topology.controlPlane.tkr.reference.name (a TanzuKubernetesRelease).`,
      { prefer: 'key', fixes: fix ? [fix] : undefined })];
  },
};

export const deprecatedApi: Rule = {
  id: 'deprecated-api',
  description: 'TKC v1alpha1 is deprecated; v1alpha3 is deprecated from TKG Service 3.2 in favour of Cluster.',
  check(doc) {
    const f = doc.info.flavor;
    if (f === 'tkc-v1alpha1') {
      const fix = convertDocumentFix(doc, tkcV1alpha1ToV1alpha3(doc.value), 'Convert to run.tanzu.vmware.com/v1alpha3');
      return [at(doc, this.id, 'warning', ['apiVersion'],
        'run.tanzu.vmware.com/v1alpha1 is deprecated: use v1alpha3 (vSphere 8) or v1alpha2 (vSphere 7 U3), whose layout differs (nodePools, vmClass, replicas).',
        { fixes: [{ ...fix, preferred: true }, convertToClusterFix(doc)] })];
    }
    if (f === 'tkc-v1alpha3') {
      return [at(doc, this.id, 'warning', ['apiVersion'],
        'TanzuKubernetesCluster v1alpha3 is deprecated from TKG Service 3.2: new clusters should use cluster.x-k8s.io/v1beta1 Cluster with spec.topology.class tanzukubernetescluster.',
        { fixes: [convertToClusterFix(doc)] })];
    }
    return [];
  },
};
