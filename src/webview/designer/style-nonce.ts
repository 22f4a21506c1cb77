/**
 * Monaco adds `<style>` elements at run time (its theme's colours, token classes, decoration
 * rules). The webview's CSP allows a `<style>` only with the page's nonce, so every `<style>` this
 * document creates gets the nonce of the script that loaded us, before it is inserted.
 *
 * Invariant: imported before anything from monaco-editor, so no style element is made without it
 * (esbuild keeps the evaluation order of imports).
 */

function pageNonce(): string | undefined {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current?.nonce) return current.nonce;
  const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
  if (meta) return meta;
  // Browsers hide the nonce attribute's value from getAttribute, not from the property.
  for (const script of Array.from(document.querySelectorAll('script'))) if (script.nonce) return script.nonce;
  return undefined;
}

export const nonce = pageNonce();

if (nonce) {
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (this: Document, tagName: string, options?: ElementCreationOptions) {
    const element = create.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  } as typeof Document.prototype.createElement;
}
