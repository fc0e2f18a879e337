// The Models tree view: registered models → versions → source run. Content comes from ModelChildren;
// CachedTree caches it, re-fetches on live refresh and renders rows; this sets the context key of the
// "no registry" welcome.
import * as vscode from 'vscode';
import { sessionLookup, type Sessions } from '../server/sessions';
import { CachedTree } from '../views/cachedTree';
import { ModelChildren } from './modelChildren';
import { modelFingerprint, modelItemFor, modelNodeKey, type ModelNode } from './modelItems';

export class ModelsTree extends CachedTree<ModelNode> {
  private registryMissing: boolean | undefined;

  constructor(sessions: Sessions) {
    super((pages) => {
      const content = new ModelChildren(sessionLookup(sessions), pages, (missing) => this.setRegistryMissing(missing));
      return { key: modelNodeKey, fingerprint: modelFingerprint, item: modelItemFor, fetch: (n) => content.fetch(n) };
    });
  }

  private setRegistryMissing(missing: boolean): void {
    if (this.registryMissing === missing) return;
    this.registryMissing = missing;
    void vscode.commands.executeCommand('setContext', 'mlflowWorkbench.registryMissing', missing);
  }
}
