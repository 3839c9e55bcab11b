/** Activities that do nothing, named like the product's, for the baselines. */
export async function noop(): Promise<void> {}
export const emitWorkOrderEvent = noop;
export const updateIdentificationCase = noop;
export const notifyAliMe = noop;
