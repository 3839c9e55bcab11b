/**
 * `npm run sandbox`: the local TOP gateway sandbox on its own.
 * TOP_SANDBOX_PORT (default 8790; 0 picks a free one), TOP_SANDBOX_HOST (default 127.0.0.1; any other
 * address needs TOP_SANDBOX_ADMIN_TOKEN, which the admin endpoint then asks for). TOP_APP_KEY / TOP_APP_SECRET
 * replace the built-in sandbox app; TOP_SESSIONS_FILE (the worker's seller → session key file) replaces
 * the built-in sessions and is followed when it changes.
 */
import { z } from 'zod';
import { describeIssues } from '../common/zod-issues';
import { SANDBOX_DEFAULTS, TopSandbox } from './server';
import { readSessionsFile, watchSessionsFile } from './sessions-file';

const env = z
  .object({
    TOP_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8790),
    TOP_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    TOP_APP_KEY: z.string().min(1).default(SANDBOX_DEFAULTS.appKey),
    TOP_APP_SECRET: z.string().min(1).default(SANDBOX_DEFAULTS.appSecret),
    TOP_SESSIONS_FILE: z.string().min(1).optional(),
    TOP_SANDBOX_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .refine((env) => env.TOP_SANDBOX_ADMIN_TOKEN !== undefined || ['127.0.0.1', 'localhost', '::1'].includes(env.TOP_SANDBOX_HOST), {
    path: ['TOP_SANDBOX_ADMIN_TOKEN'],
    message: 'is required when TOP_SANDBOX_HOST is not loopback: the admin endpoint changes what the sandbox answers',
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(`invalid sandbox configuration: ${describeIssues(env.error).join('; ')}`);
  process.exit(2);
}

const sessionsPath = env.data.TOP_SESSIONS_FILE;
let sessions;
try {
  sessions = sessionsPath ? readSessionsFile(sessionsPath) : SANDBOX_DEFAULTS.sessions;
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const sandbox = new TopSandbox({
  host: env.data.TOP_SANDBOX_HOST,
  port: env.data.TOP_SANDBOX_PORT,
  apps: { [env.data.TOP_APP_KEY]: env.data.TOP_APP_SECRET },
  sessions,
  adminToken: env.data.TOP_SANDBOX_ADMIN_TOKEN,
});
if (sessionsPath) {
  watchSessionsFile(
    sessionsPath,
    (changed) => {
      for (const [session, grant] of Object.entries(changed)) sandbox.setSession(session, grant);
      console.log(`sessions re-read from ${sessionsPath}: ${Object.keys(changed).length}`);
    },
    (error) => console.error(`${error.message}; keeping the sessions read before`),
  );
}
void sandbox.start().then(({ gatewayUrl, url }) => {
  console.log(`TOP sandbox gateway: ${gatewayUrl}`);
  console.log(`admin (calls, faults, sessions; ${env.data.TOP_SANDBOX_ADMIN_TOKEN ? 'with its token' : 'unauthenticated'}, bound to ${env.data.TOP_SANDBOX_HOST}): ${url}/admin/calls`);
  // Session keys are secrets once they come from the worker's file: name the sellers only.
  console.log(`app key ${env.data.TOP_APP_KEY}; sessions for sellers: ${[...new Set(Object.values(sessions).map((grant) => grant.seller))].join(', ')}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
