import { describe, expect, it } from 'vitest';
import {
  bodyBytes,
  bodyOf,
  createQueue,
  ORPHAN_AFTER_MS,
  QUEUE_PREFIX,
  RESEND_WITHIN_MS,
} from '../../../tracker/src/queue.ts';
import { FakeStorage } from './fake-browser.ts';

const event = (n: number, extra = '') => JSON.stringify({ eventId: `e-${n}`, extra });

const queueOn = (storage: FakeStorage, pageId: string, limit = 10) => {
  const clock = { now: 1_000 };
  const queue = createQueue(storage, pageId, limit, () => clock.now);
  return { queue, clock };
};

const storedIds = (storage: FakeStorage) =>
  storage.queues().flatMap((stored) => stored.events.map(([e]) => e.eventId));

describe('the event queue', () => {
  it('mirrors every change to storage, under a key of its page', () => {
    // Prepare
    const storage = new FakeStorage();
    const { queue } = queueOn(storage, 'page-1');
    // Act
    queue.add(event(1));
    queue.add(event(2));
    queue.save();
    const batch = queue.take(1, 1_000);
    queue.remove(batch);
    queue.save();
    // Assess
    expect([...storage.items.keys()]).toEqual([`${QUEUE_PREFIX}page-1`]);
    expect(storage.queues()).toEqual([
      { saved: 1_000, closed: false, dropped: 0, events: [[{ eventId: 'e-2', extra: '' }, 1_000]] },
    ]);
  });

  it('takes the oldest waiting events that fit the count and the body bytes, at least one', () => {
    // Prepare
    const { queue } = queueOn(new FakeStorage(), 'p');
    for (let n = 1; n <= 5; n++) queue.add(event(n, 'x'.repeat(40)));
    const one = bodyBytes(queue.waiting().slice(0, 1));
    // Act
    const byCount = queue.take(2, 100_000);
    const byBytes = queue.take(10, 2 * one - 2);
    const oversized = queue.take(10, 1);
    // Assess
    expect(byCount.map((e) => JSON.parse(e.json).eventId)).toEqual(['e-1', 'e-2']);
    expect(byBytes.map((e) => JSON.parse(e.json).eventId)).toEqual(['e-3']);
    expect(bodyBytes(byCount)).toBe(new TextEncoder().encode(bodyOf(byCount)).length);
    expect(oversized.map((e) => JSON.parse(e.json).eventId)).toEqual(['e-4']);
    expect(queue.waiting().map((e) => JSON.parse(e.json).eventId)).toEqual(['e-5']);
  });

  it('counts body bytes as UTF-8, as the collector measures them', () => {
    // Prepare
    const { queue } = queueOn(new FakeStorage(), 'p');
    queue.add(JSON.stringify({ m: 'é😀' }));
    // Act
    const batch = queue.take(1, 1_000);
    // Assess
    expect(bodyBytes(batch)).toBe(new TextEncoder().encode(bodyOf(batch)).length);
    // Brackets, `{"m":"`, é in two bytes, 😀 in four, `"}`.
    expect(bodyBytes(batch)).toBe(2 + 6 + 2 + 4 + 2);
  });

  it('beyond its limit drops the oldest and counts each event that never went out', () => {
    // Prepare
    const storage = new FakeStorage();
    const { queue } = queueOn(storage, 'p', 3);
    // Act
    const drops = [1, 2, 3, 4, 5].map((n) => queue.add(event(n)));
    queue.save();
    // Assess
    expect(drops).toEqual([0, 0, 0, 1, 1]);
    expect(storedIds(storage)).toEqual(['e-3', 'e-4', 'e-5']);
    expect(storage.queues()[0]?.dropped).toBe(2);
    expect(queue.takeDropped()).toBe(2);
    expect(queue.takeDropped()).toBe(0);
  });

  it('at its limit drops entries already beaconed before any that never went out, without counting them', () => {
    // Prepare
    const { queue } = queueOn(new FakeStorage(), 'p', 3);
    queue.add(event(1));
    queue.add(event(2));
    queue.markSent(queue.take(1, 1_000).slice(0, 1));
    queue.add(event(3));
    // Act
    const dropped = queue.add(event(4));
    // Assess
    expect(dropped).toBe(0);
    expect(queue.waiting().map((e) => JSON.parse(e.json).eventId)).toEqual(['e-2', 'e-3', 'e-4']);
  });

  it('at its limit keeps the events in flight, whose answer is still to come', () => {
    // Prepare
    const { queue } = queueOn(new FakeStorage(), 'p', 3);
    queue.add(event(1));
    queue.add(event(2));
    const inFlight = queue.take(2, 1_000);
    queue.add(event(3));
    // Act
    const dropped = queue.add(event(4));
    // Assess
    expect(dropped).toBe(1);
    expect(inFlight.map((e) => JSON.parse(e.json).eventId)).toEqual(['e-1', 'e-2']);
    expect(queue.waiting().map((e) => JSON.parse(e.json).eventId)).toEqual(['e-4']);
    expect(queue.size).toBe(3);
  });
});

