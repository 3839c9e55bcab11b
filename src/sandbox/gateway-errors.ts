/**
 * The gateway's own `error_response`s, with the codes, messages and sub-codes the real TOP gateway uses.
 */
export interface GatewayError {
  code: number;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
}

export const gatewayErrors = {
  missingMethod: (): GatewayError => ({ code: 21, msg: 'Missing Method' }),
  invalidMethod: (): GatewayError => ({ code: 22, msg: 'Invalid Method' }),
  invalidFormat: (): GatewayError => ({ code: 23, msg: 'Invalid Format' }),
  missingSignature: (): GatewayError => ({ code: 24, msg: 'Missing Signature' }),
  invalidSignature: (): GatewayError => ({ code: 25, msg: 'Invalid signature' }),
  invalidSignMethod: (): GatewayError => ({ code: 25, msg: 'Invalid signature', sub_code: 'isv.invalid-sign-method', sub_msg: 'sign_method must be md5, hmac or hmac-sha256' }),
  missingSession: (): GatewayError => ({ code: 26, msg: 'Missing session' }),
  invalidSession: (): GatewayError => ({ code: 27, msg: 'Invalid session', sub_code: 'invalid-sessionkey' }),
  expiredSession: (): GatewayError => ({ code: 27, msg: 'Invalid session', sub_code: 'session-expired', sub_msg: 'SessionKey非法' }),
  missingAppKey: (): GatewayError => ({ code: 28, msg: 'Missing App Key' }),
  invalidAppKey: (): GatewayError => ({ code: 29, msg: 'Invalid app Key' }),
  missingTimestamp: (): GatewayError => ({ code: 30, msg: 'Missing Timestamp' }),
  invalidTimestamp: (): GatewayError => ({ code: 31, msg: 'Invalid Timestamp', sub_msg: 'timestamp must be within 10 minutes of the gateway time (GMT+8)' }),
  missingVersion: (): GatewayError => ({ code: 32, msg: 'Missing Version' }),
  invalidVersion: (): GatewayError => ({ code: 33, msg: 'Invalid Version' }),
  missingArgument: (name: string): GatewayError => ({ code: 40, msg: `Missing required arguments:${name}` }),
  invalidArgument: (name: string, why: string): GatewayError => ({ code: 41, msg: `Invalid arguments:${name}`, sub_code: 'isv.invalid-parameter', sub_msg: why }),
  invalidParameter: (why: string): GatewayError => ({ code: 15, msg: 'Remote service error', sub_code: 'isv.invalid-parameter', sub_msg: `非法参数: ${why}` }),
  remoteServiceError: (): GatewayError => ({ code: 15, msg: 'Remote service error', sub_code: 'isp.top-remote-connection-error', sub_msg: 'injected: remote service connection error' }),
  appCallLimited: (seconds: number): GatewayError => ({
    code: 7,
    msg: 'App Call Limited',
    sub_code: 'accesscontrol.limited-by-app-access-count',
    sub_msg: `This ban will last for ${seconds} more seconds`,
  }),
};
