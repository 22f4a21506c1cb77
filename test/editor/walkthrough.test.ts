/**
 * The Get Started walkthrough: contributed, it opens in the editor with its five steps, and each
 * step's image ships with the extension.
 */
/// <reference types="mocha" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, closeAllEditors, poll, screenshot, textOf, underBench } from './helpers';

interface WalkthroughStep {
  id: string;
  title: string;
  media: { image: string };
}

suite('walkthrough', () => {
  suiteTeardown(closeAllEditors);

  test('every step of Get Started has its image in the extension', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const walkthroughs = ext.packageJSON.contributes?.walkthroughs as { id: string; steps: WalkthroughStep[] }[] | undefined;
    const getStarted = walkthroughs?.find((w) => w.id === 'getStarted');
    assert.ok(getStarted, 'no getStarted walkthrough is contributed');
    assert.deepStrictEqual(getStarted.steps.map((s) => s.id), ['connect', 'validate', 'drift', 'sync', 'design']);
    for (const step of getStarted.steps) {
      const image = path.join(ext.extensionPath, step.media.image);
      assert.ok(fs.existsSync(image) && fs.statSync(image).size > 0, `${step.id}: ${step.media.image} is missing`);
    }
  });

  test('Get Started opens in the editor with its steps', async function () {
    if (!underBench()) this.skip();
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#getStarted`, false);
    const text = await poll(async () => ((await textOf('.gettingStartedContainer')) ?? []).join('\n'), (t) => /Get Started with Tanzu GitOps/.test(t) && /Design a cluster/.test(t), 20_000, 300);
    assert.match(text, /Get Started with Tanzu GitOps/, `the walkthrough did not open; the page showed: ${text.slice(0, 300)}`);
    for (const title of ['Connect to a Supervisor', 'Validate as you type', 'See drift, live against Git', 'Sync through a plan', 'Design a cluster']) {
      assert.ok(text.includes(title), `the step "${title}" is not shown`);
    }
    const shot = await screenshot('walkthrough');
    assert.ok(shot && fs.existsSync(shot), `screenshot not written: ${shot}`);
  });
});
