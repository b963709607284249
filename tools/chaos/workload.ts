// The workload: several accounts, each driven by a few concurrent loops that create, change,
// rotate, reveal, revoke and delete tokens and credentials, read them back, and try secrets that
// were revoked or rotated out. Every request is recorded by the RecordingClient.
import { randomBytes } from 'node:crypto';
import type { Answer, RecordingClient, RequestSpec } from './client';
import { outcomeOf, type SecretRef } from './history';
import type { Random } from './random';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ObjectState = 'live' | 'gone' | 'uncertain';

interface TokenState {
  id: string;
  /** Index = generation: the secret as created, then one per rotation. */
  secrets: string[];
  state: ObjectState;
  busy: boolean;
}

interface CredentialState {
  id: string;
  state: ObjectState;
  busy: boolean;
}

export interface DeadSecret {
  ref: SecretRef;
  secret: string;
  /** When the revoke or rotation that ended it was answered. */
  since: number;
}

export interface WorkloadAccount {
  accountId: string;
  /** The account's first token (every scope), from the operator CLI. */
  admin: { tokenId: string; secret: string };
  /** The gateway this account's writes go through when writes are pinned. */
  home: string;
  tokens: TokenState[];
  credentials: CredentialState[];
  dead: DeadSecret[];
}

export interface WorkloadOptions {
  durationMs: number;
  /** The run stops issuing new operations past this many history entries. */
  maxOperations: number;
  loopsPerAccount: number;
  /** Pause between one loop's operations, [min, max] ms. */
  thinkMs: [number, number];
  /** Pause after an operation that got no answer or a 5xx, as a client backs off, [min, max] ms. */
  backoffMs: [number, number];
  /** Share of updates sent as a pair of concurrent writes to the same object. */
  contentionRate: number;
  /** Writes of an account all go through its home gateway (hence one replica of each service). */
  pinWrites: boolean;
  gateways: string[];
  /** Unique in the run's names: object names and monikers carry it. */
  runTag: string;
}

const TOKEN_SCOPES = ['tokens:read', 'credentials:read', 'audit:read'];
const MAX_LIVE = 5;

export class Workload {
  // Not done before it starts: the faults wait their first delay from the workload's start.
  private stopAt = Number.POSITIVE_INFINITY;
  private hardStopAt = Number.POSITIVE_INFINITY;
  /** Set by the runner: the workload also runs until the faults are over (bounded by 3x the duration). */
  faultsOver: () => boolean = () => true;

  constructor(
    private readonly client: RecordingClient,
    private readonly random: Random,
    private readonly accounts: WorkloadAccount[],
    private readonly options: WorkloadOptions,
  ) {}

  /** Runs every account's loops until the duration or the operation budget is spent. */
  async run(): Promise<void> {
    this.stopAt = Date.now() + this.options.durationMs;
    this.hardStopAt = Date.now() + 3 * this.options.durationMs;
    const loops = this.accounts.flatMap((account) => Array.from({ length: this.options.loopsPerAccount }, () => this.loop(account)));
    await Promise.all(loops);
  }

  /** After the faults: every dead secret once more through every gateway, a few at a time (a burst would only test overload). */
  async probeAllDead(concurrency = 8): Promise<void> {
    const probes = this.accounts.flatMap((account) => account.dead.flatMap((dead) => this.options.gateways.map((via) => () => this.probe(account, dead, via))));
    const next = async (): Promise<void> => {
      for (let probe = probes.shift(); probe; probe = probes.shift()) await probe();
    };
    await Promise.all(Array.from({ length: concurrency }, next));
  }

  get done(): boolean {
    const now = Date.now();
    return (now >= this.stopAt && this.faultsOver()) || now >= this.hardStopAt || this.client.history.length >= this.options.maxOperations;
  }

  private async loop(account: WorkloadAccount): Promise<void> {
    while (!this.done) {
      const before = this.client.history.length;
      await this.step(account);
      const failed = this.client.history.slice(before).some((entry) => entry.accountId === account.accountId && outcomeOf(entry) === 'failed');
      await sleep(this.random.int(...(failed ? this.options.backoffMs : this.options.thinkMs)));
    }
  }

