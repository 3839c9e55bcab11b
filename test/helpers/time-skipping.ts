import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../../src/work-order/search-attributes';
import { startProduct, type Product } from './stack';
import { installQuietRuntime } from './temporal';

/** Temporal's time-skipping test server, installed by scripts/install-time-skipping-server.sh (Java, Maven). */
const TEST_SERVER = resolve(__dirname, '../../.tools/time-skipping-server/test-server');

/** Why the time-skipping tests cannot run on this machine, or false when they can (node:test's `skip`). */
export function timeSkippingSkipReason(): string | false {
  return existsSync(TEST_SERVER) ? false : `no time-skipping server at ${TEST_SERVER}: scripts/install-time-skipping-server.sh installs it (needs Java 17+ and Maven)`;
}

export type TimeSkippingStack = Omit<Product, 'stop'> & { env: TestWorkflowEnvironment };

/**
 * The product — the worker built by src/worker.ts, the TOP sandbox, the client — on Temporal's time-skipping
 * test server: `env.sleep('2 days')` moves the server's clock on at once, and with it every timer due.
 * TOP calls still take real time, so a test skips time only while its work orders wait.
 */
export async function startTimeSkippingStack(overrides: Record<string, string> = {}): Promise<TimeSkippingStack> {
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEST_SERVER } } });
  // The work orders' own search attributes, registered as an operator registers them on a real server.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(WORK_ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
  });
  const { stop, ...product } = await startProduct(env, overrides);
  after(async () => {
    await stop();
    await env.teardown();
  });
  return { env, ...product };
}
