import { after } from 'node:test';
import { SANDBOX_DEFAULTS, TopSandbox, type SandboxOptions } from '../../src/sandbox/server';
import { TopClient, type SignMethod, type TopClientOptions } from '../../src/top';

export const SELLER_A_SESSION = Object.keys(SANDBOX_DEFAULTS.sessions)[0]!;
export const SELLER_B_SESSION = Object.keys(SANDBOX_DEFAULTS.sessions)[1]!;

/** A sandbox on a free loopback port, closed when the test file ends. */
export async function startSandbox(options: SandboxOptions = {}): Promise<TopSandbox> {
  const sandbox = new TopSandbox(options);
  await sandbox.start();
  after(() => sandbox.close());
  return sandbox;
}

/** Our client pointed at the sandbox with its default credentials; closed when the test file ends. */
export function sandboxClient(sandbox: Pick<TopSandbox, 'gatewayUrl'>, overrides: Partial<TopClientOptions> & { signMethod?: SignMethod } = {}): TopClient {
  const client = new TopClient({
    gatewayUrl: sandbox.gatewayUrl,
    appKey: SANDBOX_DEFAULTS.appKey,
    appSecret: SANDBOX_DEFAULTS.appSecret,
    signMethod: 'hmac-sha256',
    ...overrides,
  });
  after(() => client.close());
  return client;
}
