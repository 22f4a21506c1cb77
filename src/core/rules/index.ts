/** The offline rules, in the order their findings are listed. Adding a rule: one module, one line here. */
import { LIVE_RULES } from '../live/rules';
import { cidrHostBits, cidrInvalid, cidrOverlap } from './cidr.rules';
import { classEmpty } from './class-empty';
import { clusterVariables } from './cluster-variables';
import { cniName } from './cni-name';
import { controlPlaneReplicas } from './control-plane-replicas';
import { deprecatedApi, deprecatedField } from './deprecated';
import { nodePoolName } from './node-pool-name';
import { nodePoolsEmpty } from './node-pools-empty';
import { proxyIncomplete } from './proxy-incomplete';
import { resourceName } from './resource-name';
import type { Rule } from '../findings/rule';
import { trustedCa } from './trusted-ca';
import { versionMismatch } from './version-mismatch';
import { volume } from './volume';

export const OFFLINE_RULES: readonly Rule[] = [
  resourceName,
  controlPlaneReplicas,
  nodePoolsEmpty,
  nodePoolName,
  cniName,
  cidrInvalid,
  cidrHostBits,
  cidrOverlap,
  proxyIncomplete,
  trustedCa,
  versionMismatch,
  deprecatedField,
  deprecatedApi,
  clusterVariables,
  classEmpty,
  volume,
];

/** Ids of checks that are not Rule modules but parts of the engine. */
export const ENGINE_CHECK_IDS = ['yaml-syntax', 'schema', 'template-placeholder'] as const;

/** Every finding code with a one-line description: the README table, SARIF's rule list, hovers. */
export const RULE_CATALOG: readonly { id: string; description: string }[] = [
  { id: 'yaml-syntax', description: 'Malformed YAML, at its position; the other documents of the file are still validated.' },
  { id: 'schema', description: 'Types, required fields, enums and unknown fields, from the JSON schema of the kind and API version.' },
  ...OFFLINE_RULES.map((r) => ({ id: r.id, description: r.description })),
  { id: 'template-placeholder', description: 'A document holding ${VAR} placeholders is a template: said once, and placeholder values are not checked.' },
  ...LIVE_RULES.map((r) => ({ id: r.id, description: `${r.description} (live: needs a connected Supervisor)` })),
  { id: 'admission', description: 'The Supervisor refused the document in a server-side dry run (422 or an admission webhook), at the fields it named.' },
];
