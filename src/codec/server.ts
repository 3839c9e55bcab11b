import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { readBody } from '../http/read-body';
import { CodecAuthError, type CodecAuth } from './auth';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export interface CodecServerOptions {
  /** Defaults to 127.0.0.1: whoever reaches this endpoint can read decrypted payloads. */
  host?: string;
  port?: number;
  /** The Temporal UI's origin, allowed by CORS (e.g. http://localhost:8233). */
  allowOrigin: string;
  /** Who may call it: every request but the browser's CORS preflight must pass. */
  auth: CodecAuth;
  maxBodyBytes?: number;
}

/**
 * The codec endpoint the Temporal UI and CLI call to show decrypted payloads to people allowed to see
 * them: `POST /encode` and `POST /decode` with `{"payloads": [...]}` in proto JSON (base64 fields).
 * Every request must carry an `Authorization: Bearer` the auth accepts (a static token or the UI user's
 * OIDC access token, see auth.ts); one without is answered 401 and nothing is decoded.
 */
export class CodecServer {
  readonly #server: Server;

  constructor(
    private readonly codec: PayloadCodec,
    private readonly options: CodecServerOptions,
  ) {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof CodecAuthError) send(res, 401, { error: message }, { ...this.#cors(), 'www-authenticate': 'Bearer' });
        else send(res, 400, { error: message }, this.#cors());
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const { address, port } = this.#server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #cors(): Record<string, string> {
    return {
      'access-control-allow-origin': this.options.allowOrigin,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, x-namespace, authorization',
      'access-control-allow-credentials': 'true',
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') return send(res, 204, undefined, this.#cors());
    const operation = req.url?.split('?')[0];
    if (req.method !== 'POST' || (operation !== '/encode' && operation !== '/decode')) return send(res, 404, { error: 'POST /encode or /decode' }, this.#cors());
    await this.options.auth.check(req.headers.authorization);
    const body = JSON.parse((await readBody(req, this.options.maxBodyBytes ?? 4 * 1024 * 1024)).toString('utf8')) as { payloads?: JsonPayload[] };
    if (!Array.isArray(body.payloads)) throw new Error('body must be {"payloads": [...]}');
    const payloads = body.payloads.map(fromJson);
    const result = operation === '/encode' ? await this.codec.encode(payloads) : await this.codec.decode(payloads);
    send(res, 200, { payloads: result.map(toJson) }, this.#cors());
  }
}

function fromJson(payload: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, ...(text ? { 'content-type': 'application/json' } : {}) });
  res.end(text);
}
