/**
 * Phase timings for profiling the command line: with TANZU_GITOPS_TRACE=1 each mark prints
 * `[trace] <ms since the process started> <label>` on stderr (the time includes Node's own start);
 * with TANZU_GITOPS_TRACE=requests every request of the cluster layer too (when sent, when
 * answered, how many were in flight).
 * Off (the default) a mark costs one boolean test. No vscode import; not for src/core (pure).
 */
import { performance } from 'node:perf_hooks';

const enabled = !!process.env.TANZU_GITOPS_TRACE && process.env.TANZU_GITOPS_TRACE !== '0';
const requests = process.env.TANZU_GITOPS_TRACE === 'requests';

export function tracing(): boolean {
  return enabled;
}

/** Whether each request is traced (TANZU_GITOPS_TRACE=requests). */
export function tracingRequests(): boolean {
  return requests;
}

/** Prints the time since the process started and a label (only when tracing). */
export function trace(label: string | (() => string)): void {
  if (!enabled) return;
  process.stderr.write(`[trace] ${performance.now().toFixed(1).padStart(7)} ms  ${typeof label === 'string' ? label : label()}\n`);
}

/** Runs fn and traces how long it took (only when tracing; otherwise just runs it). */
export async function traced<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    trace(`${label}: ${(performance.now() - t0).toFixed(1)} ms`);
  }
}
