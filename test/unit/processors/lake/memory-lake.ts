import type { ListedLakeFile } from '../../../../processors/lake/lake-files.ts';
import type { LakeObjects } from '../../../../processors/lake/lake-objects.ts';

/** An in-memory lake bucket: objects with the time they were PUT (to the second, as S3 lists them). */
export class MemoryLake implements LakeObjects {
  readonly objects = new Map<string, { bytes: Uint8Array; lastModifiedMs: number }>();
  readonly gets: string[] = [];
  nowMs = Date.parse('2026-11-22T12:00:00Z');

  async list(prefix: string): Promise<ListedLakeFile[]> {
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => ({
        key,
        lastModifiedMs: Math.floor(o.lastModifiedMs / 1000) * 1000,
        bytes: o.bytes.length,
      }));
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Uint8Array> {
    const object = this.objects.get(key);
    if (!object) throw new Error(`no such key ${key}`);
    this.gets.push(range ? `${key} ${range.start}-${range.end}` : key);
    return range ? object.bytes.slice(range.start, range.end) : object.bytes;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.objects.set(key, { bytes, lastModifiedMs: this.nowMs });
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }
}
