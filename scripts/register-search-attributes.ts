/**
 * Registers the work-order search attributes (WorkOrderId, BizOrderId, WorkOrderNode, WorkOrderStatus,
 * Seller: Keyword) on the namespace, waiting for the server to come up. Idempotent: attributes that exist are
 * left alone. docker-compose runs it once before the worker; run it by hand against any other cluster.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { temporal } from '@temporalio/proto';
import { WORK_ORDER_SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = WORK_ORDER_SEARCH_ATTRIBUTES.map((key) => key.name).filter((name) => !known.has(name));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
  }
  return missing;
}

async function main(): Promise<void> {
  const { connectionOptions, namespace = 'default' } = loadClientConnectConfig();
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const connection = await Connection.connect(connectionOptions);
      const added = await registerSearchAttributes(connection, namespace);
      console.log(added.length ? `registered ${added.join(', ')} on ${namespace}` : `search attributes already present on ${namespace}`);
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      console.log(`waiting for Temporal at ${connectionOptions.address ?? 'localhost:7233'}: ${(error as Error).message}`);
      await sleep(3000);
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
