/** cni-name: the CNI must be one the API version supports; antrea-nsx-routed leaves pod CIDRs to NSX. */
import { getAt } from '../manifest/document';
import { layoutOf } from '../manifest/model';
import type { Finding } from '../types';
import type { Rule } from '../findings/rule';
import { at, closest, quote, replaceValueFix } from '../findings/util';

const ALLOWED: Record<string, readonly string[]> = {
  'tkc-v1alpha1': ['calico', 'antrea'],
  'tkc-v1alpha2': ['calico', 'antrea', 'antrea-nsx-routed'],
  'tkc-v1alpha3': ['calico', 'antrea', 'antrea-nsx-routed'],
};

export const cniName: Rule = {
  id: 'cni-name',
  description: 'The CNI is calico or antrea (v1alpha2/3 also antrea-nsx-routed, which needs pods.cidrBlocks unset).',
  check(doc, ctx) {
    const layout = layoutOf(doc.info.flavor);
    const allowed = ALLOWED[doc.info.flavor];
    if (!layout?.cni || !allowed) return [];
    const name = getAt(doc.value, layout.cni);
    if (typeof name !== 'string' || (ctx.isTemplate && name.includes('${'))) return [];
    const out: Finding[] = [];
    if (!allowed.includes(name)) {
      const guess = closest(name, allowed);
      const fix = guess ? replaceValueFix(doc, layout.cni, guess, `Change to ${guess}`, true) : undefined;
      const why = name === 'antrea-nsx-routed' ? ' (antrea-nsx-routed needs v1alpha2 or later)' : '';
      out.push(at(doc, this.id, 'error', layout.cni,
        `spec.settings.network.cni.name ${quote(name)} is not allowed in ${doc.info.version}${why}: use one of ${allowed.join(', ')}.`,
        fix ? { fixes: [fix] } : {}));
    }
    if (name === 'antrea-nsx-routed' && allowed.includes(name)) {
      const pods = getAt(doc.value, layout.podCidrs);
      if (Array.isArray(pods) && pods.length > 0) {
        out.push(at(doc, this.id, 'error', layout.podCidrs,
          'spec.settings.network.pods.cidrBlocks must be unset with CNI antrea-nsx-routed: NSX assigns the pod networks.', { prefer: 'key' }));
      }
    }
    return out;
  },
};
