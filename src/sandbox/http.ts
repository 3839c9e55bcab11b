import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/read-body';

const ADMIN_BODY_BYTES = 1024 * 1024;

/** Admin bodies are small JSON documents; anything unparsable becomes undefined and fails validation. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    const text = (await readBody(req, ADMIN_BODY_BYTES)).toString('utf8');
    return JSON.parse(text || '{}');
  } catch {
    return undefined;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, 'application/json;charset=UTF-8', JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
