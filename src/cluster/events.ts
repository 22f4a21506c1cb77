/**
 * A small event emitter in VS Code's shape (`onDidX(listener) → Disposable`) without importing
 * vscode: the cluster layer runs in the command-line tool too, and the editor wraps it as is.
 */

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose() {} };
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };

  /** Calls every listener; one that throws does not stop the others. */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own business
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Disposes in reverse order of adding; each failure is swallowed so the rest still go. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private done = false;

  add<D extends Disposable>(d: D): D {
    if (this.done) d.dispose();
    else this.items.push(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.done;
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    for (const d of this.items.reverse()) {
      try {
        d.dispose();
      } catch {
        // keep going
      }
    }
    this.items = [];
  }
}

/**
 * Resolves with the first answer `decide` gives (true or false) to an event, or false at the
 * timeout; the subscription ends either way. `decide` returns undefined to keep waiting.
 */
export function whenEvent<T>(event: Event<T>, decide: (e: T) => boolean | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (v: boolean) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    };
    const sub = event((e) => {
      const answer = decide(e);
      if (answer !== undefined) finish(answer);
    });
  });
}
