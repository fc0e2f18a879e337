// The Experiments tree view: experiments → runs (nested under parents) → params, metrics, tags, artifacts.
// Content comes from ExperimentChildren; this caches it, re-fetches on live refresh and renders rows.
import * as vscode from 'vscode';
import { sessionLookup, type Sessions } from '../server/sessions';
import type { ViewType } from '../tracking/rest/types';
import { ChildrenCache } from '../views/childrenCache';
import { PageSizes } from '../views/paging';
import { toTreeItem } from '../views/toTreeItem';
import { ExperimentChildren } from './experimentChildren';
import { itemFor, nodeFingerprint, nodeKey, type TrackingNode } from './trackingNodes';

export class ExperimentsTree implements vscode.TreeDataProvider<TrackingNode> {
  private readonly changed = new vscode.EventEmitter<TrackingNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pages = new PageSizes();
  private showDeleted = false;
  private readonly content: ExperimentChildren;
  readonly cache: ChildrenCache<TrackingNode>;

  constructor(sessions: Sessions) {
    this.content = new ExperimentChildren(sessionLookup(sessions), this.pages, () => this.viewType);
    this.cache = new ChildrenCache<TrackingNode>({ key: nodeKey, fetch: (n) => this.content.fetch(n), fingerprint: nodeFingerprint });
  }

  get viewType(): ViewType {
    return this.showDeleted ? 'ALL' : 'ACTIVE_ONLY';
  }

  setShowDeleted(show: boolean): void {
    this.showDeleted = show;
    this.reset();
  }

  getTreeItem(node: TrackingNode): vscode.TreeItem {
    return toTreeItem(itemFor(node, Date.now()), node);
  }

  getChildren(node?: TrackingNode): Promise<TrackingNode[]> {
    return this.cache.children(node);
  }

  getParent(node: TrackingNode): TrackingNode | undefined {
    return this.cache.parentOf(node);
  }

  /** Re-fetches what is shown; re-renders only when something changed. */
  async refresh(): Promise<void> {
    if (await this.cache.refresh()) this.changed.fire();
  }

  /** Re-renders from the cache (relative times move on). */
  rerender(): void {
    this.changed.fire();
  }

  /** Drops everything (a session changed mode): the next render fetches anew. */
  reset(): void {
    this.cache.clear();
    this.changed.fire();
  }

  async loadMore(node: TrackingNode): Promise<void> {
    if (node.kind !== 'more') return;
    this.pages.more(node.listKey);
    await this.refresh();
  }

  collapsed(node: TrackingNode): void {
    this.cache.forget(node);
  }
}