describe('adopting the queues other pages left', () => {
  it('a reload takes over the closed queue of the page before, oldest first, with its unreported drops', () => {
    // Prepare
    const storage = new FakeStorage();
    const before = queueOn(storage, 'before');
    before.queue.add(event(1));
    before.clock.now = 2_000;
    before.queue.add(event(2));
    before.queue.add(event(3));
    before.queue.add(event(4));
    before.queue.save(true);
    const after = queueOn(storage, 'after', 3);
    after.clock.now = 3_000;
    // Act
    const dropped = after.queue.adopt();
    after.queue.save();
    // Assess
    expect(dropped).toBe(1);
    expect(after.queue.waiting().map((e) => [JSON.parse(e.json).eventId, e.at])).toEqual([
      ['e-2', 2_000],
      ['e-3', 2_000],
      ['e-4', 2_000],
    ]);
    expect([...storage.items.keys()]).toEqual([`${QUEUE_PREFIX}after`]);
    expect(after.queue.takeDropped()).toBe(1);
  });

  it('leaves the queue of a page that may still be open, and takes it once orphaned', () => {
    // Prepare
    const storage = new FakeStorage();
    const open = queueOn(storage, 'open-tab');
    open.queue.add(event(1));
    open.queue.save();
    const newTab = queueOn(storage, 'new-tab');
    // Act
    newTab.clock.now = 1_000 + ORPHAN_AFTER_MS - 1;
    const whileAlive = newTab.queue.adopt();
    const heldWhileAlive = newTab.queue.size;
    newTab.clock.now = 1_000 + ORPHAN_AFTER_MS;
    newTab.queue.adopt();
    // Assess
    expect([whileAlive, heldWhileAlive]).toEqual([0, 0]);
    expect(newTab.queue.waiting().map((e) => JSON.parse(e.json).eventId)).toEqual(['e-1']);
  });

  it('resends beaconed events only while a resend is still inside the duplicate horizon', () => {
    // Prepare
    const storage = new FakeStorage();
    const before = queueOn(storage, 'before');
    before.queue.add(event(1));
    before.queue.add(event(2));
    before.queue.markSent(before.queue.take(10, 10_000));
    before.queue.save(true);
    const soon = new FakeStorage();
    for (const [key, value] of storage.items) soon.setItem(key, value);
    const next = queueOn(soon, 'next');
    const later = queueOn(storage, 'later');
    // Act
    next.clock.now = 1_000 + RESEND_WITHIN_MS;
    next.queue.adopt();
    later.clock.now = 1_000 + RESEND_WITHIN_MS + 1;
    later.queue.adopt();
    // Assess
    expect(next.queue.waiting().map((e) => JSON.parse(e.json).eventId)).toEqual(['e-1', 'e-2']);
    expect(later.queue.size).toBe(0);
  });

  it('throws away a stored queue it cannot read, and reads no event twice', () => {
    // Prepare
    const storage = new FakeStorage();
    storage.setItem(`${QUEUE_PREFIX}broken`, '{"saved":');
    storage.setItem(`${QUEUE_PREFIX}odd`, '{"closed":true,"events":"none"}');
    const { queue } = queueOn(storage, 'p');
    // Act
    const dropped = queue.adopt();
    // Assess
    expect(dropped).toBe(0);
    expect(queue.size).toBe(0);
    expect(storage.getItem(`${QUEUE_PREFIX}broken`)).toBeNull();
  });
});
