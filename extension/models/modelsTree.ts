// The Models tree view: registered models → versions → source run. Content comes from ModelChildren; this
// caches it, re-fetches on live refresh, renders rows and sets the context key of the "no registry" welcome.
import * as vscode from 'vscode';
import { sessionLookup, type Sessions } from '../server/sessions';
import { ChildrenCache } from '../views/childrenCache';
import { PageSizes } from '../views/paging';
import { toTreeItem } from '../views/toTreeItem';
import { ModelChildren } from './modelChildren';
import { modelFingerprint, modelItemFor, modelNodeKey, type ModelNode } from './modelItems';

export class ModelsTree implements vscode.TreeDataProvider<ModelNode> {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pages = new PageSizes();
  private registryMissing: boolean | undefined;
  readonly cache: ChildrenCache<ModelNode>;

  constructor(sessions: Sessions) {
    const content = new ModelChildren(sessionLookup(sessions), this.pages, (missing) => this.setRegistryMissing(missing));
    this.cache = new ChildrenCache<ModelNode>({ key: modelNodeKey, fetch: (n) => content.fetch(n), fingerprint: modelFingerprint });
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    return toTreeItem(modelItemFor(node, Date.now()), node);
  }

  getChildren(node?: ModelNode): Promise<ModelNode[]> {
    return this.cache.children(node);
  }

  getParent(node: ModelNode): ModelNode | undefined {
    return this.cache.parentOf(node);
  }

  async refresh(): Promise<void> {
    if (await this.cache.refresh()) this.changed.fire();
  }

  rerender(): void {
    this.changed.fire();
  }

  reset(): void {
    this.cache.clear();
    this.changed.fire();
  }

  async loadMore(node: ModelNode): Promise<void> {
    if (node.kind !== 'more') return;
    this.pages.more(node.listKey);
    await this.refresh();
  }

  collapsed(node: ModelNode): void {
    this.cache.forget(node);
  }

  private setRegistryMissing(missing: boolean): void {
    if (this.registryMissing === missing) return;
    this.registryMissing = missing;
    void vscode.commands.executeCommand('setContext', 'mlflowWorkbench.registryMissing', missing);
  }
}
