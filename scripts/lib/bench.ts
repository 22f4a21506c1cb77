// What the benchmarks share: medians and quantiles, milliseconds for the tables, kubectl's
// version, and a timed child process.
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** 12.34 ms, 123.4 ms, 1234 ms (digits after the point by size, unless given); n/a when not a number. */
export function ms(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${x.toFixed(digits ?? (x < 10 ? 2 : x < 100 ? 1 : 0))} ms`;
}

/** kubectl's client version ('unknown' when it does not answer). */
export function kubectlVersion(kubectl: string): string {
  const r = spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).clientVersion.gitVersion;
  } catch {
    return 'unknown';
  }
}

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end: its wall-clock time, exit code and output. */
export function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}
