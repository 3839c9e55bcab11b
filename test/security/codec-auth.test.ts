import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { AesGcmPayloadCodec } from '../../src/codec/aes-gcm-codec';
import { CodecAuth, codecAuthEnvironment, PROVIDER_RETRY_MS } from '../../src/codec/auth';
import { CodecServer } from '../../src/codec/server';

const KEY = Buffer.alloc(32, 7);
const TOKEN = 'static-codec-token-0123456789abcdef';
const AUDIENCE = 'temporal-codec';

/**
 * The codec endpoint decrypts buyer data: it answers only a caller with a static token or a JWT of the
 * OIDC provider the Temporal UI signs people in with. The provider here is a real HTTP server on loopback
 * serving a discovery document and a JWKS, as Keycloak, Okta or Entra do.
 */
describe('codec endpoint authentication', async () => {
  const jose = await import('jose');
  const providerKeys = await jose.generateKeyPair('RS256');
  const strangerKeys = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(providerKeys.publicKey)), kid: 'provider-1', alg: 'RS256', use: 'sig' };
  let provider: Server;
  let issuer = '';
  let codec: CodecServer;
  let url = '';

  before(async () => {
    provider = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    codec = new CodecServer(new AesGcmPayloadCodec({ k: KEY }, 'k'), { allowOrigin: 'http://localhost:8233', auth: new CodecAuth({ token: TOKEN, oidc: { issuer, audience: AUDIENCE } }) });
    url = await codec.start();
  });
  after(async () => {
    await codec.close();
    await new Promise<void>((resolve) => provider.close(() => resolve()));
  });

  const sign = (claims: { aud?: string; exp?: string | null }, key = providerKeys.privateKey) => {
    const jwt = new jose.SignJWT({ sub: 'operator@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: 'provider-1' })
      .setIssuer(issuer)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt();
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '5m');
    return jwt.sign(key);
  };

  /** Encodes with the static token, then decodes as `authorization`; the status, and whether the buyer's data came back. */
  async function decodeAs(authorization: string | undefined): Promise<{ status: number; plain: boolean }> {
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"buyerNick":"tb-buyer"}').toString('base64') };
    const encoded = (await (await request(`${url}/encode`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ payloads: [plain] }) })).body.json()) as { payloads: typeof plain[] };
    const response = await request(`${url}/decode`, { method: 'POST', headers: authorization ? { authorization } : {}, body: JSON.stringify({ payloads: encoded.payloads }) });
    const body = (await response.body.json()) as { payloads?: typeof plain[] };
    return { status: response.statusCode, plain: body.payloads?.[0]?.data === plain.data };
  }

  it('refuses a request without Authorization, and decodes nothing', async () => {
    assert.deepEqual(await decodeAs(undefined), { status: 401, plain: false });
  });

  it('refuses a wrong static token', async () => {
    assert.deepEqual(await decodeAs(`Bearer ${TOKEN.replace(/.$/, 'X')}`), { status: 401, plain: false });
  });

  it('answers the static token (the Temporal CLI: --codec-auth)', async () => {
    assert.deepEqual(await decodeAs(`Bearer ${TOKEN}`), { status: 200, plain: true });
  });

  it("answers a UI user's access token signed by the provider, checked against its JWKS", async () => {
    assert.deepEqual(await decodeAs(`Bearer ${await sign({})}`), { status: 200, plain: true });
  });

  it('refuses a token for another audience, an expired one, and one signed by another key', async () => {
    assert.deepEqual(await decodeAs(`Bearer ${await sign({ aud: 'another-api' })}`), { status: 401, plain: false });
    assert.deepEqual(await decodeAs(`Bearer ${await sign({ exp: '-1m' })}`), { status: 401, plain: false });
    assert.deepEqual(await decodeAs(`Bearer ${await sign({}, strangerKeys.privateKey)}`), { status: 401, plain: false });
  });

  it('refuses a token that never expires', async () => {
    assert.deepEqual(await decodeAs(`Bearer ${await sign({ exp: null })}`), { status: 401, plain: false });
  });

  it('asks a failing provider once per PROVIDER_RETRY_MS, however many callers knock, and never for what is no JWT', async () => {
    let asked = 0;
    const failing = createServer((_req, res) => {
      asked += 1;
      res.writeHead(500).end('{}');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      let now = 0;
      const auth = new CodecAuth({ oidc: { issuer: `http://127.0.0.1:${(failing.address() as AddressInfo).port}`, audience: AUDIENCE } }, () => now);
      const jwt = await sign({});
      await assert.rejects(auth.check('Bearer not-a-jwt'), /not accepted/);
      assert.equal(asked, 0);
      for (let i = 0; i < 5; i++) await assert.rejects(auth.check(`Bearer ${jwt}`), /keys cannot be read/);
      assert.equal(asked, 1);
      now += PROVIDER_RETRY_MS;
      await assert.rejects(auth.check(`Bearer ${jwt}`), /keys cannot be read/);
      assert.equal(asked, 2);
    } finally {
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('takes keys only over https (http on loopback): an http issuer or jwks_uri elsewhere is refused', async () => {
    assert.throws(() => new CodecAuth({ oidc: { issuer: 'http://login.example.com/realms/ops', audience: AUDIENCE } }), /CODEC_OIDC_ISSUER must be an https URL/);
    const parsed = codecAuthEnvironment.safeParse({ CODEC_OIDC_ISSUER: 'http://login.example.com/realms/ops', CODEC_OIDC_AUDIENCE: AUDIENCE });
    assert.equal(parsed.success, false);
    // A discovery document pointing at keys anyone on the way could swap.
    const pointing = createServer((_req, res) => res.end(JSON.stringify({ jwks_uri: 'http://keys.example.com/jwks' })));
    await new Promise<void>((resolve) => pointing.listen(0, '127.0.0.1', resolve));
    try {
      const auth = new CodecAuth({ oidc: { issuer: `http://127.0.0.1:${(pointing.address() as AddressInfo).port}`, audience: AUDIENCE } });
      await assert.rejects(auth.check(`Bearer ${await sign({})}`), /jwks_uri must be an https URL/);
    } finally {
      await new Promise<void>((resolve) => pointing.close(() => resolve()));
    }
  });

  it('answers the browser’s CORS preflight, which carries no credentials', async () => {
    const preflight = await request(`${url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://localhost:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    assert.equal(preflight.statusCode, 204);
    assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
    await preflight.body.dump();
  });

  it('will not start without a way to authenticate, naming the variables', () => {
    const parsed = codecAuthEnvironment.safeParse({});
    assert.equal(parsed.success, false);
    assert.match(parsed.error.issues[0]!.message, /CODEC_OIDC_ISSUER is required/);
    assert.deepEqual(parsed.error.issues[0]!.path, ['CODEC_AUTH_TOKEN']);
    assert.throws(() => new CodecAuth({}), /CODEC_AUTH_TOKEN or CODEC_OIDC_ISSUER/);
  });

  it('will not take an OIDC provider without an audience: any token of the realm would decrypt buyer data', () => {
    const parsed = codecAuthEnvironment.safeParse({ CODEC_OIDC_ISSUER: 'https://login.example.com/realms/ops', CODEC_OIDC_AUDIENCE: '' });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error.issues[0]!.path, ['CODEC_OIDC_AUDIENCE']);
    assert.throws(() => new CodecAuth({ oidc: { issuer: 'https://login.example.com/realms/ops', audience: '' } }), /CODEC_OIDC_AUDIENCE is required/);
  });
});
