/**
 * The designer webview's HTML page and its Content-Security-Policy, in one place: the extension
 * host serves it (src/editor/designer.ts) and scripts/designer-preview.ts checks the bundle
 * under exactly this page. DOM-free and vscode-free, so both can load it.
 */
import { pageHead } from '../page-head';

export interface DesignerPageOptions {
  /** Where the page's own assets come from (the webview's cspSource). */
  readonly cspSource: string;
  /** A fresh nonce per page: scripts and <style> elements need it. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** An inline script run before the bundle (the preview's stand-in for the webview host). */
  readonly beforeScript?: string;
  /** Leave out the one relaxation, to show what Monaco needs it for. */
  readonly strict?: boolean;
}

export function designerCsp(cspSource: string, nonce: string, strict = false): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    // Monaco renders its view lines, line numbers, selections and guides as HTML strings with
    // style="top:…" attributes; without this, all lines pile up at the top. <style> elements
    // still need the nonce (style-src-elem falls back to style-src).
    ...(strict ? [] : ["style-src-attr 'unsafe-inline'"]),
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    'worker-src blob:',
  ].join('; ');
}

export function designerPage(o: DesignerPageOptions): string {
  return `${pageHead({ csp: designerCsp(o.cspSource, o.nonce, o.strict), styleUri: o.styleUri, title: 'Cluster designer', nonce: o.nonce })}
<body>
<div id="app" role="main" aria-label="Cluster designer"></div>
${o.beforeScript === undefined ? '' : `<script nonce="${o.nonce}">${o.beforeScript}</script>\n`}<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
