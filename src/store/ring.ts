/** A fixed-capacity ring: pushing past capacity drops the oldest item. Memory is bounded by construction. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;
  /** Items ever pushed, so views can tell how many scrolled away. */
  total = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.total++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.items.length;
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }

  /** The newest n items, oldest first. */
  last(n: number): T[] {
    const all = this.toArray();
    return n >= all.length ? all : all.slice(all.length - n);
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.total = 0;
  }
}
