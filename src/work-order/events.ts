/**
 * The work order's events on the Qianniu work-order task system (`taobao.bcpush.isv.event.emit`): one when
 * it is created, one when it ends, each with the `work_order_status` code the ISV agreed with the platform.
 */

export const WORK_ORDER_EVENT_KINDS = ['created', 'completed', 'cancelled', 'timed-out'] as const;

export type WorkOrderEventKind = (typeof WORK_ORDER_EVENT_KINDS)[number];

/** `work_order_status` per event. The value set is not public: it is configuration (TOP_WORK_ORDER_STATUS_CODES). */
export type WorkOrderStatusCodes = Record<WorkOrderEventKind, string>;

export const DEFAULT_STATUS_CODES: WorkOrderStatusCodes = { created: 'CREATED', completed: 'COMPLETED', cancelled: 'CANCELLED', 'timed-out': 'TIMED_OUT' };
