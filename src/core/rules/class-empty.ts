/**
 * class-empty: a VM class or storage class that is set but empty. The schema accepts an empty
 * string and the Supervisor refuses it only at admission ("" is no class), so it is said here,
 * offline, at the field: the designer's new clusters start with empty pickers.
 */
import { getAt } from '../manifest/document';
import { clusterVariable, nodePoolsOf } from '../manifest/model';
import type { Finding, YamlPath } from '../types';
import type { Rule } from '../findings/rule';
import { at } from '../findings/util';
import { isRecord } from '../json';

const WHAT: Record<string, string> = {
  vmClass: 'a VM class available in the vSphere Namespace',
  storageClass: 'a storage class assigned to the vSphere Namespace',
};

const isEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim() === '';

export const classEmpty: Rule = {
  id: 'class-empty',
  description: 'A VM class or storage class that is set is not empty.',
  check(doc) {
    const f = doc.info.flavor;
    const out: Finding[] = [];
    const flag = (path: YamlPath, field: string, label: string): void => {
      out.push(at(doc, this.id, 'error', path, `${label} is empty: name ${WHAT[field]}.`, { prefer: 'key' }));
    };
    if (f === 'tkc-v1alpha2' || f === 'tkc-v1alpha3') {
      for (const field of ['vmClass', 'storageClass']) {
        const cp = ['spec', 'topology', 'controlPlane', field];
        if (isEmpty(getAt(doc.value, cp))) flag(cp, field, `spec.topology.controlPlane.${field}`);
        for (const pool of nodePoolsOf(doc)) {
          const p = [...pool.path, field];
          if (isEmpty(getAt(doc.value, p))) flag(p, field, `spec.topology.nodePools[${String(pool.path[pool.path.length - 1])}].${field}`);
        }
      }
    } else if (f === 'cluster-tkc') {
      for (const field of ['vmClass', 'storageClass']) {
        const v = clusterVariable(doc, field);
        if (v && isEmpty(v.value)) flag(v.valuePath, field, `Variable "${field}"`);
      }
      for (const pool of nodePoolsOf(doc)) {
        const overrides = getAt(doc.value, [...pool.path, 'variables', 'overrides']);
        if (!Array.isArray(overrides)) continue;
        overrides.forEach((o, i) => {
          if (isRecord(o) && typeof o.name === 'string' && o.name in WHAT && isEmpty(o.value)) {
            flag([...pool.path, 'variables', 'overrides', i, 'value'], o.name, `The override of variable "${o.name}" in machineDeployments[${String(pool.path[pool.path.length - 1])}]`);
          }
        });
      }
    }
    return out;
  },
};
