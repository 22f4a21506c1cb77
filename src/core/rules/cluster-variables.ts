/**
 * cluster-variables: a Cluster of class tanzukubernetescluster must set the vmClass and
 * storageClass variables, and every known variable must have the type the class declares.
 */
import { getAt } from '../manifest/document';
import { clusterVariable, nodePoolsOf } from '../manifest/model';
import type { Finding, YamlPath } from '../types';
import { isPlaceholder, type Rule } from '../findings/rule';
import { at, closest } from '../findings/util';
import { isRecord } from '../json';

type Check = (v: unknown) => string | undefined;

const str: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const strList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'a list of strings');
const obj: Check = (v) => (isRecord(v) ? undefined : 'an object');
const list: Check = (v) => (Array.isArray(v) ? undefined : 'a list');
const keyValues: Check = (v) =>
  Array.isArray(v) && v.every((x) => isRecord(x) && typeof x.key === 'string') ? undefined : 'a list of {key, value}';
const rotation: Check = (v) => {
  if (!isRecord(v)) return 'an object {activate, daysBefore}';
  if (v.activate !== undefined && typeof v.activate !== 'boolean') return 'an object whose activate is a boolean';
  if (v.daysBefore !== undefined && (typeof v.daysBefore !== 'number' || !Number.isInteger(v.daysBefore) || v.daysBefore < 7)) {
    return 'an object whose daysBefore is an integer of at least 7';
  }
  return undefined;
};
const pss: Check = (v) => {
  if (!isRecord(v)) return 'an object {enforce, audit, warn, ...}';
  for (const k of ['enforce', 'audit', 'warn']) {
    if (v[k] !== undefined && !['', 'privileged', 'baseline', 'restricted'].includes(v[k] as string)) {
      return `an object whose ${k} is one of "", privileged, baseline, restricted`;
    }
  }
  return undefined;
};

/** The variables of class tanzukubernetescluster, with the type each must have. */
export const TKC_CLASS_VARIABLES: Record<string, Check> = {
  vmClass: str,
  storageClass: str,
  defaultStorageClass: str,
  storageClasses: strList,
  nodePoolVolumes: list,
  controlPlaneVolumes: list,
  nodePoolLabels: keyValues,
  nodePoolTaints: list,
  ntp: str,
  proxy: obj,
  trust: obj,
  user: obj,
  controlPlaneCertificateRotation: rotation,
  podSecurityStandard: pss,
  kubeAPIServerFQDNs: strList,
  clusterEncryptionConfigYaml: str,
  defaultRegistrySecret: obj,
  defaultVolumeSnapshotClass: str,
  volumeSnapshotClasses: strList,
  extensionCert: obj,
  TKR_DATA: obj,
};

const REQUIRED = ['vmClass', 'storageClass'];

function checkVariables(doc: Parameters<Rule['check']>[0], listPath: YamlPath, out: Finding[]): void {
  const vars = getAt(doc.value, listPath);
  if (!Array.isArray(vars)) return;
  vars.forEach((v, i) => {
    if (!isRecord(v) || typeof v.name !== 'string') return;
    const check = TKC_CLASS_VARIABLES[v.name];
    if (!check) {
      const guess = closest(v.name, Object.keys(TKC_CLASS_VARIABLES));
      out.push(at(doc, 'cluster-variables', 'warning', [...listPath, i, 'name'],
        `Variable "${v.name}" is not one class tanzukubernetescluster declares${guess ? `: did you mean "${guess}"?` : '.'}`));
      return;
    }
    if (v.value === undefined || isPlaceholder(v.value)) return;
    const problem = check(v.value);
    if (problem) {
      out.push(at(doc, 'cluster-variables', 'error', [...listPath, i, 'value'], `Variable "${v.name}" must be ${problem}.`));
    }
  });
}

export const clusterVariables: Rule = {
  id: 'cluster-variables',
  description: 'Class tanzukubernetescluster: vmClass and storageClass variables set, every variable of the right type.',
  check(doc) {
    if (doc.info.flavor !== 'cluster-tkc') return [];
    const out: Finding[] = [];
    const missing = REQUIRED.filter((n) => !clusterVariable(doc, n));
    if (missing.length > 0) {
      const hasList = Array.isArray(getAt(doc.value, ['spec', 'topology', 'variables']));
      out.push(at(doc, this.id, 'error', hasList ? ['spec', 'topology', 'variables'] : ['spec', 'topology', 'class'],
        `Class tanzukubernetescluster needs the variable${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} in spec.topology.variables.`,
        { prefer: 'key' }));
    }
    checkVariables(doc, ['spec', 'topology', 'variables'], out);
    for (const pool of nodePoolsOf(doc)) checkVariables(doc, [...pool.path, 'variables', 'overrides'], out);
    return out;
  },
};
