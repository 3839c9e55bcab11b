/**
 * `npm run sandbox`: the local TOP gateway sandbox on its own.
 * TOP_SANDBOX_PORT (default 8790), TOP_SANDBOX_HOST (default 127.0.0.1; the admin endpoint has no
 * authentication, so widen it only on a private network). TOP_APP_KEY / TOP_APP_SECRET replace the
 * built-in sandbox app.
 */
import { z } from 'zod';
import { SANDBOX_DEFAULTS, TopSandbox } from './server';

const env = z
  .object({
    TOP_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
    TOP_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    TOP_APP_KEY: z.string().min(1).default(SANDBOX_DEFAULTS.appKey),
    TOP_APP_SECRET: z.string().min(1).default(SANDBOX_DEFAULTS.appSecret),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`invalid sandbox configuration: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}

const sandbox = new TopSandbox({
  host: env.data.TOP_SANDBOX_HOST,
  port: env.data.TOP_SANDBOX_PORT,
  apps: { [env.data.TOP_APP_KEY]: env.data.TOP_APP_SECRET },
});
void sandbox.start().then(({ gatewayUrl, url }) => {
  console.log(`TOP sandbox gateway: ${gatewayUrl}`);
  console.log(`admin (calls, faults, sessions; unauthenticated, bound to ${env.data.TOP_SANDBOX_HOST}): ${url}/admin/calls`);
  console.log(`app key ${env.data.TOP_APP_KEY}; session keys: ${Object.keys(SANDBOX_DEFAULTS.sessions).join(', ')}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