  private writeVia(account: WorkloadAccount): string {
    return this.options.pinWrites ? account.home : this.random.pick(this.options.gateways);
  }

  private anyGateway(): string {
    return this.random.pick(this.options.gateways);
  }

  private free<T extends { state: ObjectState; busy: boolean }>(objects: T[]): T[] {
    return objects.filter((object) => object.state === 'live' && !object.busy);
  }

  private name(kind: 't' | 'c', id: number): string {
    return `${kind}-${this.options.runTag}-${id}`;
  }

  private admin(account: WorkloadAccount, spec: Omit<RequestSpec, 'accountId' | 'secret' | 'auth'>): Omit<RequestSpec, 'via'> & { via: string } {
    return { accountId: account.accountId, secret: account.admin.secret, auth: { tokenId: account.admin.tokenId, generation: 0 }, ...spec };
  }

  private async step(account: WorkloadAccount): Promise<void> {
    const liveTokens = account.tokens.filter((t) => t.state === 'live').length;
    const liveCredentials = account.credentials.filter((c) => c.state === 'live').length;
    const freeTokens = this.free(account.tokens).length;
    const freeCredentials = this.free(account.credentials).length;
    const action = this.random.weighted({
      tokenCreate: liveTokens < MAX_LIVE ? 8 : 1,
      tokenPatch: freeTokens > 0 ? 10 : 0,
      tokenRotate: freeTokens > 0 ? 5 : 0,
      tokenRevoke: freeTokens > 0 && liveTokens > 2 ? 4 : 0,
      tokenUse: freeTokens > 0 ? 8 : 0,
      credentialCreate: liveCredentials < MAX_LIVE ? 8 : 1,
      credentialPatch: freeCredentials > 0 ? 10 : 0,
      credentialReveal: freeCredentials > 0 ? 6 : 0,
      credentialDelete: freeCredentials > 0 && liveCredentials > 2 ? 4 : 0,
      read: 18,
      probe: account.dead.length > 0 ? 6 : 0,
    });
    switch (action) {
      case 'tokenCreate':
        return this.createToken(account);
      case 'tokenPatch':
        return this.withObject(this.free(account.tokens), (token) => this.patchToken(account, token));
      case 'tokenRotate':
        return this.withObject(this.free(account.tokens), (token) => this.rotateToken(account, token));
      case 'tokenRevoke':
        return this.withObject(this.free(account.tokens), (token) => this.revokeToken(account, token));
      case 'tokenUse':
        return this.withObject(this.free(account.tokens), (token) => this.useToken(account, token, this.anyGateway()));
      case 'credentialCreate':
        return this.createCredential(account);
      case 'credentialPatch':
        return this.withObject(this.free(account.credentials), (credential) => this.patchCredential(account, credential));
      case 'credentialReveal':
        return this.withObject(this.free(account.credentials), (credential) => this.revealCredential(account, credential));
      case 'credentialDelete':
        return this.withObject(this.free(account.credentials), (credential) => this.deleteCredential(account, credential));
      case 'read':
        return this.read(account);
      case 'probe':
        return this.probe(account, this.random.pick(account.dead), this.anyGateway());
    }
  }

  private async withObject<T extends { busy: boolean }>(candidates: T[], work: (object: T) => Promise<void>): Promise<void> {
    if (candidates.length === 0) return;
    const object = this.random.pick(candidates);
    object.busy = true;
    try {
      await work(object);
    } finally {
      object.busy = false;
    }
  }

  /** A write whose outcome is unknown leaves its object in an unknown state: it is used no more. */
  private settle(answer: Answer, object: { state: ObjectState }, onOk: () => void): void {
    const outcome = outcomeOf(answer.entry);
    if (outcome === 'ok') onOk();
    else if (outcome === 'failed' || answer.entry.status === 404) object.state = 'uncertain';
  }

