/**
 * The command-line tool: the same engine as the editor, for CI pipelines.
 *   tanzu-gitops validate [--format text|json|sarif] [--disable ID,...]
 *                         [--kubeconfig F] [--context C] [--namespace N] <file or folder>...
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: usage error, unreadable path, or no
 * connection to the Supervisor when live checks were asked for.
 *   tanzu-gitops diff [--kubeconfig F] [--context C] [--namespace N] [--revision REV]
 *                     [--format text|json] <path>            (see diff.ts)
 *   tanzu-gitops sync [--kubeconfig F] [--context C] [--namespace N] [--dry-run] [--prune] [--yes]
 *                     [--force-conflicts] [--argocd-app NAME [--argocd-namespace NS]] [--wait]
 *                     [--timeout DURATION] [--format text|json] <path>   (see sync.ts)
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { validateText } from '../core/engine';
import type { SupervisorFacts } from '../core/live/facts';
import { namespacesNamed } from '../core/manifest/namespaces';
import { RULE_CATALOG } from '../core/rules';
import { DIFF_USAGE, runDiff } from './diff';
import { discoveryCacheDir, walkFiles } from './files';
import { formatJson, formatSarif, formatText, type FileFindings } from './format';
import { SYNC_USAGE, runSync } from './sync';
import { trace, tracing } from '../trace';

const VERSION = '0.1.0';

const USAGE = `Usage: tanzu-gitops validate [--format text|json|sarif] [--disable ID[,ID...]]
                             [--kubeconfig FILE] [--context NAME] [--namespace NS] <file or folder>...

Validates TanzuKubernetesCluster, Cluster (class tanzukubernetescluster), TanzuKubernetesRelease,
VirtualMachineClass(Binding) and Argo CD Application manifests. Folders are walked for *.yaml and
*.yml (node_modules and .git are skipped). Other YAML is left alone.

Options:
  --format text|json|sarif   output format (default: text)
  --disable ID[,ID...]       rule ids to turn off (see: tanzu-gitops rules)
  --kubeconfig FILE          with --context: check against the live Supervisor too (VM classes,
                             storage classes, releases, immutable fields); repeatable
  --context NAME             the kubeconfig context to check against (default: its current one)
  --namespace NS             the namespace of manifests that name none (default: the context's)
  --timeout SECONDS          how long to wait for the Supervisor's facts (default 30)
  -h, --help                 this help
  --version                  the tool's version

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error, unreadable path, or
no connection to the Supervisor.`;

class UsageError extends Error {}

interface Args {
  format: 'text' | 'json' | 'sarif';
  disabled: Set<string>;
  paths: string[];
  kubeconfig: string[];
  context?: string;
  namespace?: string;
  timeoutSeconds: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', disabled: new Set(), paths: [], kubeconfig: [], timeoutSeconds: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      if (eq !== -1) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
      args.format = f;
    } else if (a === '--disable' || a.startsWith('--disable=')) {
      for (const id of value('--disable').split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!RULE_CATALOG.some((r) => r.id === id)) throw new UsageError(`--disable: unknown rule id "${id}" (see: tanzu-gitops rules)`);
        args.disabled.add(id);
      }
    } else if (a === '--kubeconfig' || a.startsWith('--kubeconfig=')) {
      args.kubeconfig.push(value('--kubeconfig'));
    } else if (a === '--context' || a.startsWith('--context=')) {
      args.context = value('--context');
    } else if (a === '--namespace' || a.startsWith('--namespace=') || a === '-n') {
      args.namespace = value('--namespace');
    } else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const t = Number(value('--timeout'));
      if (!Number.isFinite(t) || t <= 0) throw new UsageError('--timeout must be a positive number of seconds');
      args.timeoutSeconds = t;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else args.paths.push(a);
  }
  if (args.paths.length === 0) throw new UsageError('no file or folder given');
  return args;
}

/** Files to validate, in a stable order; throws UsageError naming the path it cannot read. */
function collectFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => walkFiles(dir, /\.ya?ml$/i, out);
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new UsageError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`);
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

/** Connects, waits for the Supervisor's facts, and gives them with a function that ends the session. */
async function liveFacts(args: Args, texts: readonly string[]): Promise<{ facts: SupervisorFacts; close: () => void }> {
  // The Kubernetes client loads only for live checks.
  const cluster: typeof import('../cluster') = require('../cluster');
  const kubeconfig = cluster.loadKubeconfig({ paths: args.kubeconfig });
  const session = await cluster.ConnectionSession.open({ kubeconfig, context: args.context, allowExec: true, requestTimeoutMs: args.timeoutSeconds * 1000, discoveryCache: { dir: discoveryCacheDir() }, http2: true });
  try {
    // listed once, not watched: the check is over when they are in
    const source = session.facts({ namespaces: [...namespacesNamed(texts), ...(args.namespace ? [args.namespace] : [])], cacheOptions: { watch: false } });
    const ready = await source.whenReady(args.timeoutSeconds * 1000);
    const facts = source.current();
    if (!ready) process.stderr.write(`tanzu-gitops validate: the Supervisor did not answer every list within ${args.timeoutSeconds} s; checks whose facts are missing were skipped\n`);
    const withNs = args.namespace ? { ...facts, defaultNamespace: args.namespace } : facts;
    return { facts: withNs, close: () => session.dispose() };
  } catch (err) {
    session.dispose();
    throw err;
  }
}

export async function runValidate(argv: string[], write: (s: string) => void, writeErr: (s: string) => void): Promise<number> {
  let args: Args;
  let files: string[];
  try {
    args = parseArgs(argv);
    files = collectFiles(args.paths);
  } catch (err) {
    if (err instanceof UsageError) {
      writeErr(`tanzu-gitops validate: ${err.message}\n${err.message.startsWith('cannot read') ? '' : '\n' + USAGE + '\n'}`);
      return 2;
    }
    throw err;
  }
  const results: FileFindings[] = [];
  let unreadable = false;
  const texts: { file: string; text: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ file, text: readFileSync(file, 'utf8') });
    } catch (err) {
      writeErr(`tanzu-gitops validate: cannot read ${file}: ${(err as Error).message}\n`);
      unreadable = true;
    }
  }
  let live: { facts: SupervisorFacts; close: () => void } | undefined;
  if (args.kubeconfig.length > 0 || args.context) {
    try {
      live = await liveFacts(args, texts.map((t) => t.text));
    } catch (err) {
      const { redact } = require('../cluster') as typeof import('../cluster');
      writeErr(`tanzu-gitops validate: no live checks: ${redact(err instanceof Error ? err.message : String(err))}\n`);
      return 2;
    }
  }
  try {
    for (const { file, text } of texts) {
      const findings = validateText(text, { facts: live?.facts }).filter((f) => !args.disabled.has(f.code));
      const shown = relative(process.cwd(), file) || file;
      results.push({ file: shown.startsWith('..') ? file : shown, findings });
    }
  } finally {
    live?.close();
  }
  const output = args.format === 'json' ? formatJson(results) : args.format === 'sarif' ? formatSarif(results, VERSION) : formatText(results);
  if (output) write(output + '\n');
  const all = results.flatMap((r) => r.findings);
  const errors = all.filter((f) => f.severity === 'error').length;
  if (args.format === 'text') {
    const warnings = all.filter((f) => f.severity === 'warning').length;
    writeErr(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  switch (command) {
    case 'validate':
      if (rest.includes('-h') || rest.includes('--help')) { out(USAGE + '\n'); return 0; }
      return await runValidate(rest, out, err);
    case 'diff':
      return await runDiff(rest, out, err);
    case 'sync':
      return await runSync(rest, out, err);
    case 'rules':
      out(RULE_CATALOG.map((r) => `${r.id.padEnd(24)} ${r.description}`).join('\n') + '\n');
      return 0;
    case '--version':
      out(VERSION + '\n');
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(USAGE + '\n\n' + DIFF_USAGE + '\n\n' + SYNC_USAGE + '\n\nCommands: validate, diff, sync, rules\n');
      return command === undefined ? 2 : 0;
    default:
      err(`tanzu-gitops: unknown command "${command}" (commands: validate, diff, sync, rules)\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  trace('command line loaded');
  if (tracing()) process.on('exit', () => trace('exit'));
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`tanzu-gitops: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
