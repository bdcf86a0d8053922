/**
 * The parts of oidc-provider 9's API that OneCity uses (the package ships no type definitions).
 * Kept deliberately narrow: anything used from the library is declared here first.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What the adapter stores for one artefact. */
  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  }

  /** The storage interface oidc-provider calls, one instance per model name. */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** A registered client as the provider sees it. */
  export interface Client {
    clientId: string;
    clientName?: string;
    redirectUris: string[];
  }

  /** The Koa context with the provider's request state. */
  export interface KoaContextWithOIDC {
    req: IncomingMessage;
    oidc: {
      session?: { accountId?: string };
      client?: Client;
      params?: Record<string, unknown>;
      route?: string;
    };
  }

  /** What `findAccount` returns. */
  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: string[]): Promise<Record<string, unknown>>;
  }

  /** One pending authorization interaction. */
  export interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
    returnTo: string;
    exp: number;
  }

  /** A citizen's grant of scopes and claims to one client. */
  export class Grant {
    constructor(options: { accountId: string; clientId: string });
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
    static find(id: string): Promise<Grant | undefined>;
  }

  /** A reason the provider may ask for an interaction. */
  export class Check {
    constructor(reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>);
    static REQUEST_PROMPT: true;
    static NO_NEED_TO_PROMPT: false;
  }

  /** One prompt (login, consent) and its checks. */
  export interface Prompt {
    name: string;
    checks: Check[] & { add(check: Check, index?: number): void };
  }

  /** The ordered prompts of the interaction policy. */
  export type Prompts = Prompt[] & { get(name: string): Prompt | undefined };

  export const interactionPolicy: { base(): Prompts; Check: typeof Check };

  /** The provider's settings; see oidc-provider's configuration documentation. */
  export type Configuration = Record<string, unknown>;

  /** The OpenID Provider: a Koa application. */
  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    proxy: boolean;
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    Client: { find(id: string): Promise<Client | undefined> };
    Grant: typeof Grant;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export default Provider;
}
