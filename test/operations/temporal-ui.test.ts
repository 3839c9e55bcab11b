/**
 * The Temporal UI, in a real browser: the dev server serves its UI, real work orders run, and headless
 * Chromium (Debian's, driven by playwright-core) filters the list by our search attributes and opens a
 * work order. Screenshots are kept in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../dev/processes';
import { eventually, startStack } from '../helpers/stack';
import { fullWorkOrder, newWorkOrderId } from '../helpers/work-orders';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
// As root on a machine without internet: no sandbox, and none of Chromium's background calls home.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the Temporal UI shows work orders in business terms', { skip: CHROMIUM ? false : 'no Chromium installed (apt-get install chromium, or set CHROMIUM_PATH)' }, async () => {
  const uiPort = await freePort();
  const { client } = await startStack({}, { temporal: { uiPort } });
  const ui = `http://127.0.0.1:${uiPort}/namespaces/default`;

  // One open work order moved on to a second node, one completed.
  const openId = newWorkOrderId('WO-UI-OPEN');
  const doneId = newWorkOrderId('WO-UI-DONE');
  await client.start(fullWorkOrder(openId));
  await client.start(fullWorkOrder(doneId));
  await client.reportProgress(openId, { progressId: 'p1', node: 'inspecting', data: { inspector: 'A-7' } });
  await eventually(async () => {
    const view = await client.status(openId);
    return view.status === 'open' && view.currentNode === 'inspecting' && view.progressPending === 0 && view.steps.length === 4 ? true : undefined;
  }, 'the open work order at its second node');
  await client.complete(doneId, { resultMessage: 'done' });
  await client.result(doneId);
  // The list is served from visibility, which may trail the workflows by a moment.
  await eventually(async () => ((await client.list({ status: 'completed' })).some((w) => w.workOrderId === doneId) ? true : undefined), 'visibility caught up');
  await eventually(async () => ((await client.list({ status: 'open' })).some((w) => w.workOrderId === openId) ? true : undefined), 'visibility caught up');

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  after(() => browser.close());
  const page: Page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(30_000);
  mkdirSync(ARTIFACTS, { recursive: true });
  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `temporal-ui-${name}.png`), fullPage: true });

  const listBy = async (query: string) => {
    // The list has loaded when a row or the empty state is there. The UI's first load on a busy machine (the
    // whole suite running) once never rendered within 30 s: it is loaded again once before the test fails.
    const loaded = () => page.getByRole('link', { name: /^work-order-/ }).or(page.getByText(/No Workflows/i)).first().waitFor();
    await page.goto(`${ui}/workflows?query=${encodeURIComponent(query)}`);
    await loaded().catch(async () => {
      await page.reload();
      await loaded();
    });
  };
  const listed = async (workOrderId: string) => (await page.getByRole('link', { name: `work-order-${workOrderId}`, exact: true }).count()) > 0;

  /** Whether some frame of the page (the UI renders Markdown in frames of its own) shows `text`. */
  const frameSaying = async (text: string) =>
    (await eventually(async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').includes(text)) return true;
      }
      return undefined;
    }, `a frame saying ${text}`).catch(() => false)) === true;

  it('filters the workflow list by WorkOrderId', async () => {
    await listBy(`WorkOrderId = "${openId}"`);
    await screenshot('filter-by-work-order-id');
    assert.equal(await listed(openId), true);
    assert.equal(await listed(doneId), false);
  });

  it('filters the workflow list by WorkOrderStatus', async () => {
    await listBy('WorkOrderStatus = "completed"');
    await screenshot('filter-by-status');
    assert.equal(await listed(doneId), true);
    assert.equal(await listed(openId), false);
  });

  it('opens a work order and shows its seller, order, current node and its steps in business terms, in Beijing time', async () => {
    await listBy(`WorkOrderId = "${openId}"`);
    await page.getByRole('link', { name: `work-order-${openId}`, exact: true }).click();
    // "Current Details": Markdown the running workflow sets, answered through the worker; the UI renders
    // Markdown in frames of its own.
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    try {
      const details = await eventually(async () => {
        for (const frame of page.frames()) {
          const text = (await frame.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ');
          if (text.includes('Waiting for:')) return text;
        }
        return undefined;
      }, 'the Current Details frame');
      assert.match(details, new RegExp(`Work order ${openId}: open, at node inspecting`));
      assert.match(details, /Waiting for: progress or completion/);
      const steps = ['Qianniu: work order created', 'AliGenius: identification case opened', '店小蜜: reached node accepted', '店小蜜: reached node inspecting'];
      // Each at its time in Beijing time, the zone written out.
      assert.match(details, new RegExp(steps.map((step) => `✓ ${step} — \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(UTC\\+8\\)`).join(' ')), 'every step, in order');
      // Summary and Details, set at start: the seller, the order, and what the work order carries on TOP.
      assert.equal(await frameSaying(`Work order ${openId} · seller seller-a · order 4012345678901234567`), true, 'the summary');
      assert.equal(await frameSaying(`Work order ${openId} for seller seller-a`), true, 'the details');
      assert.equal(await frameSaying('店小蜜: async code ac-WO-UI-OPEN'), true, 'the details say what the work order carries');
      assert.doesNotMatch(await page.locator('body').innerText(), /No details available/);
    } finally {
      await screenshot('work-order'); // also on failure, to see what the page showed
    }
  });
});
