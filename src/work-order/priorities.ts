import { utf8Length } from '../common/utf8';

/**
 * Who gets the app's TOP quota first when calls are backlogged on the task queue (Temporal's task-queue
 * priority and fairness): pure data, shared by the workflow (activities) and the client (workflow tasks).
 *
 * - Priority, strict between levels (Temporal's priorityKey: lower first): the buyer hears first. The final
 *   店小蜜 notification (the buyer's answer) above all, then the other 店小蜜 notifications, then the
 *   bookkeeping calls (Qianniu events, the AliGenius case).
 * - Fairness, within a level: each seller gets a share of the dispatch in proportion to its weight
 *   (1 by default; weights per seller in the worker's config), so one seller's backlog never holds the others.
 * - No starvation: a call that waited PROMOTED_AFTER for the quota is sent again at the top level.
 */
export const CALL_PRIORITY = { finalNotification: 1, notification: 2, bookkeeping: 3 } as const;

export type CallPriority = (typeof CALL_PRIORITY)[keyof typeof CALL_PRIORITY];

/** How long a call below the top level may wait to be dispatched before it is scheduled again at the top. */
export const PROMOTED_AFTER_MS = 30_000;

/** Temporal's limit on a fairness key. */
const FAIRNESS_KEY_BYTES = 64;

/**
 * The seller's fairness key: the seller itself when it fits Temporal's 64 bytes (the common case, and what
 * an operator reads in task-queue config), else a prefix and a hash of the whole, still one key per seller.
 * Always well-formed: Core refuses a command whose key is not UTF-8, and stops the worker that sent it.
 */
export function fairnessKeyOf(seller: string): string {
  if (!seller.isWellFormed()) return fairnessKeyOf(seller.toWellFormed());
  if (utf8Length(seller) <= FAIRNESS_KEY_BYTES) return seller;
  const hash = fnv1a(seller).toString(16).padStart(8, '0');
  let prefix = '';
  for (const char of seller) {
    if (utf8Length(`${prefix}${char}~${hash}`) > FAIRNESS_KEY_BYTES) break;
    prefix += char;
  }
  return `${prefix}~${hash}`;
}

/** 32-bit FNV-1a over UTF-16 code units: deterministic, no Node built-ins (workflow code uses it). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
