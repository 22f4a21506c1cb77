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
import { Kubeconfig, contextKubeconfigText, parseKubeconfigText, type ParsedFile } from './kubeconfig';
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

/** The Secret's kubeconfig text, or why it cannot be used (an error other than forbidden, not found or unreadable is thrown). */
async function secretKubeconfig(supervisor: ClusterClient, ref: ClusterRef, timeoutMs?: number): Promise<{ text: string; parsed: ParsedFile } | { why: string }> {
  try {
    const obj = await supervisor.get({ group: '', kind: 'Secret', version: 'v1', namespace: ref.namespace, name: kubeconfigSecretName(ref) }, { timeoutMs });
    const value = (obj.data as Record<string, unknown> | undefined)?.value;
    if (typeof value !== 'string' || !value) return { why: 'it has no key "value"' };
    const text = Buffer.from(value, 'base64').toString('utf8');
    // parsing registers its token and keys with the redactor
    return { text, parsed: parseKubeconfigText(text, `Secret ${ref.namespace}/${kubeconfigSecretName(ref)}`) };
  } catch (err) {
    const e = toClusterError(err);
    if (e.kind !== 'forbidden' && e.kind !== 'notFound' && e.kind !== 'config') throw e;
    return { why: e.kind === 'forbidden' ? 'you may not read it (forbidden)' : e.kind === 'notFound' ? 'it does not exist (is the cluster provisioned?)' : e.message };
  }
}

/** The context's kubeconfig, or the error that says why there is none. */
function namedContext(key: string, secret: string, why: string, context: string | undefined, options: CredentialOptions): { kubeconfig: Kubeconfig; context: string } {
  if (context !== undefined) {
    if (!options.fallbackKubeconfig) throw new ClusterError('config', `Cluster ${key}: the Secret ${secret} cannot be used (${why}), and no kubeconfig was given for its context "${context}".`);
    const kubeconfig = options.fallbackKubeconfig();
    if (!kubeconfig.contextNames().includes(context)) {
      throw new ClusterError('config', `Cluster ${key}: the Secret ${secret} cannot be used (${why}), and the context "${context}" named for it is not in the kubeconfig.`);
    }
    return { kubeconfig, context };
  }
  throw new ClusterError(why.includes('forbidden') ? 'forbidden' : 'config',
    `Cluster ${key}: cannot read its kubeconfig from the Secret ${secret}: ${why}. Name a kubeconfig context for it in the setting tanzuGitops.clusterContexts ("${key}": "<context>") or with --cluster-context ${key}=<context>.`);
}

/**
 * The cluster's credentials: the Secret's kubeconfig, else the context named for it. Fails with a
 * message that says which Secret could not be read and why, and how to name a context instead.
 */
export async function workloadCredentials(supervisor: ClusterClient, ref: ClusterRef, options: CredentialOptions = {}): Promise<WorkloadCredentials> {
  const secret = `${ref.namespace}/${kubeconfigSecretName(ref)}`;
  const read = await secretKubeconfig(supervisor, ref, options.timeoutMs);
  if ('text' in read) return { kubeconfig: new Kubeconfig([read.parsed], 'setting'), from: `Secret ${secret}` };
  const named = namedContext(clusterKey(ref), secret, read.why, options.contexts?.[clusterKey(ref)], options);
  return { ...named, from: `context ${named.context}` };
}

/**
 * The cluster's kubeconfig as a file's text, for a user who asked to save it: the Secret's as it
 * is, else the named context alone (its cluster, user and context, relative paths made absolute,
 * as current-context).
 */
export async function workloadKubeconfigText(supervisor: ClusterClient, ref: ClusterRef, options: CredentialOptions = {}): Promise<{ text: string; from: string }> {
  const secret = `${ref.namespace}/${kubeconfigSecretName(ref)}`;
  const read = await secretKubeconfig(supervisor, ref, options.timeoutMs);
  if ('text' in read) return { text: read.text, from: `Secret ${secret}` };
  const named = namedContext(clusterKey(ref), secret, read.why, options.contexts?.[clusterKey(ref)], options);
  return { text: contextKubeconfigText(named.kubeconfig, named.context), from: `context ${named.context}` };
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
