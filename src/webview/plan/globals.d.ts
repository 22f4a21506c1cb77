/** Ambient declarations for the plan review webview (browser code only). */

/** The VS Code webview API, injected by the webview host; callable once per page. */
declare function acquireVsCodeApi<State = unknown>(): {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): State;
};
