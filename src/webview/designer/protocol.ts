/**
 * The messages between the cluster designer webview and the extension host.
 *
 * Invariant: no DOM and no vscode types here. The host side (Node) and the webview (browser)
 * both import this file, so it holds types only (and is erased from both bundles).
 */
import type { ApiForm, DesignerChoices } from '../../core/designer/types';

export type { ApiForm, DesignerChoices };

/** A zero-based position, as VS Code and the language server count. */
export interface DesignerPosition {
  line: number;
  character: number;
}

export interface DesignerRange {
  start: DesignerPosition;
  end: DesignerPosition;
}

export type DesignerSeverity = 'error' | 'warning' | 'info';

/** A quick fix of a finding: edits in the text the finding was computed for. */
export interface DesignerFix {
  title: string;
  edits: { range: DesignerRange; newText: string }[];
  preferred?: boolean;
}

export interface DesignerFinding {
  severity: DesignerSeverity;
  message: string;
  /** The rule id, e.g. `cidr-overlap`; shown as the marker's code. */
  code: string;
  range: DesignerRange;
  /** The same quick fixes the editor offers for this finding. */
  fixes?: DesignerFix[];
}

/** The JSON schema of one API form, as shipped in schemas/. */
export interface DesignerSchema {
  form: ApiForm;
  /** The schema's identity for references and hover links (its `$id` is a good choice). */
  uri: string;
  schema: object;
}

/** The context and namespace the extension is connected to. */
export interface DesignerConnection {
  context: string;
  namespace: string;
}

// --- host → webview -------------------------------------------------------------------------

export interface InitMessage {
  type: 'init';
  text: string;
  schemas: DesignerSchema[];
  choices: DesignerChoices;
  connected: DesignerConnection | undefined;
  title: string;
  persist?: DesignerPersist;
  /**
   * New Cluster: the namespace the design starts in (the connected vSphere Namespace); empty when
   * the user must pick one. Unset: the connected namespace.
   */
  namespace?: string;
}

export interface ChoicesMessage {
  type: 'choices';
  choices: DesignerChoices;
  connected: DesignerConnection | undefined;
}

export interface FindingsMessage {
  type: 'findings';
  /** The `version` of the `changed` message these findings were computed for. */
  version: number;
  findings: DesignerFinding[];
}

export interface SavedMessage {
  type: 'saved';
  path: string;
  persist?: DesignerPersist;
}

export interface StatusMessage {
  type: 'status';
  message: string;
  kind: 'info' | 'error';
}

export type HostToWebviewMessage = InitMessage | ChoicesMessage | FindingsMessage | SavedMessage | StatusMessage;
/** Short name for {@link HostToWebviewMessage}. */
export type HostMessage = HostToWebviewMessage;

// --- webview → host -------------------------------------------------------------------------

/** Sent once the webview's script runs; the host answers with `init`. */
export interface ReadyMessage {
  type: 'ready';
}

/** The text after a form or editor change (debounced ~150 ms); the host answers with `findings`. */
export interface ChangedMessage {
  type: 'changed';
  version: number;
  text: string;
}

export interface SaveMessage {
  type: 'save';
  text: string;
}

export interface CommitMessage {
  type: 'commit';
  text: string;
}

export interface SyncMessage {
  type: 'sync';
  text: string;
}

/** The user picked another namespace; the host answers with `choices` for it. */
export interface NamespaceMessage {
  type: 'namespace';
  namespace: string;
}

export type WebviewToHostMessage = ReadyMessage | ChangedMessage | SaveMessage | CommitMessage | SyncMessage | NamespaceMessage;
/** Short name for {@link WebviewToHostMessage}. */
export type WebviewMessage = WebviewToHostMessage;

/** What the webview keeps in `vscode.setState` so a hidden-then-shown panel keeps its text. */
export interface DesignerWebviewState extends DesignerPersist {
  text: string;
  /** The form section scrolled to, restored on reload. */
  formScrollTop?: number;
}

/**
 * What the host asks the webview to keep in its state for it, so that a panel VS Code restores
 * after a reload saves where it did.
 */
export interface DesignerPersist {
  /** The file the design is saved to (a URI string). */
  target?: string;
  /** True when the panel edits that document (Edit in Designer) rather than creating a file. */
  editsDocument?: boolean;
}
