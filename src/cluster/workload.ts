/**
 * Connections to workload clusters (TanzuKubernetesClusters and Clusters of the Supervisor). The
 * credentials come from the Supervisor Secret `<cluster>-kubeconfig` (key `value`), as the vSphere
 * plugin's login reads them; when that Secret cannot be read, from a kubeconfig context named for
 * the cluster. Each cluster gets a session of its own (its own connection, discovery and caches),
 * opened on first need and kept; opening or using one never waits on another.
 */
import type { ClusterClient } from './client';
import { ClusterError, toClusterError } from './errors';
import type { Disposable } from './events';
import { Kubeconfig, parseKubeconfigText } from './kubeconfig';
import { ConnectionSession, type SessionOptions } from './session';

export interface ClusterRef {
  readonly namespace: string;
  readonly name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

/** `NS/NAME` to a reference; undefined when it is not one. */
export function parseClusterRef(text: string): ClusterRef | undefined {
  const i = text.indexOf('/');
  if (i < 0) return undefined;
  const namespace = text.slice(0, i);
  const name = text.slice(i + 1);
  return DNS_LABEL.test(namespace) && DNS_NAME.test(name) && name.length <= 253 ? { namespace, name } : undefined;
}

export function clusterKey(ref: ClusterRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** The Secret vSphere writes with a cluster's admin kubeconfig. */
export function kubeconfigSecretName(ref: ClusterRef): string {
  return `${ref.name}-kubeconfig`;
}

export interface WorkloadCredentials {
  readonly kubeconfig: Kubeconfig;
  /** The context to use (the Secret's current one when undefined). */
  readonly context?: string;
  /** Where they came from, for messages (never the credentials themselves). */
  readonly from: string;
}

export interface CredentialOptions {
  /** Cluster `NS/NAME` to a kubeconfig context (the setting tanzuGitops.clusterContexts, or a command-line option). */
  readonly contexts?: Readonly<Record<string, string>>;
  /** The kubeconfig those contexts are in (read only when one is needed). */
  readonly fallbackKubeconfig?: () => Kubeconfig;
  readonly timeoutMs?: number;
}

/**
 * The cluster's credentials: the Secret's kubeconfig, else the context named for it. Fails with a
 * message that says which Secret could not be read and why, and how to name a context instead.
 */
export async function workloadCredentials(supervisor: ClusterClient, ref: ClusterRef, options: CredentialOptions = {}): Promise<WorkloadCredentials> {
  const key = clusterKey(ref);
  const secret = `${ref.namespace}/${kubeconfigSecretName(ref)}`;
  const context = options.contexts?.[key];
  let why: string;
  try {
    const obj = await supervisor.get({ group: '', kind: 'Secret', version: 'v1', namespace: ref.namespace, name: kubeconfigSecretName(ref) }, { timeoutMs: options.timeoutMs });
    const value = (obj.data as Record<string, unknown> | undefined)?.value;
    if (typeof value !== 'string' || !value) {
      why = 'it has no key "value"';
    } else {
      const parsed = parseKubeconfigText(Buffer.from(value, 'base64').toString('utf8'), `Secret ${secret}`);
      return { kubeconfig: new Kubeconfig([parsed], 'setting'), from: `Secret ${secret}` };
    }
  } catch (err) {
    const e = toClusterError(err);
    if (e.kind !== 'forbidden' && e.kind !== 'notFound' && e.kind !== 'config') throw e;
    why = e.kind === 'forbidden' ? 'you may not read it (forbidden)' : e.kind === 'notFound' ? 'it does not exist (is the cluster provisioned?)' : e.message;
  }
  if (context !== undefined) {
    if (!options.fallbackKubeconfig) throw new ClusterError('config', `Cluster ${key}: the Secret ${secret} cannot be used (${why}), and no kubeconfig was given for its context "${context}".`);
    const kubeconfig = options.fallbackKubeconfig();
    if (!kubeconfig.contextNames().includes(context)) {
      throw new ClusterError('config', `Cluster ${key}: the Secret ${secret} cannot be used (${why}), and the context "${context}" named for it is not in the kubeconfig.`);
    }
    return { kubeconfig, context, from: `context ${context}` };
  }
  throw new ClusterError(why.includes('forbidden') ? 'forbidden' : 'config',
    `Cluster ${key}: cannot read its kubeconfig from the Secret ${secret}: ${why}. Name a kubeconfig context for it in the setting tanzuGitops.clusterContexts ("${key}": "<context>") or with --cluster-context ${key}=<context>.`);
}

export interface WorkloadSessionOptions extends CredentialOptions {
  /** The Supervisor's client: reads the kubeconfig Secrets. */
  readonly supervisor: ClusterClient;
  /** Options of each cluster's session (no kubeconfig or context: those come per cluster). */
  readonly session: Omit<SessionOptions, 'kubeconfig' | 'context'>;
}

interface Entry {
  session: Promise<ConnectionSession>;
}

/** One session per workload cluster, opened on first need; a failed open is not kept (the next need tries again). */
export class WorkloadSessions implements Disposable {
  private readonly sessions = new Map<string, Entry>();
  private disposed = false;

  constructor(private readonly options: WorkloadSessionOptions) {}

  /** The cluster's session (opened now, or the one already open). */
  open(ref: ClusterRef): Promise<ConnectionSession> {
    if (this.disposed) return Promise.reject(new ClusterError('cancelled', 'The workload cluster connections were closed.'));
    const key = clusterKey(ref);
    const known = this.sessions.get(key);
    if (known) return known.session;
    const entry = {} as Entry;
    entry.session = (async () => {
      const creds = await workloadCredentials(this.options.supervisor, ref, this.options);
      const session = await ConnectionSession.open({ ...this.options.session, kubeconfig: creds.kubeconfig, context: creds.context });
      if (this.disposed || this.sessions.get(key) !== entry) {
        session.dispose();
        throw new ClusterError('cancelled', `The connection to cluster ${key} was closed while it opened.`);
      }
      return session;
    })();
    this.sessions.set(key, entry);
    entry.session.catch(() => {
      if (this.sessions.get(key) === entry) this.sessions.delete(key);
    });
    return entry.session;
  }

  /** Clusters with a session open or opening. */
  get keys(): string[] {
    return [...this.sessions.keys()];
  }

  /** Ends one cluster's session (its watches and caches). */
  close(ref: ClusterRef): void {
    const key = clusterKey(ref);
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    s?.session.then((session) => session.dispose(), () => undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.sessions.values()) s.session.then((session) => session.dispose(), () => undefined);
    this.sessions.clear();
  }
}
