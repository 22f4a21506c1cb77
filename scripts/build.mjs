#!/usr/bin/env node
// One bundler script, several entries: the extension's small activation bundle, its lazily
// loaded language bundle (engine, yaml, Ajv, schemas) and connection bundle (the Kubernetes
// client), and the command-line tool.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { statSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/editor/extension.ts', language: 'src/editor/language.ts', connection: 'src/editor/connection.ts' },
    outdir: 'dist',
    external: ['vscode', './language.js', './connection.js'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching src/ ...');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const size = (f) => `${(statSync(f).size / 1024).toFixed(0)} KB`;
  console.log(`built in ${Date.now() - started} ms: dist/extension.js ${size('dist/extension.js')}, dist/language.js ${size('dist/language.js')}, dist/connection.js ${size('dist/connection.js')}, dist/cli.js ${size('dist/cli.js')}`);
}
