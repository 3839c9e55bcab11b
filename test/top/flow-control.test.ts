import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BanGate, banScope, Pacer, TopError } from '../../src/top';

/** A clock the test moves: a sleep moves it to the sleep's end, so a ban of seconds takes no real time. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        const end = now + ms;
        await Promise.resolve(); // sleepers that started together wake together
        now = Math.max(now, end);
      },
    },
    advance: (ms: number) => void (now += ms),
    sleeps,
    get now() {
      return now;
    },
  };
}

const ban = (seconds: number, subCode = 'accesscontrol.limited-by-app-access-count', method = 'taobao.bcpush.isv.event.emit') =>
  new TopError({ method, source: 'gateway', classification: 'rate-limited', code: 7, subCode, retryAfterMs: seconds * 1000 });

describe('the ban gate', () => {
  it('holds every call the ban covers until it ends, and no longer', async () => {
    const t = fakeClock();
    const gate = new BanGate(t.clock);
    gate.ban(ban(3));
    const held = await Promise.all([gate.pass('taobao.bcpush.isv.event.emit'), gate.pass('taobao.alimi.workorder.progress.notify')]);
    assert.deepEqual(held, [3000, 3000], 'an app-wide ban holds every API');
    assert.equal(gate.remainingMs('taobao.bcpush.isv.event.emit'), 0);
    assert.equal(await gate.pass('taobao.bcpush.isv.event.emit'), 0, 'after the ban, calls pass at once');
  });

  it('keys a per-API ban by the API: other APIs pass', async () => {
    const t = fakeClock();
    const gate = new BanGate(t.clock);
    gate.ban(ban(5, 'accesscontrol.limited-by-api-access-count', 'taobao.alimi.workorder.progress.notify'));
    assert.equal(banScope(ban(1, 'accesscontrol.limited-by-app-api-access-count')), 'api:taobao.bcpush.isv.event.emit');
    assert.equal(await gate.pass('taobao.bcpush.isv.event.emit'), 0);
    assert.equal(gate.remainingMs('taobao.alimi.workorder.progress.notify'), 5000);
  });

  it('takes a ban without a known sub_code as app-wide', () => {
    assert.equal(banScope(ban(1, '')), 'app');
  });

  it('keeps the later end when bans overlap', () => {
    const t = fakeClock();
    const gate = new BanGate(t.clock);
    gate.ban(ban(4));
    t.advance(1000);
    gate.ban(ban(1));
    assert.equal(gate.remainingMs('m'), 3000);
  });

  it('fails a call unsent, with the rest of the ban, when the ban outlasts what the caller may wait', async () => {
    const t = fakeClock();
    const gate = new BanGate(t.clock);
    gate.ban(ban(60));
    await assert.rejects(gate.pass('taobao.bcpush.isv.event.emit', { maxWaitMs: 10_000 }), (error: TopError) => {
      assert.equal(error.source, 'gate');
      assert.equal(error.classification, 'rate-limited');
      assert.equal(error.retryAfterMs, 60_000);
      return true;
    });
    assert.deepEqual(t.sleeps, [], 'nothing waited');
  });

  it('ticks about once a second while holding (an activity heartbeats there)', async () => {
    const t = fakeClock();
    const gate = new BanGate(t.clock);
    gate.ban(ban(3));
    let ticks = 0;
    await gate.pass('m', { tick: () => void (ticks += 1) });
    assert.equal(ticks, 3);
  });
});

describe('the pacer', () => {
  it('spreads a burst evenly: no second carries more than the rate', () => {
    let now = 1_000;
    const pacer = new Pacer(10, undefined, () => now);
    const departures = Array.from({ length: 35 }, () => now + pacer.reserve()!);
    assert.deepEqual(departures.slice(0, 3), [1000, 1100, 1200]);
    // Any one-second window, wherever it starts, holds at most 10 departures.
    for (const start of departures) assert.ok(departures.filter((at) => at >= start && at < start + 1000).length <= 10);
    now = 10_000;
    assert.equal(pacer.reserve(), 0, 'after a quiet spell a call leaves at once');
    assert.equal(pacer.reserve(), 100, 'with no burst credit saved up');
  });

  it('does not take a slot further away than the caller may wait', () => {
    const now = 0;
    const pacer = new Pacer(2, undefined, () => now);
    assert.equal(pacer.reserve(100), 0);
    assert.equal(pacer.reserve(100), undefined);
    assert.equal(pacer.waitMs(), 500);
    assert.equal(pacer.reserve(1000), 500, 'the refused call took nothing');
  });

  it('shares a budget between clients on their own: each sends at budget / count', () => {
    const now = 0;
    const pacer = new Pacer(30, { count: 3 }, () => now);
    assert.deepEqual([pacer.reserve(), pacer.reserve(), pacer.reserve()], [0, 100, 200]);
  });

  it('lets clients on one schedule take turns: together they never exceed the budget, whenever their bursts start', () => {
    let now = 1_000_000.3; // off the grid, as a real clock is
    // 40 / 3 is not whole: three clients on their own could each put 14 calls into one second (42).
    const clients = [0, 1, 2].map((index) => new Pacer(40, { count: 3, index }, () => now));
    const departures: number[] = [];
    // Bursts that begin at different moments, interleaved the way three processes would ask.
    for (let round = 0; round < 20; round += 1) {
      for (const [i, pacer] of clients.entries()) {
        now = 1_000_000.3 + i * 7 + round * 3;
        departures.push(now + pacer.reserve()!);
      }
    }
    departures.sort((a, b) => a - b);
    for (const start of departures) assert.ok(departures.filter((at) => at >= start && at < start + 1000).length <= 40, `window from ${start}`);
    for (let i = 1; i < departures.length; i += 1) assert.ok(departures[i]! - departures[i - 1]! > 24.9, 'no two calls closer than one slot');
  });

  it('makes a call on one schedule wait at most for its own turn after a quiet spell', () => {
    let now = 5_000.5;
    const pacer = new Pacer(30, { count: 3, index: 1 }, () => now);
    const wait = pacer.reserve()!;
    assert.ok(wait >= 0 && wait <= 100, `waited ${wait} ms`);
    assert.equal(Math.round((now + wait) / (1000 / 30)) % 3, 1, 'on its own slot');
    now = 60_000;
    assert.ok(pacer.reserve()! <= 100);
    assert.throws(() => new Pacer(30, { count: 3, index: 3 }), RangeError);
  });
});
