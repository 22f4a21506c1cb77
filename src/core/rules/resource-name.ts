/** resource-name: metadata.name must be a DNS-1123 name (a label for clusters, whose name is a host name prefix). */
import { getAt } from '../manifest/document';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at, DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../findings/util';

const CLUSTER_FLAVORS = new Set(['tkc-v1alpha1', 'tkc-v1alpha2', 'tkc-v1alpha3', 'cluster-tkc', 'cluster-other']);

export const resourceName: Rule = {
  id: 'resource-name',
  description: 'metadata.name is a DNS-1123 name (a DNS-1123 label for clusters).',
  check(doc) {
    const name = getAt(doc.value, ['metadata', 'name']);
    if (typeof name !== 'string' || isPlaceholder(name)) return [];
    const cluster = CLUSTER_FLAVORS.has(doc.info.flavor);
    const ok = cluster ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
    if (ok) return [];
    const what = cluster
      ? 'a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters'
      : "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters";
    return [at(doc, this.id, 'error', ['metadata', 'name'], `metadata.name "${name}" is not ${what}.`)];
  },
};
