/** proxy-incomplete: a proxy needs httpProxy, httpsProxy and noProxy together. */
import { getAt } from '../manifest/document';
import { proxyPathOf } from '../manifest/model';
import { formatPath } from '../types';
import type { Rule } from '../findings/rule';
import { at } from '../findings/util';
import { isRecord } from '../json';

const FIELDS = ['httpProxy', 'httpsProxy', 'noProxy'];

export const proxyIncomplete: Rule = {
  id: 'proxy-incomplete',
  description: 'A proxy, when set, has all of httpProxy, httpsProxy and noProxy.',
  check(doc) {
    const path = proxyPathOf(doc);
    if (!path) return [];
    const proxy = getAt(doc.value, path);
    if (!isRecord(proxy)) return [];
    const missing = FIELDS.filter((f) => proxy[f] === undefined || proxy[f] === null);
    if (missing.length === 0) return [];
    return [at(doc, this.id, 'error', path,
      `${formatPath(path)} is missing ${missing.join(', ')}: a proxy needs all of httpProxy, httpsProxy and noProxy.`, { prefer: 'key' })];
  },
};
