export { TopClient, type TopClientOptions, type TopCallOptions } from './client';
export { TopError, TopInputError, type TopErrorClass, type TopErrorDetails, type TopErrorSource } from './errors';
export { SIGN_METHODS, signTopRequest, type SignMethod } from './sign';
export { formatTopTime, parseTopTime } from './timestamp';
export { responseRootName } from './envelope';
export { parseJsonExact, stringifyJson } from './json';
export * from './apis/bcpush-event-emit';
export * from './apis/rdc-identification-case-update';
export * from './apis/alimi-progress-notify';
