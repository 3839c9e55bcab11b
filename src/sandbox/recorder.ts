/** What the sandbox did with one request. Never holds the secret, the signature or the session key. */
export interface RecordedCall {
  seq: number;
  /** Epoch ms when the sandbox received the call. */
  receivedAt: number;
  method?: string;
  appKey?: string;
  /** The seller whose session key came with the call. */
  seller?: string;
  signMethod?: string;
  layouts: string[];
  /** `ok`, `business-error`, `rate-limited`, `isp-error`, `http-502`, `dropped` or `rejected` (a gateway error). */
  outcome: 'ok' | 'business-error' | 'rate-limited' | 'isp-error' | 'http-502' | 'dropped' | 'rejected' | 'hostile';
  code?: number;
  subCode?: string;
  /** Business parameters, with JSON parameters parsed (64-bit ids as decimal strings). */
  params: Record<string, unknown>;
}

export interface CallFilter {
  method?: string;
  outcome?: RecordedCall['outcome'];
  /** Only calls with a larger sequence number. */
  afterSeq?: number;
}

/** The sandbox's record of every call that reached it, in arrival order, bounded in size. */
export class CallRecorder {
  readonly #calls: RecordedCall[] = [];
  #seq = 0;

  constructor(private readonly maxCalls = 200_000) {}

  add(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const recorded = { seq: ++this.#seq, ...call };
    this.#calls.push(recorded);
    if (this.#calls.length > this.maxCalls) this.#calls.splice(0, this.#calls.length - this.maxCalls);
    return recorded;
  }

  list(filter: CallFilter = {}): RecordedCall[] {
    return this.#calls.filter(
      (call) =>
        (filter.method === undefined || call.method === filter.method) &&
        (filter.outcome === undefined || call.outcome === filter.outcome) &&
        (filter.afterSeq === undefined || call.seq > filter.afterSeq),
    );
  }

  clear(): void {
    this.#calls.length = 0;
  }
}
