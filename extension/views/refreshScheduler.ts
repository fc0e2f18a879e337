// Coalesces refresh requests: a burst of writes (a training loop logging every step) becomes one refresh
// after `delayMs` of quiet, but never waits longer than `maxWaitMs`, and never runs two refreshes at once.

export class RefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  private firstRequest: number | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly delayMs = 300,
    private readonly maxWaitMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  request(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = this.now();
    this.firstRequest ??= now;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.delayMs, this.firstRequest + this.maxWaitMs - now));
    this.timer = setTimeout(() => void this.run(), wait);
  }

  /** Runs now (after any refresh in progress); resolves when done. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) await this.running;
    await this.run();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.firstRequest = undefined;
    if (this.disposed) return;
    this.running = this.refresh().catch(() => undefined);
    await this.running;
    this.running = undefined;
    if (this.again) {
      this.again = false;
      this.request();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
