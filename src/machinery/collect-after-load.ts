/**
 * One full garbage collection after a bulk load (the first sync of 100,000 objects): the pages of
 * the initial list leave garbage in the old generation and a grown young generation, which V8
 * would otherwise keep for a long while. Runs only where the process was started with
 * `--expose-gc` (the installed `kdns dns` is; see src/bin/kdns.js), else does nothing.
 */

/** Wraps a readiness check so that the first time it turns true, the heap is collected first. */
export function collectOnFirstReady(ready: () => boolean): () => boolean {
  let collected = false;
  return () => {
    const now = ready();
    const gc = (globalThis as { gc?: () => void }).gc;
    if (now && !collected && gc) {
      collected = true;
      gc();
      // Once more when the load has passed: V8 shrinks the young generation only when allocation has slowed.
      setTimeout(gc, 1000).unref();
    }
    return now;
  };
}
