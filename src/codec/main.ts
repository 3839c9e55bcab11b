/**
 * `npm run codec-server`: the codec endpoint for the Temporal UI and CLI. PAYLOAD_CODEC_KEYS /
 * PAYLOAD_CODEC_KEY_ID as for the worker; who may call it: CODEC_AUTH_TOKEN (a static bearer token, e.g.
 * for `temporal … --codec-auth "Bearer <token>"`) and/or CODEC_OIDC_ISSUER (+ CODEC_OIDC_AUDIENCE,
 * CODEC_JWKS_URL) for the UI users' access tokens; CODEC_SERVER_PORT (8888), CODEC_SERVER_HOST
 * (127.0.0.1), CODEC_ALLOW_ORIGIN (http://localhost:8233, the UI).
 */
import { describeIssues } from '../common/zod-issues';
import { codecFromEnvironment } from './aes-gcm-codec';
import { CodecAuth, codecAuthEnvironment } from './auth';
import { CodecServer } from './server';

const codec = codecFromEnvironment();
if (!codec) {
  console.error('PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_KEY_ID are required');
  process.exit(2);
}
const authSettings = codecAuthEnvironment.safeParse(process.env);
if (!authSettings.success) {
  console.error(`invalid configuration:\n  ${describeIssues(authSettings.error, { root: 'configuration', between: ' ' }).join('\n  ')}`);
  process.exit(2);
}
const auth = new CodecAuth(authSettings.data);
const host = process.env.CODEC_SERVER_HOST ?? '127.0.0.1';
const server = new CodecServer(codec, { host, port: Number(process.env.CODEC_SERVER_PORT ?? 8888), allowOrigin: process.env.CODEC_ALLOW_ORIGIN ?? 'http://localhost:8233', auth });
const accepts = [authSettings.data.token && 'the static token', authSettings.data.oidc && `tokens of ${authSettings.data.oidc.issuer}`].filter(Boolean).join(' and ');
void server.start().then((url) => console.log(`codec server: ${url} (bound to ${host}; accepts ${accepts})`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
