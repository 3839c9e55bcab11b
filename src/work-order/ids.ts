import { decimalId as int64DecimalId } from '../common/decimal-id';

/**
 * A 64-bit Taobao id (order, sub-order, refund) in a work order, described for the published contract. The
 * rule itself (src/common/decimal-id.ts) is the TOP client's too; neither loads the other's code.
 */
export const decimalId = () =>
  int64DecimalId().meta({ description: 'A 64-bit Taobao id as a decimal string (at most 2^63-1); never a JSON number, which loses digits beyond 2^53' });
