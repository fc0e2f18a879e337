// The trace tab's shell and wiring: strict CSP with a per-load nonce, the title escaped, its identity restorable
// after a reload, its view type and commands declared in package.json, and a webview that builds DOM from text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, panelHtml } from '../../extension/panels/html';
import { parseIdentity, PANEL_KINDS, viewTypeOf } from '../../extension/panels/restoreState';
import { REPO_ROOT } from '../support/cliServer';

const HOSTILE = '<img src=x onerror=alert(1)>';
const source = 'https://abc.vscode-cdn.net';

describe('trace tab shell', () => {
  it('loads only our nonce-tagged script under the strict policy, title and identity escaped', () => {
    const restore = { kind: 'traceView' as const, session: 'file:///ws', subject: [`tr-"${HOSTILE}`] };
    const html = panelHtml({ cspSource: source, nonce: 'n0nce', scriptUri: `${source}/dist/webviews/traceView.js`, title: `Trace: ${HOSTILE}`, panel: 'traceView', restore });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="n0nce" src="https:\/\/abc\.vscode-cdn\.net\/dist\/webviews\/traceView\.js"><\/script>/);
    assert.ok(html.includes(`content="${contentSecurityPolicy(source, 'n0nce').replace(/'/g, '&#39;')}"`));
    assert.ok(!html.includes('<img'));
    assert.match(html, /<title>Trace: &lt;img src=x onerror=alert\(1\)&gt;<\/title>/);
    const attr = /data-restore="([^"]*)"/.exec(html)![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    assert.deepEqual(parseIdentity(JSON.parse(attr)), restore);
  });

  it('is a restorable panel kind, declared in package.json with its commands', () => {
    assert.ok(PANEL_KINDS.includes('traceView'));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      activationEvents: string[];
      contributes: { commands: { command: string }[] };
    };
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${viewTypeOf('traceView')}`));
    const commands = pkg.contributes.commands.map((c) => c.command);
    for (const c of ['mlflowWorkbench.openTrace', 'mlflowWorkbench.openLoggedModel', 'mlflowWorkbench.openLoggedModelArtifact']) assert.ok(commands.includes(c), c);
    const panel = readFileSync(join(REPO_ROOT, 'extension/traceView/traceViewPanel.ts'), 'utf8');
    assert.ok(panel.includes(`viewType: '${viewTypeOf('traceView')}'`));
    const registered = readFileSync(join(REPO_ROOT, 'extension/panels/registerPanels.ts'), 'utf8');
    for (const c of ['mlflowWorkbench.openTrace', 'mlflowWorkbench.openLoggedModel']) assert.ok(registered.includes(`'${c}'`), c);
  });

  it('builds its DOM from text nodes only, and leaves the toolkit to components/', () => {
    const main = readFileSync(join(REPO_ROOT, 'webviews/traceView/main.ts'), 'utf8');
    assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(main));
    assert.ok(!main.includes('@vscode/webview-ui-toolkit'));
    assert.match(main, /from '\.\.\/components\/dom\.js'/);
  });
});
