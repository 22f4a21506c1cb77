// How the command line is bundled, for `npm run build` (scripts/build.ts) and the benchmarks
// (bench.ts bundleCli): three files side by side. cli.js is the launcher (src/cli/launch.ts, a few
// kilobytes that start the render a diff or sync of an overlay will ask for); it then loads
// cli-main.js (src/cli/main.ts, the rest of the command line). jq.js is jq-wasm (jq's WebAssembly,
// 1.3 MB), which only ignoreDifferences' jqPathExpressions need: every Node bundle loads it from
// there on first use (jqApart), so that starting the command line or the extension never reads it.
import type { BuildOptions, Plugin } from 'esbuild';
import path from 'node:path';
import { REPO } from './tools';

/** `require('jq-wasm')` in a bundle becomes `require('./jq.js')`: the bundle beside it (cliBuilds). */
export const jqApart: Plugin = {
  name: 'jq-apart',
  setup(build) {
    build.onResolve({ filter: /^jq-wasm$/ }, () => ({ path: './jq.js', external: true }));
  },
};

export function cliBuilds(outdir: string, common: BuildOptions): BuildOptions[] {
  return [
    { ...common, entryPoints: { 'cli-main': path.join(REPO, 'src/cli/main.ts') }, outdir, plugins: [jqApart] },
    { ...common, entryPoints: { cli: path.join(REPO, 'src/cli/launch.ts') }, outdir, external: ['./cli-main.js'], banner: { js: '#!/usr/bin/env node' } },
    { ...common, entryPoints: { jq: 'jq-wasm' }, outdir, absWorkingDir: REPO },
  ];
}
