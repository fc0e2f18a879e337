// The Models tree's content, without VS Code: registered models → versions (newest first, aliases merged from
// the model) → the source run. A server without a registry is reported once, for the welcome view.
import { isEndpointMissing, toClientError } from '../client/clientError';
import type { TrackingClient } from '../client/trackingClient';
import { fetchUpTo, type PageSizes } from '../views/paging';
import type { SessionLookup, SessionRef } from '../views/sessionRef';
import { modelNodeKey, versionAliases, type ModelNode } from './modelItems';

export class ModelChildren {
  constructor(
    private readonly sessions: SessionLookup,
    private readonly pages: PageSizes,
    /** Called with whether the (single) session's server has a registry. */
    private readonly onRegistryMissing: (missing: boolean) => void,
  ) {}

  async fetch(node: ModelNode | undefined): Promise<ModelNode[]> {
    try {
      if (!node) return await this.roots();
      const s = this.sessions.get(node.session);
      const client = s?.client;
      if (!s || !client) return [];
      switch (node.kind) {
        case 'folder':
          return await this.models(s, client, false);
        case 'model':
          return await this.versions(s.key, client, node);
        case 'version':
          return node.version.run_id ? [{ kind: 'sourceRun', session: s.key, version: node.version }] : [];
        default:
          return [];
      }
    } catch (err) {
      const e = toClientError(err);
      return [{ kind: 'message', session: node?.session ?? '', parentKey: modelNodeKey(node), text: `Cannot load: ${e.message}`, detail: e.code, icon: 'error' }];
    }
  }

  private async roots(): Promise<ModelNode[]> {
    const all = this.sessions.list();
    if (all.length > 1) return all.map((s) => ({ kind: 'folder', session: s.key, name: s.name }));
    const s = all[0];
    if (!s?.client) return [];
    return this.models(s, s.client, true);
  }

  private async models(s: SessionRef, client: TrackingClient, atRoot: boolean): Promise<ModelNode[]> {
    const listKey = `models|${s.key}`;
    let page: { items: ModelNode[]; hasMore: boolean };
    try {
      const r = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) => client.registry.searchRegisteredModels({ maxResults, pageToken }));
      page = { items: r.items.map((model) => ({ kind: 'model', session: s.key, model })), hasMore: r.hasMore };
      if (atRoot) this.onRegistryMissing(false);
    } catch (err) {
      if (!isEndpointMissing(err)) throw err;
      if (atRoot) {
        this.onRegistryMissing(true);
        return [];
      }
      return [{ kind: 'message', session: s.key, parentKey: listKey, text: 'This tracking server has no model registry', icon: 'warning' }];
    }
    if (page.hasMore) page.items.push({ kind: 'more', session: s.key, listKey, label: 'Load more models…' });
    if (!atRoot && page.items.length === 0) page.items.push({ kind: 'message', session: s.key, parentKey: listKey, text: 'No registered models yet' });
    return page.items;
  }

  private async versions(session: string, client: TrackingClient, node: Extract<ModelNode, { kind: 'model' }>): Promise<ModelNode[]> {
    const listKey = modelNodeKey(node);
    const { items, hasMore } = await fetchUpTo(this.pages.get(listKey), (maxResults, pageToken) =>
      client.registry.searchModelVersions({ name: node.model.name, maxResults, pageToken }),
    );
    const nodes: ModelNode[] = items
      .sort((a, b) => Number(b.version) - Number(a.version))
      .map((version) => ({ kind: 'version', session, version, aliases: versionAliases(version, node.model) }));
    if (hasMore) nodes.push({ kind: 'more', session, listKey, label: 'Load more versions…' });
    if (nodes.length === 0) nodes.push({ kind: 'message', session, parentKey: listKey, text: 'No versions' });
    return nodes;
  }
}
