/**
 * SupervisorFactsSource: the facts the live rules read (src/core/live/facts.ts), built from caches
 * kept fresh by watches — namespaces, VM classes (both models), storage classes (storage quota
 * keys), zones, TKRs, and the live TanzuKubernetesClusters and Clusters.
 *
 * A namespaced kind is listed across all namespaces; when that is forbidden (a user bound to one
 * namespace), it is listed per namespace of interest (the context's namespace and the ones
 * addNamespace() names). Invariant (from facts.ts): what could not be learnt — forbidden, not
 * served, not listed yet — is undefined, never an empty set. `generation` moves on every change.
 */
import { VSPHERE_NAMESPACE_LABEL, type NamespaceFacts, type SupervisorFacts, type TkrFact, type VmClassSize } from '../core/live/facts';
import type { ResourceCache, ResourceCacheOptions } from './cache';
import type { KindRef, KubeObject } from './client';
import { Emitter, whenEvent, type Disposable, type Event } from './events';

export const KINDS = {
  namespace: { group: '', kind: 'Namespace' },
  resourceQuota: { group: '', kind: 'ResourceQuota' },
  vmClass: { group: 'vmoperator.vmware.com', kind: 'VirtualMachineClass' },
  vmClassBinding: { group: 'vmoperator.vmware.com', kind: 'VirtualMachineClassBinding' },
  zone: { group: 'topology.tanzu.vmware.com', kind: 'Zone' },
  tkr: { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesRelease' },
  tkc: { group: 'run.tanzu.vmware.com', kind: 'TanzuKubernetesCluster' },
  cluster: { group: 'cluster.x-k8s.io', kind: 'Cluster' },
} as const satisfies Record<string, KindRef>;

const STORAGE_QUOTA_KEY = /^(.+)\.storageclass\.storage\.k8s\.io\/requests\.storage$/;

export interface FactsSourceOptions {
  /** Namespaces to know about even when namespaces cannot be listed (the context's is always one). */
  readonly namespaces?: readonly string[];
  /** Delay that gathers a burst of changes into one onDidChange (default 50 ms). */
  readonly debounceMs?: number;
  /** Options for the caches the source starts. */
  readonly cacheOptions?: ResourceCacheOptions;
}

/**
 * One kind, cluster-wide, or per namespace of interest once the cluster-wide list is forbidden.
 */
/**
 * What the facts source needs of a session (a ConnectionSession is one): its context and namespace,
 * and its shared caches. Declared here so that the session, which makes a facts source, and this
 * module do not import each other.
 */
export interface CacheSession {
  readonly context: string;
  readonly namespace: string;
  acquire(ref: KindRef, options?: ResourceCacheOptions): ResourceCache;
  release(cache: ResourceCache): void;
}

class KindView implements Disposable {
  private all?: ResourceCache;
  private readonly perNamespace = new Map<string, ResourceCache>();
  private readonly subs: Disposable[] = [];

  constructor(
    private readonly session: CacheSession,
    readonly ref: KindRef,
    private readonly interest: ReadonlySet<string>,
    private readonly cacheOptions: ResourceCacheOptions,
    private readonly changed: () => void,
  ) {}

  start(): this {
    this.all = this.watch(this.session.acquire(this.ref, this.cacheOptions));
    return this;
  }

  private watch(cache: ResourceCache): ResourceCache {
    this.subs.push(cache.onDidChange(() => this.changed()));
    this.subs.push(cache.onDidChangeState(() => {
      if (cache === this.all && !cache.synced && cache.lastError?.kind === 'forbidden' && cache.info?.namespaced) this.goPerNamespace();
      this.changed();
    }));
    return cache;
  }

  private goPerNamespace(): void {
    const all = this.all;
    this.all = undefined;
    if (all) this.session.release(all);
    for (const ns of this.interest) this.addNamespace(ns);
  }

  addNamespace(ns: string): void {
    if (this.all || this.perNamespace.has(ns)) return;
    this.perNamespace.set(ns, this.watch(this.session.acquire(this.ref, { ...this.cacheOptions, namespace: ns })));
  }

  private caches(): ResourceCache[] {
    return this.all ? [this.all] : [...this.perNamespace.values()];
  }

  /** true / false (no CRD) / undefined (not known yet). */
  served(): boolean | undefined {
    const cs = this.caches();
    if (cs.some((c) => c.info)) return true;
    if (cs.length && cs.every((c) => c.notServed)) return false;
    return undefined;
  }

  namespaced(): boolean | undefined {
    return this.caches().find((c) => c.info)?.info?.namespaced;
  }

  /** Objects of a namespace (of all, for a cluster-scoped kind); undefined when unknown. */
  items(namespace?: string): KubeObject[] | undefined {
    if (this.all) {
      if (!this.all.synced) return undefined;
      const items = this.all.items();
      return namespace === undefined || this.all.info?.namespaced === false ? items : items.filter((o) => o.metadata?.namespace === namespace);
    }
    const c = namespace === undefined ? undefined : this.perNamespace.get(namespace);
    return c?.synced ? c.items() : undefined;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    if (this.all) return this.all.synced ? this.all.get(namespace, name) : undefined;
    const c = this.perNamespace.get(namespace);
    return c?.synced ? c.get(namespace, name) : undefined;
  }

  /** Every cache listed, or known not to be served, or stuck on an error that will not pass soon. */
  settled(): boolean {
    return this.caches().every((c) => c.synced || c.notServed || (!!c.lastError && ['forbidden', 'unauthorized', 'config'].includes(c.lastError.kind)));
  }

  /** Why this kind's facts are missing, when not for a refusal (forbidden) or a kind not served. */
  missing(): string | undefined {
    for (const c of this.caches()) {
      if (c.synced || c.notServed || c.lastError?.kind === 'forbidden') continue;
      return `${this.ref.kind}: ${c.lastError ? c.lastError.message.split('\n')[0] : 'no answer yet'}`;
    }
    return undefined;
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    for (const c of this.caches()) this.session.release(c);
    this.all = undefined;
    this.perNamespace.clear();
  }
}

export class SupervisorFactsSource implements Disposable {
  private readonly interest = new Set<string>();
  private readonly views: Record<keyof typeof KINDS, KindView>;
  private gen = 0;
  private snapshot?: SupervisorFacts;
  private timer?: NodeJS.Timeout;
  private disposed = false;
  private readonly changeEmitter = new Emitter<SupervisorFacts>();
  private readonly pokeEmitter = new Emitter<void>();
  /** Fires (gathered over debounceMs) with the new facts after any change. */
  readonly onDidChange: Event<SupervisorFacts> = this.changeEmitter.event;

  constructor(private readonly session: CacheSession, private readonly options: FactsSourceOptions = {}) {
    this.interest.add(session.namespace);
    for (const ns of options.namespaces ?? []) this.interest.add(ns);
    const view = (ref: KindRef) => new KindView(session, ref, this.interest, options.cacheOptions ?? {}, () => this.changed());
    this.views = {
      namespace: view(KINDS.namespace),
      resourceQuota: view(KINDS.resourceQuota),
      vmClass: view(KINDS.vmClass),
      vmClassBinding: view(KINDS.vmClassBinding),
      zone: view(KINDS.zone),
      tkr: view(KINDS.tkr),
      tkc: view(KINDS.tkc),
      cluster: view(KINDS.cluster),
    };
  }

  start(): this {
    for (const v of Object.values(this.views)) v.start();
    return this;
  }

  get generation(): number {
    return this.gen;
  }

  /** Learn about one more namespace (a manifest names it) even without the right to list all. */
  addNamespace(ns: string): void {
    if (!ns || this.interest.has(ns)) return;
    this.interest.add(ns);
    for (const v of Object.values(this.views)) v.addNamespace(ns);
    this.changed();
  }

  /** Resolves when every kind has listed or settled on an answer (forbidden, not served), or at the timeout. */
  whenReady(timeoutMs = 30_000): Promise<boolean> {
    const ready = () => Object.values(this.views).every((v) => v.settled());
    if (ready()) return Promise.resolve(true);
    return whenEvent(this.pokeEmitter.event, () => (this.disposed ? false : ready() ? true : undefined), timeoutMs);
  }

  /**
   * The kinds whose facts are missing for a reason that is not an answer (not a refusal, not a
   * kind the server lacks): an error or no answer yet, as `Kind: cause`.
   */
  missing(): string[] {
    return Object.values(this.views).map((v) => v.missing()).filter((m): m is string => m !== undefined);
  }

  private changed(): void {
    if (this.disposed) return;
    this.gen++;
    this.pokeEmitter.fire();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.disposed) this.changeEmitter.fire(this.current());
    }, this.options.debounceMs ?? 50);
  }

  /** The facts now (rebuilt only when something changed). */
  current(): SupervisorFacts {
    if (this.snapshot && this.snapshot.generation === this.gen) return this.snapshot;
    this.snapshot = this.build();
    return this.snapshot;
  }

  private build(): SupervisorFacts {
    const nsItems = this.views.namespace.items();
    const namespaces = nsItems ? new Set(nsItems.map((o) => o.metadata?.name ?? '').filter(Boolean)) : undefined;
    const byNamespace = new Map<string, NamespaceFacts>();
    const all = new Set([...(namespaces ?? []), ...this.interest]);
    const supervisorQuotas = this.hasSupervisorQuotas(all);
    for (const ns of all) {
      byNamespace.set(ns, { vmClasses: this.vmClasses(ns), storageClasses: this.storageClasses(ns, supervisorQuotas), zones: this.zones(ns) });
    }
    const marked = (nsItems ?? []).filter((o) => o.metadata?.labels?.[VSPHERE_NAMESPACE_LABEL] === 'true').map((o) => o.metadata?.name ?? '');
    const vsphereNamespaces = namespaces
      ? new Set([...namespaces].filter((ns) => {
        const f = byNamespace.get(ns);
        return marked.includes(ns) || (f?.storageClasses?.size ?? 0) > 0 || (f?.vmClasses?.size ?? 0) > 0
          || !!this.views.resourceQuota.items(ns)?.some((o) => o.metadata?.name === `${ns}-storagequota`);
      }))
      : undefined;
    const tkrItems = this.views.tkr.items();
    const tkrs = tkrItems ? new Map(tkrItems.map((o) => [o.metadata?.name ?? '', tkrFact(o)] as const)) : undefined;
    const live = new Map<string, KindView>([
      [`${KINDS.tkc.group}/${KINDS.tkc.kind}`, this.views.tkc],
      [`${KINDS.cluster.group}/${KINDS.cluster.kind}`, this.views.cluster],
    ]);
    return {
      context: this.session.context,
      namespaces,
      byNamespace,
      vsphereNamespaces,
      vmClassSizes: this.vmClassSizes(all),
      tkrs,
      liveObject: (group, kind, namespace, name) => live.get(`${group}/${kind}`)?.get(namespace, name),
      defaultNamespace: this.session.namespace,
      generation: this.gen,
    };
  }

  /**
   * VM classes usable in a namespace: the VirtualMachineClasses in it (current VM Operator, where
   * the kind is namespaced) and the classes its VirtualMachineClassBindings name (vSphere 7).
   * A model whose kind is not served adds nothing; one that is unknown makes the answer unknown.
   */
  private vmClasses(ns: string): ReadonlySet<string> | undefined {
    const out = new Set<string>();
    const classes = this.views.vmClass;
    const classServed = classes.served();
    if (classServed === undefined) return undefined;
    if (classServed && classes.namespaced()) {
      const items = classes.items(ns);
      if (!items) return undefined;
      for (const o of items) if (o.metadata?.name) out.add(o.metadata.name);
    }
    const bindings = this.views.vmClassBinding;
    const bindingServed = bindings.served();
    if (bindingServed === undefined) return undefined;
    if (bindingServed) {
      const items = bindings.items(ns);
      if (!items) return undefined;
      for (const o of items) {
        const ref = (o.classRef ?? (o.spec as Record<string, unknown> | undefined)?.classRef) as { name?: unknown } | undefined;
        if (typeof ref?.name === 'string' && ref.name) out.add(ref.name);
      }
    }
    if (!classServed && !bindingServed) return undefined;
    return out;
  }

  /** The size of each VM class that can be read (cluster-wide, or in the namespaces of interest). */
  private vmClassSizes(namespaces: Iterable<string>): ReadonlyMap<string, VmClassSize> | undefined {
    const classes = this.views.vmClass;
    if (!classes.served()) return undefined;
    const lists = [classes.items(), ...[...namespaces].map((ns) => classes.items(ns))].filter((l): l is KubeObject[] => !!l);
    if (!lists.length) return undefined;
    const out = new Map<string, VmClassSize>();
    for (const o of lists.flat()) {
      const name = o.metadata?.name;
      if (!name || out.has(name)) continue;
      const hw = ((o.spec as Record<string, unknown> | undefined)?.hardware ?? {}) as Record<string, unknown>;
      out.set(name, {
        cpus: typeof hw.cpus === 'number' ? hw.cpus : undefined,
        memory: typeof hw.memory === 'string' ? hw.memory : typeof hw.memory === 'number' ? String(hw.memory) : undefined,
      });
    }
    return out;
  }

  /**
   * Storage classes assigned to a namespace: the keys of its `<ns>-storagequota` ResourceQuota.
   * A namespace without that quota has none assigned — when the quotas of the namespace are
   * visible and some namespace has one (this is a Supervisor); otherwise unknown.
   */
  private storageClasses(ns: string, supervisorQuotas: boolean): ReadonlySet<string> | undefined {
    const quotas = this.views.resourceQuota.items(ns);
    if (!quotas) return undefined;
    const quota = quotas.find((o) => o.metadata?.name === `${ns}-storagequota`);
    if (!quota) return supervisorQuotas ? new Set() : undefined;
    const out = new Set<string>();
    for (const part of ['spec', 'status'] as const) {
      const hard = ((quota[part] as Record<string, unknown> | undefined)?.hard ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(hard)) {
        const m = STORAGE_QUOTA_KEY.exec(key);
        if (m) out.add(m[1]);
      }
    }
    return out;
  }

  /** Whether any visible namespace has a Supervisor storage quota. */
  private hasSupervisorQuotas(namespaces: Iterable<string>): boolean {
    for (const ns of namespaces) {
      if (this.views.resourceQuota.items(ns)?.some((o) => o.metadata?.name === `${ns}-storagequota`)) return true;
    }
    return false;
  }

  /** vSphere Zones: only where the Zone kind is served. */
  private zones(ns: string): ReadonlySet<string> | undefined {
    const zones = this.views.zone;
    if (!zones.served()) return undefined;
    const items = zones.items(zones.namespaced() ? ns : undefined);
    return items ? new Set(items.map((o) => o.metadata?.name ?? '').filter(Boolean)) : undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.pokeEmitter.fire();
    for (const v of Object.values(this.views)) v.dispose();
    this.changeEmitter.dispose();
    this.pokeEmitter.dispose();
  }
}

function hasLabel(o: KubeObject, name: string): boolean {
  return Object.keys(o.metadata?.labels ?? {}).some((k) => k === name || k.endsWith(`/${name}`));
}

function condition(o: KubeObject, type: string): string | undefined {
  const list = (o.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions;
  return Array.isArray(list) ? list.find((c) => c?.type === type)?.status : undefined;
}

/** A TKR as the rules see it: compatible, ready and deactivated from its labels and conditions. */
export function tkrFact(o: KubeObject): TkrFact {
  const spec = (o.spec ?? {}) as { version?: unknown; kubernetesVersion?: unknown; kubernetes?: { version?: unknown } };
  const k8s = spec.kubernetes?.version ?? spec.kubernetesVersion;
  return {
    name: o.metadata?.name ?? '',
    version: typeof spec.version === 'string' ? spec.version : '',
    ...(typeof k8s === 'string' ? { kubernetesVersion: k8s } : {}),
    compatible: !hasLabel(o, 'incompatible') && condition(o, 'Compatible') !== 'False',
    ready: condition(o, 'Ready') !== 'False',
    deactivated: hasLabel(o, 'deactivated') || hasLabel(o, 'invalid'),
  };
}
