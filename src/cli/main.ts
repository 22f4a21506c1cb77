/**
 * The command-line tool: the same engine as the editor, for CI pipelines.
 *   tanzu-gitops validate [--format text|json|sarif] [--disable ID,...] <file or folder>...
 * Exit 0: no errors (warnings allowed); 1: errors found; 2: usage error or unreadable path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validateText } from '../core/engine';
import { RULE_CATALOG } from '../core/rules';
import { formatJson, formatSarif, formatText, type FileFindings } from './format';

const VERSION = '0.1.0';

const USAGE = `Usage: tanzu-gitops validate [--format text|json|sarif] [--disable ID[,ID...]] <file or folder>...

Validates TanzuKubernetesCluster, Cluster (class tanzukubernetescluster), TanzuKubernetesRelease,
VirtualMachineClass(Binding) and Argo CD Application manifests. Folders are walked for *.yaml and
*.yml (node_modules and .git are skipped). Other YAML is left alone.

Options:
  --format text|json|sarif   output format (default: text)
  --disable ID[,ID...]       rule ids to turn off (see: tanzu-gitops rules)
  -h, --help                 this help
  --version                  the tool's version

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error or unreadable path.`;

class UsageError extends Error {}

interface Args {
  format: 'text' | 'json' | 'sarif';
  disabled: Set<string>;
  paths: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', disabled: new Set(), paths: [] };
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
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(p);
    }
  };
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

export function runValidate(argv: string[], write: (s: string) => void, writeErr: (s: string) => void): number {
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
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      writeErr(`tanzu-gitops validate: cannot read ${file}: ${(err as Error).message}\n`);
      unreadable = true;
      continue;
    }
    const findings = validateText(text).filter((f) => !args.disabled.has(f.code));
    const shown = relative(process.cwd(), file) || file;
    results.push({ file: shown.startsWith('..') ? file : shown, findings });
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

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  switch (command) {
    case 'validate':
      if (rest.includes('-h') || rest.includes('--help')) { out(USAGE + '\n'); return 0; }
      return runValidate(rest, out, err);
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
      out(USAGE + '\n\nCommands: validate, rules\n');
      return command === undefined ? 2 : 0;
    default:
      err(`tanzu-gitops: unknown command "${command}" (commands: validate, rules)\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