  private async createToken(account: WorkloadAccount): Promise<void> {
    const id = this.client.reserveId();
    const name = this.name('t', id);
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'token.create',
        via: this.writeVia(account),
        method: 'POST',
        path: '/api/v1/apitokens',
        body: { name, scopes: TOKEN_SCOPES },
        change: { objectType: 'ApiToken', auditType: 'Created', name },
      }),
      id,
    );
    if (outcomeOf(answer.entry) !== 'ok') return;
    const { id: tokenId, token: secret } = answer.body.data as { id: string; token: string };
    answer.entry.change!.objectId = tokenId;
    account.tokens.push({ id: tokenId, secrets: [secret], state: 'live', busy: false });
  }

  private tokenPatchSpec(account: WorkloadAccount, token: TokenState, id: number, via: string, partner?: number) {
    const name = this.name('t', id);
    // Half of the updates touch an authentication setting, which moves the token's version in Redis.
    const body = this.random.chance(0.5) ? { name } : { name, rateLimit: { limit: 100_000 - (id % 1_000), windowSeconds: 60 } };
    return this.admin(account, {
      kind: 'token.patch',
      via,
      method: 'PATCH',
      path: `/api/v1/apitokens/${token.id}`,
      body,
      change: { objectType: 'ApiToken', auditType: 'Updated', objectId: token.id, setsName: name },
      partner,
    });
  }

  private async patchToken(account: WorkloadAccount, token: TokenState): Promise<void> {
    const answers = await this.maybeConcurrently(account, (id, via, partner) => this.tokenPatchSpec(account, token, id, via, partner));
    for (const answer of answers) this.settle(answer, token, () => undefined);
  }

  /**
   * One write, or (at the contention rate) two concurrent writes to the same object: through the
   * home gateway when writes are pinned, else one through each gateway, i.e. two replicas.
   */
  private async maybeConcurrently(
    account: WorkloadAccount,
    spec: (id: number, via: string, partner?: number) => Omit<RequestSpec, 'via'> & { via: string },
  ): Promise<Answer[]> {
    if (!this.random.chance(this.options.contentionRate)) {
      const id = this.client.reserveId();
      return [await this.client.send(spec(id, this.writeVia(account)), id)];
    }
    const [a, b] = [this.client.reserveId(), this.client.reserveId()];
    const [viaA, viaB] = this.options.pinWrites ? [account.home, account.home] : this.options.gateways;
    return Promise.all([this.client.send(spec(a, viaA, b), a), this.client.send(spec(b, viaB, a), b)]);
  }

  private async rotateToken(account: WorkloadAccount, token: TokenState): Promise<void> {
    const generation = token.secrets.length - 1;
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'token.rotate',
        via: this.writeVia(account),
        method: 'POST',
        path: `/api/v1/apitokens/${token.id}/rotate`,
        body: {},
        change: { objectType: 'ApiToken', auditType: 'Rotated', objectId: token.id },
        retires: { tokenId: token.id, generation },
      }),
    );
    this.settle(answer, token, () => {
      token.secrets.push((answer.body.data as { token: string }).token);
      account.dead.push({ ref: { tokenId: token.id, generation }, secret: token.secrets[generation], since: answer.entry.end });
    });
  }

  private async revokeToken(account: WorkloadAccount, token: TokenState): Promise<void> {
    // Let the other gateway cache a verification first: the revoke must reach that replica too.
    const via = this.writeVia(account);
    const other = this.options.gateways.find((gateway) => gateway !== via) ?? via;
    await this.useToken(account, token, other);
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'token.revoke',
        via,
        method: 'DELETE',
        path: `/api/v1/apitokens/${token.id}`,
        change: { objectType: 'ApiToken', auditType: 'Deleted', objectId: token.id },
      }),
    );
    this.settle(answer, token, () => {
      token.state = 'gone';
      const generation = token.secrets.length - 1;
      account.dead.push({ ref: { tokenId: token.id, generation }, secret: token.secrets[generation], since: answer.entry.end });
    });
    if (token.state !== 'gone') return;
    // At once, through every gateway.
    const dead = account.dead[account.dead.length - 1];
    await Promise.all(this.options.gateways.map((gateway) => this.probe(account, dead, gateway)));
  }

  /** An authenticated read with the workload token's own current secret. */
  private async useToken(account: WorkloadAccount, token: TokenState, via: string): Promise<void> {
    const generation = token.secrets.length - 1;
    const path = this.random.chance(0.5) ? '/api/v1/apitokens/verify' : '/api/v1/credentials?limit=5';
    await this.client.send({
      accountId: account.accountId,
      kind: 'read',
      via,
      method: 'GET',
      path,
      secret: token.secrets[generation],
      auth: { tokenId: token.id, generation },
    });
  }

  private async probe(account: WorkloadAccount, dead: DeadSecret, via: string): Promise<void> {
    await this.client.send({ accountId: account.accountId, kind: 'probe', via, method: 'GET', path: '/api/v1/apitokens/verify', secret: dead.secret, auth: dead.ref });
  }

  private async createCredential(account: WorkloadAccount): Promise<void> {
    const id = this.client.reserveId();
    const name = this.name('c', id);
    const body = this.random.chance(0.5)
      ? { name, moniker: name, type: 'api-key', properties: { headerName: 'X-Api-Key' }, secrets: { key: randomBytes(16).toString('hex') } }
      : { name, moniker: name, type: 'http-basic', properties: { username: `user-${id}` }, secrets: { password: randomBytes(16).toString('hex') } };
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'credential.create',
        via: this.writeVia(account),
        method: 'POST',
        path: '/api/v1/credentials',
        body,
        change: { objectType: 'Credential', auditType: 'Created', name },
      }),
      id,
    );
    if (outcomeOf(answer.entry) !== 'ok') return;
    const credentialId = (answer.body.data as { id: string }).id;
    answer.entry.change!.objectId = credentialId;
    account.credentials.push({ id: credentialId, state: 'live', busy: false });
  }

  private async patchCredential(account: WorkloadAccount, credential: CredentialState): Promise<void> {
    const answers = await this.maybeConcurrently(account, (id, via, partner) => {
      const name = this.name('c', id);
      return this.admin(account, {
        kind: 'credential.patch',
        via,
        method: 'PATCH',
        path: `/api/v1/credentials/${credential.id}`,
        body: { name },
        change: { objectType: 'Credential', auditType: 'Updated', objectId: credential.id, setsName: name },
        partner,
      });
    });
    for (const answer of answers) this.settle(answer, credential, () => undefined);
  }

  private async revealCredential(account: WorkloadAccount, credential: CredentialState): Promise<void> {
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'credential.reveal',
        via: this.writeVia(account),
        method: 'POST',
        path: `/api/v1/credentials/${credential.id}/reveal`,
        change: { objectType: 'Credential', auditType: 'Revealed', objectId: credential.id },
      }),
    );
    this.settle(answer, credential, () => undefined);
  }

  private async deleteCredential(account: WorkloadAccount, credential: CredentialState): Promise<void> {
    const answer = await this.client.send(
      this.admin(account, {
        kind: 'credential.delete',
        via: this.writeVia(account),
        method: 'DELETE',
        path: `/api/v1/credentials/${credential.id}`,
        change: { objectType: 'Credential', auditType: 'Deleted', objectId: credential.id },
      }),
    );
    this.settle(answer, credential, () => {
      credential.state = 'gone';
    });
  }

  private async read(account: WorkloadAccount): Promise<void> {
    const token = this.random.pick([...account.tokens.filter((t) => t.state === 'live'), undefined]);
    const credential = this.random.pick([...account.credentials.filter((c) => c.state === 'live'), undefined]);
    const path = this.random.pick([
      '/api/v1/apitokens?limit=20',
      '/api/v1/credentials?limit=20',
      '/api/v1/audit?limit=5',
      '/api/v1/apitokens/verify',
      token ? `/api/v1/apitokens/${token.id}` : '/api/v1/apitokens?limit=5',
      credential ? `/api/v1/credentials/${credential.id}` : '/api/v1/credentials?limit=5',
    ]);
    await this.client.send(this.admin(account, { kind: 'read', via: this.anyGateway(), method: 'GET', path }));
  }
}
