const encoder = new TextEncoder();

/** Bytes of `text` in UTF-8: what Temporal's and TOP's byte limits count. */
export const utf8Length = (text: string): number => encoder.encode(text).length;
