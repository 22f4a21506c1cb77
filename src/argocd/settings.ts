/**
 * Argo CD's own settings, read as its controller reads them: `argocd-cm` (tracking method,
 * instance label key, `resource.customizations.ignoreDifferences.<group_kind>` and `.all`,
 * `resource.exclusions` and `resource.inclusions`, `resource.compareoptions`) and
 * `argocd-cmd-params-cm` (`application.namespaces`: where Applications may live besides Argo CD's
 * own namespace). A ConfigMap that cannot be read gives the defaults, and says so in `warnings`
 * when it exists but is unreadable.
 */
import { parse } from 'yaml';
import type { ClusterClient } from '../cluster/client';
import { toClusterError } from '../cluster/errors';
import type { ArgoCompareOptions, IgnoreDifference } from '../core/diff/types';
import { isRecord } from '../core/json';
import { filteredResources, type FilteredResource } from '../core/reconcile/resource-filter';
import { ARGOCD_INSTANCE_LABEL, type ArgoTrackingMethod } from '../core/reconcile/ownership';

export const ARGOCD_CM = 'argocd-cm';
export const ARGOCD_CMD_PARAMS_CM = 'argocd-cmd-params-cm';
/** The field manager of Argo CD's server-side apply (gitops-engine's ArgoCDSSAManager's value). */
export const ARGOCD_FIELD_MANAGER = 'argocd-controller';
/** The namespace Argo CD is installed in when nothing says otherwise. */
export const ARGOCD_NAMESPACE = 'argocd';
const CUSTOMIZATIONS = 'resource.customizations.';

export interface ArgoSettings {
  /** The namespace these were read in (Argo CD's). */
  readonly namespace: string;
  /**
   * `application.resourceTrackingMethod`; `annotation` when argocd-cm is there and names none
   * (Argo CD 3's default); undefined when argocd-cm could not be read (either is accepted).
   */
  readonly trackingMethod?: ArgoTrackingMethod;
  /** `application.instanceLabelKey`, default `app.kubernetes.io/instance`. */
  readonly instanceLabelKey: string;
  /** `resource.customizations.ignoreDifferences.*`, as entries (`.all`: group and kind `*`). */
  readonly ignoreDifferences: readonly IgnoreDifference[];
  /** `application.namespaces` of argocd-cmd-params-cm: namespaces (globs) where Applications may live. */
  readonly applicationNamespaces: readonly string[];
  /**
   * Whether argocd-cmd-params-cm was there: then Argo CD reconciles Applications in its own
   * namespace and in `applicationNamespaces` only; without it, which it reconciles is not known.
   */
  readonly paramsFound: boolean;
  /** `resource.exclusions` and `resource.inclusions`: kinds Argo CD never compares, syncs or prunes. */
  readonly exclusions: readonly FilteredResource[];
  readonly inclusions: readonly FilteredResource[];
  /** `resource.compareoptions`, with Argo CD 3's defaults for what it does not set. */
  readonly compareOptions: Required<ArgoCompareOptions>;
  /** Settings that could not be used, each with why. */
  readonly warnings: readonly string[];
}

type Data = Readonly<Record<string, unknown>>;

/** The settings in these ConfigMaps' `data` (undefined: the ConfigMap is not there). */
export function settingsFrom(namespace: string, cm: Data | undefined, params: Data | undefined): ArgoSettings {
  const warnings: string[] = [];
  const method = str(cm?.['application.resourceTrackingMethod']).trim();
  let trackingMethod: ArgoTrackingMethod | undefined = cm ? 'annotation' : undefined;
  if (method === 'label' || method === 'annotation' || method === 'annotation+label') trackingMethod = method;
  else if (method) warnings.push(`${ARGOCD_CM} application.resourceTrackingMethod "${method}" is not label, annotation or annotation+label; Argo CD's default (annotation) is used.`);
  const ignoreDifferences: IgnoreDifference[] = [];
  for (const key of Object.keys(cm ?? {}).sort()) {
    if (!key.startsWith(`${CUSTOMIZATIONS}ignoreDifferences.`)) continue;
    const entry = customization(key.slice(`${CUSTOMIZATIONS}ignoreDifferences.`.length), str(cm?.[key]));
    if (typeof entry === 'string') warnings.push(`${ARGOCD_CM} ${key}: ${entry}`);
    else ignoreDifferences.push(entry);
  }
  const [exclusions, inclusions] = (['resource.exclusions', 'resource.inclusions'] as const).map((key) => {
    const text = str(cm?.[key]);
    if (!text.trim()) return [];
    let r: FilteredResource[] | string;
    try {
      r = filteredResources(parse(text));
    } catch (e) {
      r = `not YAML (${(e as Error).message.split('\n')[0]})`;
    }
    if (typeof r === 'string') warnings.push(`${ARGOCD_CM} ${key}: ${r}; it is not applied.`);
    return typeof r === 'string' ? [] : r;
  });
  return {
    namespace,
    exclusions,
    inclusions,
    compareOptions: compareOptionsFrom(str(cm?.['resource.compareoptions']), warnings),
    ...(trackingMethod ? { trackingMethod } : {}),
    instanceLabelKey: str(cm?.['application.instanceLabelKey']).trim() || ARGOCD_INSTANCE_LABEL,
    ignoreDifferences,
    applicationNamespaces: str(params?.['application.namespaces']).split(',').map((s) => s.trim()).filter(Boolean),
    paramsFound: params !== undefined,
    warnings,
  };
}

