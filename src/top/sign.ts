import { createHash, createHmac } from 'node:crypto';

export const SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type SignMethod = (typeof SIGN_METHODS)[number];

/**
 * The TOP request signature: every parameter but `sign`, sorted by name in plain ASCII order,
 * concatenated as `name1value1name2value2…`, hashed as UTF-8, upper-case hex.
 * Callers pass only the parameters that are actually sent (empty ones already dropped).
 */
export function signTopRequest(params: Readonly<Record<string, string>>, secret: string, method: SignMethod): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'sign')
    .sort(compareAscii)
    .map((name) => `${name}${params[name]}`)
    .join('');
  switch (method) {
    case 'md5':
      return createHash('md5').update(secret + canonical + secret, 'utf8').digest('hex').toUpperCase();
    case 'hmac':
      return createHmac('md5', secret).update(canonical, 'utf8').digest('hex').toUpperCase();
    case 'hmac-sha256':
      return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex').toUpperCase();
  }
}

/** Byte-wise order for ASCII names, independent of any locale. */
function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
