/**
 * A min-heap of items keyed by the time they are next due. Ties leave in insertion order,
 * so simulations stay deterministic.
 */
export class DueQueue<T> {
  private readonly heap: { dueMs: number; order: number; item: T }[] = [];
  private inserted = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest due time, or Infinity when empty. */
  peekDueMs(): number {
    return this.heap[0]?.dueMs ?? Number.POSITIVE_INFINITY;
  }

  push(item: T, dueMs: number): void {
    this.heap.push({ dueMs, order: this.inserted++, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (!top || !last) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.heap.length && this.before(left, smallest)) smallest = left;
        if (right < this.heap.length && this.before(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top.item;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return false;
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return;
    this.heap[i] = b;
    this.heap[j] = a;
  }
}