/** Argo CD 3's defaults (util/settings GetDefaultDiffOptions): every status ignored, aggregated roles compared. */
export const DEFAULT_COMPARE_OPTIONS: Required<ArgoCompareOptions> = { ignoreAggregatedRoles: false, ignoreResourceStatusField: 'all' };

/** `resource.compareoptions` over the defaults, as Argo CD reads it; what cannot be used is warned about. */
function compareOptionsFrom(text: string, warnings: string[]): Required<ArgoCompareOptions> {
  const key = `${ARGOCD_CM} resource.compareoptions`;
  if (!text.trim()) return DEFAULT_COMPARE_OPTIONS;
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    warnings.push(`${key}: not YAML (${(e as Error).message.split('\n')[0]}); Argo CD's defaults are used.`);
    return DEFAULT_COMPARE_OPTIONS;
  }
  if (!isRecord(value)) {
    warnings.push(`${key}: must be a map (ignoreAggregatedRoles, ignoreResourceStatusField); Argo CD's defaults are used.`);
    return DEFAULT_COMPARE_OPTIONS;
  }
  const out = { ...DEFAULT_COMPARE_OPTIONS };
  const roles = value.ignoreAggregatedRoles;
  if (typeof roles === 'boolean') out.ignoreAggregatedRoles = roles;
  else if (roles !== undefined && roles !== null) warnings.push(`${key}: ignoreAggregatedRoles "${String(roles)}" is not true or false; false is used.`);
  const field = value.ignoreResourceStatusField;
  if (field === 'all' || field === 'crd' || field === 'none') out.ignoreResourceStatusField = field;
  else if (field !== undefined && field !== null && field !== '') warnings.push(`${key}: ignoreResourceStatusField "${String(field)}" is not crd, all or none; all (Argo CD 3's default) is used.`);
  return out;
}

/** One `ignoreDifferences.<group_kind>` value as an entry, or why it cannot be one (Argo CD's convertToOverrideKey). */
function customization(groupKind: string, text: string): IgnoreDifference | string {
  const parts = groupKind.split('_');
  let group: string;
  let kind: string;
  if (groupKind === 'all') [group, kind] = ['*', '*'];
  else if (parts.length === 2) [group, kind] = parts;
  else if (parts.length === 1 && groupKind) [group, kind] = ['', groupKind];
  else return `"${groupKind}" is neither <group>_<kind>, <kind> nor all; it is not applied.`;
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    return `not YAML (${(e as Error).message.split('\n')[0]}); it is not applied.`;
  }
  if (value !== null && value !== undefined && !isRecord(value)) return 'must be a map of jsonPointers, jqPathExpressions and managedFieldsManagers; it is not applied.';
  const v = isRecord(value) ? value : {};
  return {
    group, kind,
    ...lists(v, 'jsonPointers'), ...lists(v, 'jqPathExpressions'), ...lists(v, 'managedFieldsManagers'),
  };
}

function lists(v: Record<string, unknown>, key: 'jsonPointers' | 'jqPathExpressions' | 'managedFieldsManagers'): Partial<IgnoreDifference> {
  const raw = v[key];
  const out = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  return out.length ? { [key]: out } : {};
}

/** Argo CD's settings in its namespace (argocd-cm and argocd-cmd-params-cm, read side by side). */
export async function readArgoSettings(client: Pick<ClusterClient, 'get'>, namespace = ARGOCD_NAMESPACE, timeoutMs?: number): Promise<ArgoSettings> {
  const warnings: string[] = [];
  const read = async (name: string): Promise<Data | undefined> => {
    try {
      const cm = await client.get({ group: '', kind: 'ConfigMap', namespace, name }, { timeoutMs });
      return isRecord(cm.data) ? cm.data : {};
    } catch (e) {
      const err = toClusterError(e);
      if (err.kind !== 'notFound') warnings.push(`Argo CD's ${name} in namespace ${namespace} could not be read (${err.message}); its defaults are used.`);
      return undefined;
    }
  };
  const [cm, params] = await Promise.all([read(ARGOCD_CM), read(ARGOCD_CMD_PARAMS_CM)]);
  const s = settingsFrom(namespace, cm, params);
  return { ...s, warnings: [...warnings, ...s.warnings] };
}

/**
 * The settings of the Argo CD an Application in `appNamespace` belongs to: argocd-cm in its own
 * namespace (then that is Argo CD's), else in Argo CD's default namespace.
 */
export async function settingsForApplication(client: Pick<ClusterClient, 'get'>, appNamespace: string, timeoutMs?: number): Promise<ArgoSettings> {
  const own = await readArgoSettings(client, appNamespace, timeoutMs);
  if (own.trackingMethod !== undefined || appNamespace === ARGOCD_NAMESPACE) return own;
  return readArgoSettings(client, ARGOCD_NAMESPACE, timeoutMs);
}

/** Whether a namespace is one `application.namespaces` allows (Argo CD's globs; `/regex/` too). */
export function namespaceAllowed(namespace: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    if (p.length > 2 && p.startsWith('/') && p.endsWith('/')) {
      try {
        return new RegExp(p.slice(1, -1)).test(namespace);
      } catch {
        return false;
      }
    }
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(namespace);
  });
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
