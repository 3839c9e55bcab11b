import assert from 'node:assert/strict';
import { mkdtempSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileSessionStore, SESSIONS_RECHECK_MS } from '../../src/activities/sessions';

/** A sessions file and a store on it with a clock the test moves. */
function storeOn(sessions: Record<string, string>) {
  const path = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'sessions.json');
  let mtime = 1_700_000_000;
  // Each write gets its own modification time: the store tells versions of the file apart by it.
  const write = (next: Record<string, string>) => {
    writeFileSync(path, JSON.stringify(next));
    utimesSync(path, mtime, ++mtime);
  };
  write(sessions);
  let now = 0;
  const store = new FileSessionStore(path, () => now);
  return { store, path, write, advance: (ms: number) => (now += ms) };
}

describe('the sessions file', () => {
  it('answers from the last read within a second, and sees a changed key after that', async () => {
    const { store, write, advance } = storeOn({ 'shop-a': 'key-1' });
    assert.equal(await store.sessionFor('shop-a'), 'key-1');
    write({ 'shop-a': 'key-2' });
    advance(SESSIONS_RECHECK_MS - 1);
    assert.equal(await store.sessionFor('shop-a'), 'key-1', 'within the window: no look at the file');
    advance(1);
    assert.equal(await store.sessionFor('shop-a'), 'key-2');
  });

  it('looks again at once for a seller it does not know: a seller who has just authorized is found', async () => {
    const { store, write } = storeOn({ 'shop-a': 'key-a' });
    assert.equal(await store.sessionFor('shop-a'), 'key-a');
    write({ 'shop-a': 'key-a', 'shop-b': 'key-b' });
    assert.equal(await store.sessionFor('shop-b'), 'key-b');
    assert.equal(await store.sessionFor('shop-c'), undefined);
  });

  it('looks again at once after TOP refused a key: a re-authorized seller is not sent the old key', async () => {
    const { store, write } = storeOn({ 'shop-a': 'expired' });
    assert.equal(await store.sessionFor('shop-a'), 'expired');
    write({ 'shop-a': 'fresh' });
    store.keyRejected();
    assert.equal(await store.sessionFor('shop-a'), 'fresh');
  });

  it('keeps answering from the last good copy when the file turns bad, says why (naming the file, not its content) until it is good again', async () => {
    const { store, path, advance, write } = storeOn({ 'shop-a': 'secret-key' });
    const problems: (string | undefined)[] = [];
    store.onProblemChanged((problem) => problems.push(problem));
    assert.equal(await store.check(), 1);
    unlinkSync(path);
    writeFileSync(path, '{"shop-a": "secret-key"');
    advance(SESSIONS_RECHECK_MS);
    assert.equal(await store.sessionFor('shop-a'), 'secret-key');
    assert.ok(store.problem?.includes(path) && store.problem.includes('not valid JSON') && !store.problem.includes('secret-key'), store.problem);
    unlinkSync(path);
    advance(SESSIONS_RECHECK_MS);
    assert.equal(await store.sessionFor('shop-a'), 'secret-key');
    assert.match(store.problem!, /no such file \(ENOENT\)/);
    write({ 'shop-a': 'fresh-key' });
    advance(SESSIONS_RECHECK_MS);
    assert.equal(await store.sessionFor('shop-a'), 'fresh-key');
    assert.equal(store.problem, undefined);
    assert.equal(problems.length, 3);
  });

  it('a file missing at start-up stops the worker with a message naming the variable and the file', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'sessions-')), 'none.json');
    await assert.rejects(new FileSessionStore(missing).check(), (error: Error) => error.message === `TOP_SESSIONS_FILE ${missing} cannot be read: no such file (ENOENT)`);
  });
});
