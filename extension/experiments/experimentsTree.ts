// The Experiments tree view: experiments → runs (nested under parents) → params, metrics, tags, artifacts.
// Content comes from ExperimentChildren; CachedTree caches it, re-fetches on live refresh and renders rows.
import { sessionLookup, type Sessions } from '../server/sessions';
import type { ViewType } from '../tracking/rest/types';
import { CachedTree } from '../views/cachedTree';
import { ExperimentChildren } from './experimentChildren';
import { itemFor, nodeFingerprint, nodeKey, type TrackingNode } from './trackingNodes';

export class ExperimentsTree extends CachedTree<TrackingNode> {
  private showDeleted = false;

  constructor(sessions: Sessions) {
    super((pages) => {
      const content = new ExperimentChildren(sessionLookup(sessions), pages, () => this.viewType);
      return { key: nodeKey, fingerprint: nodeFingerprint, item: itemFor, fetch: (n) => content.fetch(n) };
    });
  }

  get viewType(): ViewType {
    return this.showDeleted ? 'ALL' : 'ACTIVE_ONLY';
  }

  setShowDeleted(show: boolean): void {
    this.showDeleted = show;
    this.reset();
  }
}
