/**
 * The command line's entry (dist/cli.js): a few kilobytes that Node compiles at once. It starts
 * the one render the command will surely ask for (early.ts, kustomize-process.ts), then loads the
 * rest of the command line (dist/cli-main.js, which Node takes a while to compile) and runs it: the
 * render, the longest single step of a cold diff of an overlay, runs while the rest loads.
 */
import { earlyRenderFolder } from './early';
import { startEarlyBuild } from '../sources/kustomize-process';
import { trace } from '../trace';

const folder = earlyRenderFolder(process.argv.slice(2));
if (folder && startEarlyBuild(folder)) trace('launcher: render started');
// the rest of the command line: a bundle of its own beside this one
(require('./cli-main.js') as typeof import('./main')).runAsProcess();
