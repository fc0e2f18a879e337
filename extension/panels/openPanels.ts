// One panel per subject (a run, an experiment's table, a registered model): asking again reveals the open
// panel instead of making a second one; a closed panel leaves the registry.
import type { PanelHost } from './panelHost';

interface Hosted {
  readonly host: Pick<PanelHost<never, never>, 'isDisposed' | 'reveal' | 'onDidDispose'>;
}

export class OpenPanels<P extends Hosted> {
  private readonly open = new Map<string, P>();

  /** The open panel for `key`, revealed; or a new one from `create`, kept until it is closed. */
  revealOrCreate(key: string, create: () => P): P {
    const existing = this.open.get(key);
    if (existing && !existing.host.isDisposed) {
      existing.host.reveal();
      return existing;
    }
    const panel = create();
    this.open.set(key, panel);
    panel.host.onDidDispose(() => this.open.delete(key));
    return panel;
  }
}
