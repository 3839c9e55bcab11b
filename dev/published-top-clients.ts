/**
 * The two published Node TOP clients, from their own folder (test/fixtures/published-top-clients): they are
 * installed apart from the product, scripts ignored, because they bring request@2 and ws@3. Undefined when
 * that folder is not installed (`bash scripts/install-published-top-clients.sh`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export const PUBLISHED_TOP_CLIENTS_DIR = resolve(__dirname, '../test/fixtures/published-top-clients');

export interface PublishedTopClients {
  ApiClient: typeof import('ali-topsdk').ApiClient;
  NodeTaobaoTopClient: typeof import('node-taobao-topclient').default;
}

export function publishedTopClients(): PublishedTopClients | undefined {
  if (!existsSync(join(PUBLISHED_TOP_CLIENTS_DIR, 'node_modules/ali-topsdk'))) return undefined;
  const load = createRequire(join(PUBLISHED_TOP_CLIENTS_DIR, 'package.json'));
  const topClient = load('node-taobao-topclient') as PublishedTopClients['NodeTaobaoTopClient'] & { default?: PublishedTopClients['NodeTaobaoTopClient'] };
  return { ApiClient: (load('ali-topsdk') as typeof import('ali-topsdk')).ApiClient, NodeTaobaoTopClient: topClient.default ?? topClient };
}
