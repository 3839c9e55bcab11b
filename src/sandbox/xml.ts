/** Minimal XML rendering of a response body, for callers that (like the gateway's default) ask for XML. */
export function toXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8" ?>${element(root, value)}`;
}

function element(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>).map(([key, child]) => element(key, child)).join('');
    return `<${name}>${children}</${name}>`;
  }
  return `<${name}>${escape(typeof value === 'string' ? value : JSON.stringify(value))}</${name}>`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
