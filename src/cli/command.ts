/**
 * What every command of the command line shares: its arguments (read by the rules of options.ts)
 * and the session it opens to the Supervisor.
 */
import { UsageError } from './options';
import type { ConnectionSession } from '../cluster';
import { discoveryCacheDir } from './files';
import type { ErrWriter, FailureCode } from './format';

export {
  CLUSTER_OPTIONS, COMMON_OPTIONS, CONNECTION_OPTIONS, SESSION_OPTIONS, UsageError, parseCommandLine,
  type CommandLine, type OptionDef, type OptionDefs, type OptionValues,
} from './options';

/** `--format`'s value, checked against the formats a command has. */
export function formatOf<F extends string>(value: string | undefined, formats: readonly F[]): F {
  if (value === undefined) return formats[0];
  if ((formats as readonly string[]).includes(value)) return value as F;
  const list = formats.length === 2 ? formats.join(' or ') : `${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}`;
  throw new UsageError(`--format must be ${list}, not "${value}"`);
}

/** `--timeout`'s value in milliseconds (a bare number is seconds). */
export function timeoutOf(value: string | undefined, defaultMs: number): number {
  if (value === undefined) return defaultMs;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--timeout must be a duration such as 30, 90s, 5m or 1h30m, not "${value}"`);
  return ms;
}

/** `90`, `90s`, `1500ms`, `5m`, `1h`, `1m30s` to milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) > 0 ? Number(t) * 1000 : undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let seen = false;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    seen = true;
    if (re.lastIndex === t.length) break;
  }
  return seen && re.lastIndex === t.length && total > 0 ? total : undefined;
}

/** The one path a command works on: none or two are usage errors. */
export function onePath(positionals: readonly string[], optional = false): string | undefined {
  if (positionals.length > 1) throw new UsageError(`one path only (got ${positionals.length}: ${positionals.join(', ')})`);
  if (positionals.length === 0 && !optional) throw new UsageError('no path given (a folder or a file inside a Git repository)');
  return positionals[0];
}

/**
 * A command's arguments as `parse` reads them, or its exit code when nothing more runs: 0 after
 * --help (the usage on stdout), 2 on a usage error (the message and the usage on stderr).
 */
export function argsOrExit<A extends { readonly help?: boolean }>(
  command: string, usage: string, argv: readonly string[], parse: (argv: readonly string[]) => A,
  write: (s: string) => void, writeErr: ErrWriter,
): A | number {
  let args: A;
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    writeErr(`tanzu-gitops ${command}: ${err.message}\n\n${usage}\n`, 'usage');
    return 2;
  }
  if (args.help) {
    write(`${usage}\n`);
    return 0;
  }
  return args;
}

/** A command's failure: the message on stderr, with its code, and exit code 2. */
export function failure(command: string, writeErr: ErrWriter): (message: string, code?: FailureCode) => number {
  return (message, code = 'failed') => {
    writeErr(`tanzu-gitops ${command}: ${message}\n`, code);
    return 2;
  };
}

/** `cannot read PATH: why`, for a path given on the command line that stat refused. */
export function cannotReadPath(path: string, err: unknown): string {
  return `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`;
}

export interface SessionArgs {
  readonly kubeconfig: readonly string[];
  readonly context?: string;
  /** Time allowed for each request, ms. */
  readonly requestTimeoutMs: number;
}

/**
 * Opens the session every command uses: the kubeconfig files given (else KUBECONFIG, else
 * ~/.kube/config), exec credentials allowed, the discovery cache on disk, HTTP/2. The cluster
 * layer loads here, on first need.
 */
export async function openSession(args: SessionArgs): Promise<ConnectionSession> {
  const cluster = require('../cluster') as typeof import('../cluster');
  const kubeconfig = cluster.loadKubeconfig({ paths: [...args.kubeconfig], pathsFrom: 'command line' });
  return cluster.ConnectionSession.open({
    kubeconfig, context: args.context, allowExec: true, requestTimeoutMs: args.requestTimeoutMs, discoveryCache: { dir: discoveryCacheDir() }, http2: true,
  });
}

/** An error as one line, with any credential removed. */
export function redacted(err: unknown): string {
  const { redact } = require('../cluster') as typeof import('../cluster');
  return redact(err instanceof Error ? err.message : String(err));
}

/** `--cluster-context NS/NAME=CONTEXT` (repeatable) as the map tanzuGitops.clusterContexts is. */
export function clusterContextsOf(values: readonly string[] | undefined): Record<string, string> {
  const { parseClusterRef } = require('../cluster/workload') as typeof import('../cluster/workload');
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    const ref = i > 0 ? parseClusterRef(v.slice(0, i)) : undefined;
    const context = i > 0 ? v.slice(i + 1).trim() : '';
    if (!ref || !context) throw new UsageError(`--cluster-context takes NS/NAME=CONTEXT (a cluster and a context of the kubeconfig for it), not "${v}"`);
    out[`${ref.namespace}/${ref.name}`] = context;
  }
  return out;
}

/** `--cluster NS/NAME`, checked. */
export function clusterRefOf(value: string | undefined): import('../cluster').ClusterRef | undefined {
  if (value === undefined) return undefined;
  const { parseClusterRef } = require('../cluster/workload') as typeof import('../cluster/workload');
  const ref = parseClusterRef(value.trim());
  if (!ref) throw new UsageError(`--cluster takes NS/NAME (a vSphere Namespace and a TanzuKubernetesCluster or Cluster in it), not "${value}"`);
  return ref;
}

export interface ClusterArgs {
  readonly kubeconfig: readonly string[];
  readonly clusterContexts?: Readonly<Record<string, string>>;
  readonly argocdNamespace?: string;
  readonly requestTimeoutMs: number;
}

/**
 * The sessions of the clusters a command reaches through the Supervisor: an Application's
 * destination (its Argo CD cluster Secret, else the cluster's kubeconfig Secret or context), or
 * `--cluster NS/NAME` (its kubeconfig Secret, else its context). Each its own connection.
 */
export function openDestinations(supervisor: ConnectionSession, args: ClusterArgs): import('../cluster').DestinationSessions {
  const cluster = require('../cluster') as typeof import('../cluster');
  return new cluster.DestinationSessions({
    supervisor: { client: supervisor.client, namespace: supervisor.namespace },
    argocdNamespace: args.argocdNamespace,
    contexts: args.clusterContexts,
    fallbackKubeconfig: () => cluster.loadKubeconfig({ paths: [...args.kubeconfig], pathsFrom: 'command line' }),
    timeoutMs: args.requestTimeoutMs,
    session: { allowExec: true, requestTimeoutMs: args.requestTimeoutMs, discoveryCache: { dir: discoveryCacheDir() }, http2: true },
  });
}
