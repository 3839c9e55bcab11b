import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Who may call the codec endpoint, which decrypts buyer data: the caller's `Authorization: Bearer …`
 * must be the static token (for the Temporal CLI: `--codec-auth "Bearer <token>"`), or a JWT signed by
 * the OIDC provider the Temporal UI signs people in with (the UI forwards the user's access token with
 * TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true), checked against the provider's JWKS, issuer and audience.
 */
export interface CodecAuthOptions {
  token?: string;
  oidc?: {
    /** https (http only on loopback, for a provider on this machine). */
    issuer: string;
    /**
     * The `aud` the tokens must carry: required, or any token of the provider's realm — issued to any of its
     * applications — would decrypt buyer data.
     */
    audience: string;
    /** The provider's key set; by default the `jwks_uri` of its discovery document. */
    jwksUrl?: string;
  };
}

/** Why a request was refused: said to the caller, never with the token it sent. */
export class CodecAuthError extends Error {
  override readonly name = 'CodecAuthError';
}

type Verify = (jwt: string) => Promise<void>;

/** After the provider's keys could not be read, requests are refused this long before it is asked again. */
export const PROVIDER_RETRY_MS = 30_000;

/** A compact JWS: three base64url parts. Anything else is refused without asking the provider. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export class CodecAuth {
  readonly #token: Buffer | undefined;
  #verify: Promise<Verify> | undefined;
  #providerFailure: { at: number; why: string } | undefined;

  constructor(
    private readonly options: CodecAuthOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!options.token && !options.oidc) throw new Error('the codec endpoint needs CODEC_AUTH_TOKEN or CODEC_OIDC_ISSUER: it decrypts buyer data');
    if (options.oidc) {
      if (!options.oidc.audience) throw new Error('CODEC_OIDC_AUDIENCE is required with CODEC_OIDC_ISSUER: without it any token of the realm would decrypt buyer data');
      trustedUrl(options.oidc.issuer, 'CODEC_OIDC_ISSUER');
      if (options.oidc.jwksUrl) trustedUrl(options.oidc.jwksUrl, 'CODEC_JWKS_URL');
    }
    this.#token = options.token ? Buffer.from(options.token) : undefined;
  }

  /** Resolves when the request may be answered; rejects with CodecAuthError otherwise. */
  async check(authorization: string | undefined): Promise<void> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!bearer) throw new CodecAuthError('an Authorization: Bearer header is required');
    if (this.#token && constantTimeEqual(Buffer.from(bearer), this.#token)) return;
    if (!this.options.oidc || !JWT_SHAPE.test(bearer)) throw new CodecAuthError('the bearer token is not accepted');
    // Unauthenticated callers must not make us ask the provider again and again: a failure stands a while.
    const failed = this.#providerFailure;
    if (failed && this.now() - failed.at < PROVIDER_RETRY_MS) throw new CodecAuthError(failed.why);
    let verify: Verify;
    try {
      verify = await (this.#verify ??= this.#jwtVerifier());
      this.#providerFailure = undefined;
    } catch (error) {
      this.#verify = undefined;
      const why = `the identity provider's keys cannot be read to check the token: ${error instanceof Error ? error.message : String(error)}`;
      this.#providerFailure = { at: this.now(), why };
      throw new CodecAuthError(why);
    }
    try {
      await verify(bearer);
    } catch (error) {
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_CLAIM_VALIDATION_FAILED, …) say why.
      throw new CodecAuthError(`the bearer token is not accepted${error instanceof Error && 'code' in error ? ` (${String(error.code)})` : ''}`);
    }
  }

  /** jose verifies the signature against the provider's keys (fetched and cached, refreshed on an unknown key id). */
  async #jwtVerifier(): Promise<Verify> {
    const { issuer, audience, jwksUrl } = this.options.oidc!;
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const keys = createRemoteJWKSet(trustedUrl(jwksUrl ?? (await discoverJwksUri(issuer)), 'the provider’s jwks_uri'));
    return async (jwt) => {
      // A token without an expiry would be good for ever.
      await jwtVerify(jwt, keys, { issuer, audience, requiredClaims: ['exp'] });
    };
  }
}

const discovery = z.object({ jwks_uri: z.url() });

async function discoverJwksUri(issuer: string): Promise<string> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered HTTP ${response.status}`);
  return discovery.parse(await response.json()).jwks_uri;
}

/** An https URL, or http to this machine (a provider run locally): keys fetched in the clear could be anyone's. */
function trustedUrl(text: string, what: string): URL {
  const url = new URL(text);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url;
  throw new Error(`${what} must be an https URL (http only on this machine's loopback): ${url.origin}`);
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The codec server's settings from the environment, validated; names the variable that is wrong. */
/** Empty counts as unset (compose passes `${VAR:-}` through). */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const codecAuthEnvironment = z
  .object({
    CODEC_AUTH_TOKEN: unsetIfEmpty(z.string().min(24, 'must be at least 24 characters (a random secret)')),
    CODEC_OIDC_ISSUER: unsetIfEmpty(z.url({ protocol: /^https?$/, error: 'must be the OIDC issuer URL, e.g. https://login.example.com/realms/ops' })),
    CODEC_OIDC_AUDIENCE: unsetIfEmpty(z.string()),
    CODEC_JWKS_URL: unsetIfEmpty(z.url({ protocol: /^https?$/ })),
  })
  .refine((env) => env.CODEC_AUTH_TOKEN || env.CODEC_OIDC_ISSUER, {
    path: ['CODEC_AUTH_TOKEN'],
    message: 'or CODEC_OIDC_ISSUER is required: the codec endpoint decrypts buyer data and answers no one unauthenticated',
  })
  .refine((env) => !env.CODEC_OIDC_ISSUER || env.CODEC_OIDC_AUDIENCE, {
    path: ['CODEC_OIDC_AUDIENCE'],
    message: 'is required with CODEC_OIDC_ISSUER: without it any token of the realm would decrypt buyer data',
  })
  .refine((env) => [env.CODEC_OIDC_ISSUER, env.CODEC_JWKS_URL].every((url) => url === undefined || isTrusted(url)), {
    path: ['CODEC_OIDC_ISSUER'],
    message: 'and CODEC_JWKS_URL must be https URLs (http only on this machine’s loopback)',
  })
  .transform(
    (env): CodecAuthOptions => ({
      token: env.CODEC_AUTH_TOKEN,
      oidc: env.CODEC_OIDC_ISSUER ? { issuer: env.CODEC_OIDC_ISSUER, audience: env.CODEC_OIDC_AUDIENCE!, jwksUrl: env.CODEC_JWKS_URL } : undefined,
    }),
  );

function isTrusted(url: string): boolean {
  try {
    trustedUrl(url, 'url');
    return true;
  } catch {
    return false;
  }
}
