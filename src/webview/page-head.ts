/** The head every webview page shares: charset, its Content-Security-Policy, viewport. DOM-free and vscode-free. */

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageHead {
  readonly csp: string;
  readonly styleUri: string;
  readonly title: string;
  /** Given: the page's scripts read it from a meta tag (Monaco's styles need it), and the stylesheet carries it. */
  readonly nonce?: string;
}

/** `<!DOCTYPE html>` up to and including `</head>`. */
export function pageHead(o: PageHead): string {
  const nonce = o.nonce === undefined ? '' : ` nonce="${o.nonce}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${o.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.nonce === undefined ? '' : `<meta name="csp-nonce" content="${o.nonce}">\n`}<link rel="stylesheet" href="${o.styleUri}"${nonce}>
<title>${escapeHtml(o.title)}</title>
</head>`;
}
