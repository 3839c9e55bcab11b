import type { IncomingMessage } from 'node:http';
import { Request } from 'undici';
import { readBody } from '../http/read-body';

export type ParamLayout = 'query' | 'urlencoded' | 'multipart';

export interface ReceivedParams {
  params: Record<string, string>;
  layouts: ParamLayout[];
}

/**
 * Gathers parameters the way the gateway does: from the query string and from the body, whether
 * urlencoded (Java/Python/PHP SDKs) or multipart (the official Node SDK), merged into one set.
 * Urlencoded bodies are read by URLSearchParams, multipart ones by undici's WHATWG `Request.formData()`.
 */
export async function readParams(req: IncomingMessage, maxBodyBytes: number): Promise<ReceivedParams> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const params: Record<string, string> = {};
  const layouts: ParamLayout[] = [];
  for (const [name, value] of url.searchParams) params[name] = value;
  if (url.searchParams.size > 0) layouts.push('query');

  const contentType = req.headers['content-type'] ?? '';
  const body = await readBody(req, maxBodyBytes);
  const layout: ParamLayout | undefined = contentType.startsWith('multipart/form-data')
    ? 'multipart'
    : contentType.startsWith('application/x-www-form-urlencoded')
      ? 'urlencoded'
      : undefined;
  if (layout === 'urlencoded' && body.length > 0) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params[name] = value;
    layouts.push(layout);
  } else if (layout === 'multipart' && body.length > 0) {
    const form = await new Request('http://sandbox/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
    for (const [name, value] of form) {
      if (typeof value === 'string') params[name] = value; // file uploads are neither signed nor used here
    }
    layouts.push(layout);
  }
  return { params, layouts };
}
