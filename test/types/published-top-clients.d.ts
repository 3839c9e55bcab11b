// Just enough typing for the two published Node TOP clients the tests and benchmarks run against.
declare module 'ali-topsdk' {
  export class ApiClient {
    constructor(options: { appkey: string; appsecret: string; url?: string });
    execute(method: string, params: Record<string, unknown>, callback: (error: unknown, response: Record<string, unknown>) => void): void;
  }
}

declare module 'node-taobao-topclient' {
  export default class TopClient {
    constructor(options: { appkey: string; appsecret: string; REST_URL?: string });
    execute(method: string, params: Record<string, unknown>): Promise<unknown>;
  }
}
