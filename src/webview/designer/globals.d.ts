/** Ambient declarations for the designer webview (browser code only). */

/** The VS Code webview API, injected by the webview host; callable once per page. */
declare function acquireVsCodeApi<State = unknown>(): {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): State;
};

/**
 * `import code from 'worker:<module>'`: the module bundled by scripts/build.ts as a classic
 * (IIFE) worker script, as a string, for `new Worker(URL.createObjectURL(new Blob([code])))`.
 */
declare module 'worker:*' {
  const code: string;
  export default code;
}

/** Monaco's Monarch definition of YAML (shipped without a .d.ts). */
declare module 'monaco-editor/esm/vs/languages/definitions/yaml/yaml.js' {
  import type { languages } from 'monaco-editor/esm/vs/editor/editor.api';
  export const conf: languages.LanguageConfiguration;
  export const language: languages.IMonarchLanguage;
}
