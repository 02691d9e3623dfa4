/**
 * Runs tasks with at most `limit` in flight; a task may schedule more. Resolves when
 * every task is done, rejects on the first failure (tasks already running finish first).
 */
export class TaskPool {
  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private failure: { error: unknown } | undefined;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(private readonly limit: number) {}

  add(task: () => Promise<void>): void {
    if (this.failure) return;
    this.queue.push(task);
    this.pump();
  }

  done(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.check();
    });
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length > 0 && !this.failure) {
      const task = this.queue.shift()!;
      this.running += 1;
      task().then(
        () => this.finish(),
        (error: unknown) => {
          this.failure ??= { error };
          this.queue.length = 0;
          this.finish();
        },
      );
    }
  }

  private finish(): void {
    this.running -= 1;
    this.pump();
    this.check();
  }

  private check(): void {
    if (!this.settle || this.running > 0 || this.queue.length > 0) return;
    if (this.failure) this.settle.reject(this.failure.error);
    else this.settle.resolve();
  }
}
