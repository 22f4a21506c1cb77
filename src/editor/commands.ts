/**
 * The editor's commands in one table: for each contributed command, what it runs and what it does
 * without a cluster. activate() registers from it; a unit test holds it equal to package.json.
 * No module is loaded here: a command reaches its module through the host, on first use.
 */
import type * as vscode from 'vscode';
import type { ClustersController, ConnectionController, DesignerPanels, DriftController } from './connection-bundle';
import type { DriftNode } from './drift-view';
import type { LanguageFeatures } from './language';

/** What a command reaches its work through; each loads its modules on first use. */
export interface CommandHost {
  language(): LanguageFeatures;
  /** The connection controller, made on first use (this alone does not connect). */
  connection(): ConnectionController;
  /** The controller when one was made; undefined: no connection was ever made or asked for. */
  existingConnection(): ConnectionController | undefined;
  drift(): DriftController;
  /** The clusters view's controller (it watches the Supervisor's clusters once made). */
  clusters(): ClustersController;
  designer(): DesignerPanels;
  /** The argument as a file URI, when it is one. */
  uri(arg: unknown): vscode.Uri | undefined;
}

/**
 * What a command does without a cluster:
 * - `works`: the same as with one (offline validation, the designer, the context picker, the view's filters);
 * - `connects`: connects first, from the kubeconfig, and says why when it cannot;
 * - `asks`: says to connect first, and offers Select Context;
 * - `nothing`: it acts on a connection or on what one showed; until a connection was made or
 *   asked for it returns at once and loads nothing.
 */
export type WithoutCluster = 'works' | 'connects' | 'asks' | 'nothing';

export interface CommandSpec {
  readonly withoutCluster: WithoutCluster;
  /** `selected`: every item selected in a multi-select tree, when the command runs from one. */
  readonly run: (host: CommandHost, arg?: unknown, selected?: unknown) => unknown;
}

const node = (arg: unknown): DriftNode | undefined => arg as DriftNode | undefined;
const targetOf = (arg: unknown) => (node(arg)?.type === 'target' ? (arg as Extract<DriftNode, { type: 'target' }>).drift.target : undefined);

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  'tanzuGitops.validateWorkspace': { withoutCluster: 'works', run: (h) => h.language().validateWorkspace() },
  'tanzuGitops.selectContext': { withoutCluster: 'works', run: (h) => h.connection().selectContext() },
  'tanzuGitops.selectNamespace': { withoutCluster: 'asks', run: (h) => h.connection().selectNamespace() },
  'tanzuGitops.reconnect': { withoutCluster: 'connects', run: (h) => h.connection().connect() },
  'tanzuGitops.disconnect': { withoutCluster: 'nothing', run: (h) => h.existingConnection()?.disconnect() },
  'tanzuGitops.checkCurrentFile': { withoutCluster: 'connects', run: (h) => h.connection().checkCurrentFile() },
  'tanzuGitops.drift.refresh': { withoutCluster: 'works', run: (h) => h.drift().refresh() },
  'tanzuGitops.drift.fetch': { withoutCluster: 'works', run: (h) => h.drift().fetch() },
  'tanzuGitops.drift.showOnlyDrift': { withoutCluster: 'works', run: (h) => h.drift().setOnlyDrift(true) },
  'tanzuGitops.drift.showAll': { withoutCluster: 'works', run: (h) => h.drift().setOnlyDrift(false) },
  'tanzuGitops.drift.openDiff': { withoutCluster: 'nothing', run: (h, arg) => h.drift().openDiff(node(arg)) },
  'tanzuGitops.drift.openInGit': { withoutCluster: 'nothing', run: (h, arg) => h.drift().openInGit(node(arg)) },
  'tanzuGitops.drift.editInGit': { withoutCluster: 'nothing', run: (h, arg) => h.drift().editInGit(arg) },
  'tanzuGitops.drift.openLive': { withoutCluster: 'nothing', run: (h, arg) => h.drift().openLive(node(arg)) },
  'tanzuGitops.drift.describe': { withoutCluster: 'nothing', run: (h, arg) => h.drift().describe(node(arg)) },
  'tanzuGitops.drift.openInArgoCd': { withoutCluster: 'nothing', run: (h, arg) => h.drift().openInArgoCd(node(arg)) },
  'tanzuGitops.drift.copyName': { withoutCluster: 'nothing', run: (h, arg) => h.drift().copyName(node(arg)) },
  'tanzuGitops.diffCurrentFile': { withoutCluster: 'connects', run: (h) => h.drift().diffCurrentFile() },
  'tanzuGitops.sync': { withoutCluster: 'connects', run: (h, arg) => h.drift().syncUri(h.uri(arg)) },
  'tanzuGitops.syncCurrentFile': { withoutCluster: 'connects', run: (h) => h.drift().sync.syncCurrentFile() },
  'tanzuGitops.drift.sync': { withoutCluster: 'connects', run: (h, arg, selected) => h.drift().syncNode(node(arg), Array.isArray(selected) ? selected as DriftNode[] : undefined) },
  'tanzuGitops.drift.syncResources': { withoutCluster: 'connects', run: (h, arg) => h.drift().syncResources(node(arg)) },
  'tanzuGitops.syncWithArgoCD': { withoutCluster: 'connects', run: (h, arg) => h.drift().sync.syncWithArgoCd(targetOf(arg)) },
  'tanzuGitops.argocdRefresh': { withoutCluster: 'connects', run: (h, arg) => h.drift().sync.argoRefresh(targetOf(arg)) },
  'tanzuGitops.clusters.refresh': { withoutCluster: 'works', run: (h) => h.clusters().refresh() },
  'tanzuGitops.clusters.saveKubeconfig': { withoutCluster: 'connects', run: (h, arg) => h.clusters().saveKubeconfig(arg) },
  'tanzuGitops.clusters.register': { withoutCluster: 'connects', run: (h, arg) => h.clusters().registerCluster(arg) },
  'tanzuGitops.clusters.unregister': { withoutCluster: 'connects', run: (h, arg) => h.clusters().unregisterCluster(arg) },
  'tanzuGitops.newCluster': { withoutCluster: 'works', run: (h) => h.designer().newCluster() },
  'tanzuGitops.editInDesigner': { withoutCluster: 'works', run: (h, arg) => h.designer().editDocument(h.uri(arg)) },
};

/** The handler activate() registers for a command. */
export function commandHandler(spec: CommandSpec, host: CommandHost): (arg?: unknown, selected?: unknown) => unknown {
  return (arg, selected) => (spec.withoutCluster === 'nothing' && !host.existingConnection() ? undefined : spec.run(host, arg, selected));
}
