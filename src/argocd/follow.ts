/**
 * Following one Application until something is true of it (its operation ended, no operation is
 * left), with a watch on that Application (field selector on its name, from the resourceVersion
 * read), not by reading it again and again.
 *
 *   - A watch the server ends (its timeoutSeconds) is opened again from the last resourceVersion;
 *     one answered 410 Gone (the version is too old) reads the Application and opens it from there.
 *   - A watch that cannot be opened or breaks (no `watch` permission, a proxy that cuts streams)
 *     is said once through `onNotice`, and the Application is read every `pollMs` instead: the
 *     same outcome, the same time limit.
 *   - The time limit and the abort signal end the watch at once.
 */
import type { ClusterClient, KubeObject } from '../cluster/client';
import { resourcePath } from '../cluster/discovery';
import { ClusterError, toClusterError } from '../cluster/errors';
import { isRecord } from '../core/json';

export interface FollowTarget {
  readonly name: string;
  readonly namespace: string;
}

export interface FollowSettings {
  readonly signal?: AbortSignal;
  /** Time between two reads once the watch failed (default 1 s). */
  readonly pollMs?: number;
  readonly requestTimeoutMs?: number;
  /** Told once when the watch failed and reading took over. */
  readonly onNotice?: (message: string) => void;
}

export type FollowEnd<T> =
  | { readonly value: T; readonly last: KubeObject }
  | { readonly ended: 'timeout' | 'cancelled' | 'deleted'; readonly last: KubeObject };

const APPLICATION = { group: 'argoproj.io', kind: 'Application' } as const;

function resourceVersionOf(obj: KubeObject): string | undefined {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  return typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

type Round<T> =
  | { readonly kind: 'value'; readonly value: T; readonly last: KubeObject }
  | { readonly kind: 'deleted' | 'stopped' | 'gone' | 'ended'; readonly last: KubeObject }
  | { readonly kind: 'failed'; readonly error: ClusterError; readonly last: KubeObject };

/**
 * Follows `app` from `first` (just read) until `look` returns a value, the deadline passes, the
 * signal aborts or the Application is deleted.
 */
export async function followApplication<T>(
  client: ClusterClient, app: FollowTarget, first: KubeObject, deadline: number, settings: FollowSettings, look: (obj: KubeObject) => T | undefined,
): Promise<FollowEnd<T>> {
  let last = first;
  const firstValue = look(first);
  if (firstValue !== undefined) return { value: firstValue, last };
  let watching = true;
  for (;;) {
    if (settings.signal?.aborted) return { ended: 'cancelled', last };
    if (Date.now() >= deadline) return { ended: 'timeout', last };
    if (!watching) {
      await sleep(Math.min(settings.pollMs ?? 1000, Math.max(0, deadline - Date.now())), settings.signal);
      if (settings.signal?.aborted) return { ended: 'cancelled', last };
      last = await client.get({ ...APPLICATION, namespace: app.namespace, name: app.name }, { timeoutMs: settings.requestTimeoutMs });
      const value = look(last);
      if (value !== undefined) return { value, last };
      continue;
    }
    const round = await watchRound(client, app, last, deadline, settings, look);
    last = round.last;
    if (round.kind === 'value') return { value: round.value, last };
    if (round.kind === 'deleted') return { ended: 'deleted', last };
    if (round.kind === 'gone') {
      // the resourceVersion is too old to watch from: read the Application, watch from there
      last = await client.get({ ...APPLICATION, namespace: app.namespace, name: app.name }, { timeoutMs: settings.requestTimeoutMs });
      const value = look(last);
      if (value !== undefined) return { value, last };
    } else if (round.kind === 'failed') {
      watching = false;
      settings.onNotice?.(`Watching Application ${app.namespace}/${app.name} failed (${round.error.message}); reading it every ${Math.round((settings.pollMs ?? 1000) / 100) / 10} s instead.`);
    }
    // 'ended' (the server closed the watch) and 'stopped' (deadline or signal): the loop decides
  }
}

/** One watch, until a value, the Application's deletion, the deadline, the signal, or its end. */
async function watchRound<T>(
  client: ClusterClient, app: FollowTarget, from: KubeObject, deadline: number, settings: FollowSettings, look: (obj: KubeObject) => T | undefined,
): Promise<Round<T>> {
  let info;
  try {
    info = await client.discovery.require(APPLICATION.group, APPLICATION.kind);
  } catch (e) {
    return { kind: 'failed', error: toClusterError(e), last: from };
  }
  const remainingMs = Math.max(0, deadline - Date.now());
  const timeoutSeconds = Math.max(1, Math.min(300, Math.ceil(remainingMs / 1000)));
  let last = from;
  let result: Round<T> | undefined;
  const stop = new AbortController();
  const finish = (r: Round<T>) => {
    result ??= r;
    stop.abort();
  };
  const handle = client.connection.watch({
    path: resourcePath(info, app.namespace),
    query: { watch: 'true', resourceVersion: resourceVersionOf(from), fieldSelector: `metadata.name=${app.name}`, timeoutSeconds },
    timeoutMs: settings.requestTimeoutMs,
    totalTimeoutMs: timeoutSeconds * 1100 + 5000,
    signal: settings.signal ? AbortSignal.any([settings.signal, stop.signal]) : stop.signal,
    describe: { verb: 'watch', resource: info.resource, group: info.group, namespace: app.namespace, name: app.name },
  }, (event) => {
    if (result) return;
    if (event.type === 'ERROR') {
      const code = isRecord(event.object) ? event.object.code : undefined;
      if (code === 410) finish({ kind: 'gone', last });
      else finish({ kind: 'failed', error: new ClusterError('server', `the watch answered an error: ${String(isRecord(event.object) ? event.object.message ?? code : code)}`), last });
      return;
    }
    if (event.type === 'BOOKMARK' || !isRecord(event.object)) return;
    if (event.type === 'DELETED') return finish({ kind: 'deleted', last: event.object as KubeObject });
    last = event.object as KubeObject;
    const value = look(last);
    if (value !== undefined) finish({ kind: 'value', value, last });
  });
  const timer = setTimeout(() => finish({ kind: 'stopped', last }), remainingMs);
  try {
    await handle.done;
  } catch (e) {
    if (!result && !settings.signal?.aborted) result = { kind: 'failed', error: toClusterError(e), last };
  } finally {
    clearTimeout(timer);
  }
  return result ?? { kind: settings.signal?.aborted ? 'stopped' : 'ended', last };
}
