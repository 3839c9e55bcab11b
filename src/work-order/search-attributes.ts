import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * What people filter work orders by in the Temporal UI. Search attributes are never encrypted, so no
 * personal data (buyer nick, buyer ids) ever goes here.
 */
export const WORK_ORDER_ID = defineSearchAttributeKey('WorkOrderId', 'KEYWORD');
export const BIZ_ORDER_ID = defineSearchAttributeKey('BizOrderId', 'KEYWORD');
export const WORK_ORDER_NODE = defineSearchAttributeKey('WorkOrderNode', 'KEYWORD');
export const WORK_ORDER_STATUS = defineSearchAttributeKey('WorkOrderStatus', 'KEYWORD');
/** The shop, set by the client at start: an operator resumes one seller's work orders after its key is refreshed. */
export const SELLER = defineSearchAttributeKey('Seller', 'KEYWORD');

export const WORK_ORDER_SEARCH_ATTRIBUTES = [WORK_ORDER_ID, BIZ_ORDER_ID, WORK_ORDER_NODE, WORK_ORDER_STATUS, SELLER];
