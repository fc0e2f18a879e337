// What the Experiments and Models trees share: a TreeDataProvider over a ChildrenCache that re-fetches what is
// shown on a live refresh and re-renders only when a row changed, "load more" rows backed by PageSizes, and
// collapsed nodes dropped from refreshes. A tree supplies its node keys, fingerprints, rows and children.
import * as vscode from 'vscode';
import { ChildrenCache } from './childrenCache';
import { PageSizes } from './paging';
import { toTreeItem } from './toTreeItem';
import type { ItemSpec } from './treeItemSpec';

export interface TreeParts<N> {
  key(node: N | undefined): string;
  /** What must change for a row to look different. */
  fingerprint(node: N): string;
  item(node: N, now: number): ItemSpec;
  /** A node's children (the root's when undefined), fetched with the tree's page sizes. */
  fetch(node: N | undefined): Promise<N[]>;
}

type MoreNode = { kind: 'more'; listKey: string };
const isMore = (node: { kind: string }): node is MoreNode => node.kind === 'more' && typeof (node as Partial<MoreNode>).listKey === 'string';

export class CachedTree<N extends { kind: string }> implements vscode.TreeDataProvider<N> {
  private readonly changed = new vscode.EventEmitter<N | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly cache: ChildrenCache<N>;

  /** `parts` gets the page sizes its children should respect. */
  constructor(
    parts: (pages: PageSizes) => TreeParts<N>,
    protected readonly pages = new PageSizes(),
  ) {
    const p = parts(pages);
    this.item = p.item;
    this.cache = new ChildrenCache<N>({ key: p.key, fetch: p.fetch, fingerprint: p.fingerprint });
  }

  private readonly item: TreeParts<N>['item'];

  getTreeItem(node: N): vscode.TreeItem {
    return toTreeItem(this.item(node, Date.now()), node);
  }

  getChildren(node?: N): Promise<N[]> {
    return this.cache.children(node);
  }

  getParent(node: N): N | undefined {
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

  async loadMore(node: N): Promise<void> {
    if (!isMore(node)) return;
    this.pages.more(node.listKey);
    await this.refresh();
  }

  collapsed(node: N): void {
    this.cache.forget(node);
  }
}
