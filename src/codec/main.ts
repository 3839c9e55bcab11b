/**
 * `npm run codec-server`: the codec endpoint for the Temporal UI (`temporal server start-dev
 * --ui-codec-endpoint http://127.0.0.1:8888`). PAYLOAD_CODEC_KEYS / PAYLOAD_CODEC_KEY_ID as for the worker;
 * CODEC_SERVER_PORT (8888), CODEC_SERVER_HOST (127.0.0.1 — it decrypts for anyone who reaches it),
 * CODEC_ALLOW_ORIGIN (http://localhost:8233, the UI).
 */
import { codecFromEnvironment } from './aes-gcm-codec';
import { CodecServer } from './server';

const codec = codecFromEnvironment();
if (!codec) {
  console.error('PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_KEY_ID are required');
  process.exit(2);
}
const host = process.env.CODEC_SERVER_HOST ?? '127.0.0.1';
const server = new CodecServer(codec, { host, port: Number(process.env.CODEC_SERVER_PORT ?? 8888), allowOrigin: process.env.CODEC_ALLOW_ORIGIN ?? 'http://localhost:8233' });
void server.start().then((url) => console.log(`codec server: ${url} (bound to ${host}; unauthenticated: keep it private)`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
