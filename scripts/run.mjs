#!/usr/bin/env node
// Runs a tool of scripts/: bundles scripts/NAME.ts with esbuild into out/scripts/NAME.mjs (Node 20
// runs no TypeScript itself) and runs that. The only plain-JavaScript file of scripts/; the tools
// are type-checked by `npm run typecheck` (scripts/tsconfig.json).
// Usage: node scripts/run.mjs NAME [arguments of the tool...]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPTS = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const source = name && /^[a-z][a-z0-9-]*$/.test(name) ? path.join(SCRIPTS, `${name}.ts`) : '';
if (!source || !fs.existsSync(source)) {
  const tools = fs.readdirSync(SCRIPTS).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  process.stderr.write(`${name ? `no tool scripts/${name}.ts` : 'no tool named'}; usage: node scripts/run.mjs NAME [arguments], NAME one of: ${tools.join(', ')}\n`);
  process.exit(2);
}

// out/scripts/ beside the repository's node_modules: the packages stay imports (resolved from there)
// and the tools find the repository two folders up. Written to a file of this process first, then
// renamed, so that runs of the same tool at once never read a half-written bundle.
const outFile = path.join(SCRIPTS, '..', 'out', 'scripts', `${name}.mjs`);
const partial = `${outFile}.${process.pid}.tmp`;
fs.mkdirSync(path.dirname(outFile), { recursive: true });
try {
  await esbuild.build({
    entryPoints: [source], outfile: partial, bundle: true, packages: 'external',
    platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none',
  });
  fs.renameSync(partial, outFile);
} catch (err) {
  fs.rmSync(partial, { force: true });
  process.stderr.write(`scripts/run.mjs: could not bundle scripts/${name}.ts${err?.errors ? '' : `: ${err?.message ?? err}`}\n`);
  process.exit(1);
}
process.argv = [process.argv[0], outFile, ...args];
await import(pathToFileURL(outFile).href);
