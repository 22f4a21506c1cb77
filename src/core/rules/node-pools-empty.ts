/** node-pools-empty: a cluster needs at least one node pool (the Supervisor refuses to delete the last). */
import { getAt } from '../manifest/document';
import { layoutOf } from '../manifest/model';
import type { Rule } from '../findings/rule';
import { at } from '../findings/util';

export const nodePoolsEmpty: Rule = {
  id: 'node-pools-empty',
  description: 'A cluster has at least one node pool (nodePools, or workers.machineDeployments).',
  check(doc) {
    const f = doc.info.flavor;
    if (f !== 'tkc-v1alpha2' && f !== 'tkc-v1alpha3' && f !== 'cluster-tkc') return [];
    const layout = layoutOf(f)!;
    const pools = getAt(doc.value, layout.nodePools);
    if (Array.isArray(pools) && pools.length > 0) return [];
    if (pools !== undefined && pools !== null && !Array.isArray(pools)) return []; // a type error: the schema reports it
    // An absent nodePools is the TKC schema's "missing required field"; say it once.
    if (pools === undefined && f !== 'cluster-tkc') return [];
    const field = f === 'cluster-tkc' ? 'spec.topology.workers.machineDeployments' : 'spec.topology.nodePools';
    return [at(doc, this.id, 'error', layout.nodePools, `${field} is empty: a cluster needs at least one node pool.`, { prefer: 'key' })];
  },
};
