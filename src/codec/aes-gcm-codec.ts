import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every payload (workflow inputs, results, signals, updates, and — with the failure converter
 * below — failure messages) with AES-256-GCM, so buyer data is not readable in the server's database.
 * The key id travels in the payload's metadata: rotate by adding a new key and making it current, and
 * keep the old ones for as long as histories encrypted with them exist.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: Record<string, Buffer>,
    readonly currentKeyId: string,
  ) {
    for (const [id, key] of Object.entries(keys)) if (key.length !== 32) throw new Error(`PAYLOAD_CODEC_KEYS: key "${id}" must be 32 bytes (AES-256), not ${key.length}`);
    if (!keys[currentKeyId]) throw new Error(`PAYLOAD_CODEC_KEY_ID "${currentKeyId}" is not among the keys of PAYLOAD_CODEC_KEYS`);
    this.#keys = new Map(Object.entries(keys));
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.#keys.get(this.currentKeyId)!;
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { [METADATA_ENCODING_KEY]: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(this.currentKeyId), 'encryption-cipher': encoder.encode(CIPHER) },
          data,
        };
      }),
    );
  }

  /** Rejects (never throws synchronously) when a payload's key is unknown or the data was tampered with. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        if (decoder.decode(payload.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array()) !== ENCODING) return payload;
        const keyId = decoder.decode(payload.metadata?.[KEY_ID] ?? new Uint8Array());
        const key = this.#keys.get(keyId);
        if (!key) throw new Error(`no payload key "${keyId}" to decrypt with`);
        const data = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/**
 * The failure converter that sends failure messages and stack traces through the payload codec. Loaded by
 * path (worker bundles and clients load it themselves), so the client package ships it by name.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter for client and worker alike; failure messages are encrypted too. */
export function encryptingDataConverter(codec: AesGcmPayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * From configuration: PAYLOAD_CODEC_KEYS (JSON `{ "<key id>": "<32 bytes, base64>" }`) and
 * PAYLOAD_CODEC_KEY_ID (the key that encrypts). Both unset: no encryption.
 */
export function codecFromEnvironment(env: { PAYLOAD_CODEC_KEYS?: string; PAYLOAD_CODEC_KEY_ID?: string } = process.env): AesGcmPayloadCodec | undefined {
  if (!env.PAYLOAD_CODEC_KEYS && !env.PAYLOAD_CODEC_KEY_ID) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(env.PAYLOAD_CODEC_KEYS ?? '');
  } catch {
    json = undefined;
  }
  // Name the variable and the key id, never a key.
  if (typeof json !== 'object' || json === null || Array.isArray(json) || Object.keys(json).length === 0) throw new Error(`PAYLOAD_CODEC_KEYS must be a JSON object ${KEYS_SHAPE}`);
  const keys: Record<string, Buffer> = {};
  for (const [id, value] of Object.entries(json)) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new Error(`PAYLOAD_CODEC_KEYS: key "${id}" must be base64 text ${KEYS_SHAPE}`);
    keys[id] = Buffer.from(value, 'base64');
  }
  if (!env.PAYLOAD_CODEC_KEY_ID) throw new Error('PAYLOAD_CODEC_KEY_ID is required with PAYLOAD_CODEC_KEYS');
  return new AesGcmPayloadCodec(keys, env.PAYLOAD_CODEC_KEY_ID);
}

const KEYS_SHAPE = '{"<key id>": "<32 bytes, base64>"} (a key: openssl rand -base64 32)';
