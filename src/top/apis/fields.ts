import { z } from 'zod';
import { decimalId } from '../../common/decimal-id';
import { jsonInteger } from '../json';
import { formatTopTime, parseTopTime } from '../timestamp';

/** A 64-bit TOP id (order, sub-order, refund): a decimal string in our types (src/common/decimal-id.ts). */
export const topId = decimalId();

/** A topId written into a JSON parameter as a number, digit for digit. */
export const topIdAsJsonNumber = topId.transform(jsonInteger);

/** A parameter TOP types as `Json`: given as an object or as JSON text, sent as JSON text. */
export const jsonText = z.union([
  z.record(z.string(), z.unknown()),
  z.string().refine((text) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }, 'must be valid JSON text'),
]);

/** `yyyy-MM-dd HH:mm:ss` in GMT+8; a Date or epoch milliseconds is formatted for you. */
export const topTime = z.union([
  z.string().refine((text) => parseTopTime(text) !== undefined && !/^\d+$/.test(text), 'must be yyyy-MM-dd HH:mm:ss (GMT+8)'),
  z.date().transform((date) => formatTopTime(date)),
  z.int().nonnegative().transform((ms) => formatTopTime(ms)),
]);

export const nonEmptyText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const optionalText = (max: number) => z.string().max(max, `must be at most ${max} characters`).optional();

