// What the benchmarks share: medians and quantiles, milliseconds for the tables, kubectl's
// version, and a timed child process.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cliBuilds } from './cli-build';
import { REPO } from './tools';

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

/**
 * The opening line of a benchmark against the local Supervisor, and whether it can run: kubectl at
 * `kubectl` and the Supervisor's binaries installed. When not, says why it is skipped and answers false.
 */
export function canBenchAgainstSupervisor(title: string, kubectl: string, cache: string, log: (s: string) => void): boolean {
  log(`Tanzu GitOps ${title} benchmark: Node ${process.version}, ${os.cpus().length} CPU(s), kubectl ${kubectlVersion(kubectl)}`);
  if (!fs.existsSync(kubectl)) {
    log(`kubectl not found at ${kubectl} (set KUBECTL): ${title} benchmark skipped`);
    return false;
  }
  if (!fs.existsSync(path.join(cache, 'kube-apiserver-1.20.2', '.tanzu-gitops-installed'))) {
    log(`the local Supervisor is not installed (npm run supervisor -- install: about 5 minutes, once): ${title} benchmark skipped`);
    return false;
  }
  return true;
}

/** The command line bundled into `dir` as the product builds it (cli-build.ts: cli.js and cli-main.js, minified as in production); the path of cli.js. */
export async function bundleCli(dir: string): Promise<string> {
  const esbuild = createRequire(path.join(REPO, 'package.json'))('esbuild');
  for (const b of cliBuilds(dir, { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'none', logLevel: 'warning' })) await esbuild.build(b);
  return path.join(dir, 'cli.js');
}
