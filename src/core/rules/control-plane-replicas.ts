/** control-plane-replicas: the Supervisor runs a control plane of 1 or 3 nodes, nothing else. */
import { getAt } from '../manifest/document';
import { layoutOf } from '../manifest/model';
import type { Fix } from '../types';
import type { Rule } from '../findings/rule';
import { at, replaceValueFix } from '../findings/util';

export const controlPlaneReplicas: Rule = {
  id: 'control-plane-replicas',
  description: 'Control plane replicas (count in v1alpha1) must be 1 or 3.',
  check(doc) {
    const layout = layoutOf(doc.info.flavor);
    if (!layout) return [];
    const value = getAt(doc.value, layout.controlPlaneReplicas);
    if (typeof value !== 'number' || value === 1 || value === 3) return [];
    const nearest = value >= 2 ? 3 : 1;
    const fixes = [nearest, nearest === 3 ? 1 : 3]
      .map((n) => replaceValueFix(doc, layout.controlPlaneReplicas, String(n), `Set ${layout.replicasField} to ${n}`, n === nearest))
      .filter((f): f is Fix => !!f);
    return [at(doc, this.id, 'error', layout.controlPlaneReplicas,
      `spec.topology.controlPlane.${layout.replicasField} is ${value}: a control plane has either 1 or 3 nodes.`, { fixes })];
  },
};
