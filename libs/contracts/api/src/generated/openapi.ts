// Generated from libs/contracts/api/openapi.yaml by `npm run contracts:generate`. Do not edit.

export interface paths {
    "/api/v1/apitokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API tokens
         * @description Lists the account's API tokens, newest first, with their metadata and masked hint; never a
         *     secret. `name` filters by case-insensitive substring. Requires scope `tokens:read`.
         */
        get: operations["listApiTokens"];
        put?: never;
        /**
         * Create an API token
         * @description Creates a token and returns its secret in `data.token`. The secret is shown this once;
         *     Warden stores only a keyed hash of it. The new token stays within the calling token on
         *     every axis: its scopes among the caller's, each `allowedIps` entry inside one of the
         *     caller's (when the caller has a list; an empty list means any address), its expiry no later
         *     than the caller's (when the caller expires), and its `rateLimit` no larger and no faster
         *     than the caller's quota. A field left out takes the caller's value, and the response shows
         *     it; a broader value is `403` with `errors` naming each such field. An account holds at most
         *     `MAX_TOKENS_PER_ACCOUNT` live tokens (1000 by default): one more is `409`. With
         *     `recoverable: true` the secret is also kept encrypted (envelope encryption under the token
         *     service's key ring) so that `POST /api/v1/apitokens/{id}/reveal` can return it later; this is
         *     set at creation only. Requires scope `tokens:write`.
         */
        post: operations["createApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apitokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        /**
         * Get an API token
         * @description Returns one token's metadata with its masked hint (prefix and last four characters), never
         *     its secret. Requires scope `tokens:read`.
         */
        get: operations["getApiToken"];
        put?: never;
        post?: never;
        /**
         * Revoke an API token
         * @description Revokes the token for good. From the moment this response is sent, every gateway replica
         *     answers `401` to it. A revoked token cannot be restored; create a new one instead. If the
         *     revocation could not be put in force on every replica, the answer is `503` with
         *     `Retry-After`: the token is revoked all the same, and repeating the request completes it
         *     (`200`); once a revocation has been acknowledged, the token is gone (`404`). Requires
         *     scope `tokens:write`.
         */
        delete: operations["revokeApiToken"];
        options?: never;
        head?: never;
        /**
         * Update an API token
         * @description Changes any of `name`, `enabled`, `scopes`, `allowedIps`, `expiresAt` and `rateLimit`, and
         *     turns a recoverable token's recoverability off (`recoverable: false` erases its sealed secret);
         *     fields left out keep their value, `null` clears `expiresAt` or `rateLimit`. The secret, the
         *     id and the token type do not change. Only a token that lies within the calling token on
         *     every axis (scopes, `allowedIps`, expiry, `rateLimit`) can be changed, and only within it:
         *     otherwise `403`, with `errors` naming each field; a token may always narrow itself. Disabling a
         *     token takes effect on every gateway replica before the response is sent. A change to
         *     `enabled`, `scopes`, `allowedIps`, `expiresAt` or `rateLimit` is `503` with `Retry-After`
         *     when it could not be put in force on every replica: it is saved, and repeating the same
         *     request completes it. Requires scope `tokens:write`.
         */
        patch: operations["updateApiToken"];
        trace?: never;
    };
    "/api/v1/apitokens/{id}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reveal a recoverable API token's secret
         * @description Decrypts and returns the secret of a token created with `recoverable: true`. The reveal
         *     itself is recorded in the audit trail (`objectType: ApiToken`, `auditType: Revealed`,
         *     without the secret). Only a token that lies within the calling token on every axis
         *     (scopes, `allowedIps`, expiry, `rateLimit`) can be revealed, or the caller itself:
         *     otherwise `403`, with `errors` naming each field. A token of another account, or a revoked
         *     one, is `404`; a token that is not recoverable is `409` (its secret was shown once and is
         *     not stored). Takes no request body. Requires scope `tokens:reveal`.
         */
        post: operations["revealApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apitokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate an API token's secret
         * @description Issues a new secret for the same token: id, scopes and settings stay as they are. The new
         *     secret is returned in `data.token`, this once. The old secret stops working immediately, or
         *     after `gracePeriodSeconds` (at most 7 days) if given; `data.previousSecretExpiresAt` says
         *     when. The body is optional. Rotating a token that holds more than the caller on any axis
         *     (a scope it lacks, a broader allowlist, a later expiry or a larger rate limit) is `403`:
         *     the new secret would hand that out. A token may always rotate itself. If the rotation could not be put in force on
         *     every replica, the answer is `503` with `Retry-After` and no secret: the token was rotated
         *     to a secret nobody has seen, which stops the old one as asked. Repeat the request to
         *     rotate again and receive a new secret. A recoverable token's new secret is sealed in the
         *     same write, so a reveal returns the new secret from then on (the previous one is not kept
         *     recoverable), including after such a `503`. Requires scope `tokens:write`.
         */
        post: operations["rotateApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/apitokens/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify the calling token
         * @description Confirms that the bearer token is valid (known, enabled, not revoked, not expired, used from
         *     an allowed IP) and tells who it is. Requires no particular scope: any valid token may call it
         *     (`x-required-scope: null`).
         */
        get: operations["verifyApiToken"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit records
         * @description Lists the account's audit records, newest first (descending `seq`), optionally filtered.
         *     `from` is inclusive and `to` exclusive. List items omit `canonical`; fetch one record or
         *     export the chain to verify hashes. Requires scope `audit:read`.
         */
        get: operations["listAuditRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        /**
         * Get an audit record
         * @description Returns one record with its full `detail`, its hashes and `canonical`, the exact RFC 8785
         *     text that was hashed: `hash = hex(SHA-256(0x00 || canonical))`. Requires scope
         *     `audit:read`.
         */
        get: operations["getAuditRecord"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List signed checkpoints
         * @description Lists the signed checkpoints of the caller's account chain, newest first, with the Ed25519
         *     public key of the current signing key. Each signature covers the RFC 8785 canonical JSON of
         *     `{accountId, seq, hash, time}` and is verified under the key its `keyId` names: checkpoints
         *     signed before a key rotation name a retired key, which `GET /audit/keys` lists. Requires
         *     scope `audit:read`.
         */
        get: operations["listAuditCheckpoints"];
        put?: never;
        /**
         * Sign a checkpoint now
         * @description Verifies the caller's whole account log (every record's hash, link and seal, every signed
         *     checkpoint, and the previous tree's root from the records) and signs a checkpoint over
         *     everything recorded so far: `200` with it, or with the latest checkpoint when nothing is
         *     new. `409` when verification fails (nothing is signed; the refusal is logged and counted
         *     in `audit_checkpoint_refusals_total`); `404` when the account has no records. A log too
         *     long to verify within `AUDIT_VERIFY_DEADLINE_MS` answers `202`: the verification goes on as
         *     a job (`Location`), and the checkpoint is signed once it finds the log valid. Takes no
         *     request body. Requires scope `audit:read`.
         */
        post: operations["createAuditCheckpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/checkpoints/{treeSize}/cosignatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a witness cosignature to a checkpoint
         * @description A witness that verified the caller's checkpoint of size `treeSize` (its signed note, and its
         *     consistency with the last checkpoint the witness saw) hands in its cosignature
         *     (https://c2sp.org/tlog-cosignature, cosignature/v1): the signature line, or only its base64
         *     value, and the witness's verifier key (`<name>+<key id>+<base64(0x04 || Ed25519 key)>`).
         *     The cosignature must verify over that checkpoint's note text under that key, or the answer
         *     is `400`; `404` when the account has no checkpoint of that size. A witness's key stores one
         *     cosignature per checkpoint: the first one is kept and a later one by the same key is
         *     answered with the stored one (`200`). `GET /audit/checkpoints/latest` lists the
         *     cosignature lines; append them to its `note` to get the cosigned checkpoint. Requires scope
         *     `audit:witness` (`npm run warden -- audit witness` is such a witness).
         */
        post: operations["createAuditCosignature"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/checkpoints/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the latest signed checkpoint
         * @description The newest checkpoint of the caller's account log as a C2SP signed note
         *     (https://c2sp.org/tlog-checkpoint): origin `warden.audit/<accountId>`, tree size, base64
         *     RFC 9162 root hash, and an Ed25519 signature line under the key name of the origin (verify
         *     it with the `verifierKey` of `GET /audit/keys`). Leaf i of the tree is the record with seq
         *     i + 1; its leaf hash is SHA-256(0x00 || canonical text), the record's `hash`. `keyId` names
         *     the signing key (after a rotation, older checkpoints name a retired key of
         *     `GET /audit/keys`). `404` when no checkpoint was signed yet; `409` when the stored
         *     checkpoint does not verify under the key its `keyId` names. Requires scope `audit:read`.
         */
        get: operations["getLatestAuditCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the audit chain
         * @description Streams the caller's whole account chain as NDJSON (one JSON object per line, each an
         *     `AuditExportLine`), after signing a fresh checkpoint when the head moved: first every
         *     record in ascending `seq` (`kind: record`), each with its `canonical` text; then every
         *     signed checkpoint (`kind: checkpoint`), each naming its signing key by `keyId` and, since
         *     the Merkle tree exists, carrying `treeSize`, `rootHash` and the signed `note`; then the
         *     witnesses' cosignatures of those checkpoints (`kind: cosignature`, as
         *     `POST /audit/checkpoints/{treeSize}/cosignatures` answered them). No key is in the file:
         *     it verifies offline with the operator's public keys (repeat `--public-key` for keys a
         *     rotation retired) and, for cosignatures, the witnesses' keys
         *     (`npm run warden -- audit verify --file export.ndjson --public-key ... --witness-key ...`):
         *     every record, the tree root at each checkpoint against its signed note, and each
         *     cosignature. Requires scope `audit:read`.
         */
        get: operations["exportAuditRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the checkpoint keys
         * @description Every public key that verifies the caller's account checkpoints: the signing key first,
         *     then the keys it replaced when the operator rotated it, newest first. Each checkpoint names
         *     its key by `keyId` (the key id of the chain signatures) and is verified under that key
         *     only; a checkpoint naming a key id not listed here is invalid. For each: the C2SP note key
         *     name (the origin) and note key id, the verifier key string
         *     (`<name>+<key id>+<base64(0x01 || public key)>`), the PEM, and its validity (`validFrom`,
         *     and `validUntil`: when it was retired, `null` while it signs). Requires scope `audit:read`.
         */
        get: operations["listAuditKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/proofs/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prove that the log only grew
         * @description The RFC 9162 consistency proof from the tree of size `from` to the tree of size `to` (the
         *     latest signed checkpoint's size by default), with both roots; hashes are base64. A client
         *     that holds a signed checkpoint of size `from` verifies that the later checkpoint extends it:
         *     no record was changed or removed. `400` for a malformed query or `from` above `to`; `404`
         *     for a size beyond the latest signed checkpoint. Requires scope `audit:read`.
         */
        get: operations["getAuditConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/proofs/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prove that a record is in the log
         * @description The RFC 9162 inclusion proof of record `seq` (leaf index `seq - 1`) in the tree of size
         *     `treeSize`: any size up to the latest signed checkpoint's (its size by default). Hashes are
         *     base64. Verify by recomputing the root from `leafHash`, `leafIndex`, `treeSize` and `proof`
         *     and comparing it with the root of a signed checkpoint of that size. `400` for a malformed
         *     query or `seq` above the given `treeSize`; `404` for a size beyond the latest signed
         *     checkpoint (or an account with none). Requires scope `audit:read`.
         */
        get: operations["getAuditInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a full verification as a job
         * @description Starts the verification of `GET /audit/verify` over the caller's whole account log as a
         *     job, for trails too long to verify within one request: `202` with the job, whose URL is in
         *     `Location`. Follow it with `GET /audit/verifications/{id}`. Takes no request body.
         *     Requires scope `audit:read`.
         */
        post: operations["createAuditVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verifications/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        /**
         * Get a verification job
         * @description A verification job of the caller's account: `status` `running` (with `checked` of about
         *     `total` records so far), `done` (with `result`, the answer of `GET /audit/verify`),
         *     `failed` or `interrupted` (the process running it stopped; start another one, with
         *     `error` saying so). Another account's job is a `404`. Requires scope `audit:read`.
         */
        get: operations["getAuditVerification"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify the audit chain
         * @description Recomputes the caller's account chain: each record's hash from its canonical text and each
         *     `prevHash` link, up to the head, and checks the chain against every signed checkpoint and
         *     the Merkle tree against the newest signed note, and the stored records against the head
         *     each producing service keeps in its own database (`externalHeads`). A deleted tail is caught
         *     with or without its checkpoints: `valid: false` with `missing` naming the range, and
         *     `firstInvalidSeq` and `reason`. `checkpoint: null` means the chain is not anchored by any
         *     checkpoint yet; `unanchored` counts the records after it; `checkpoint.cosignatures` lists
         *     the witness cosignatures found. A trail that takes longer than one request to verify
         *     answers `202`: the verification goes on as a job (`Location`). Requires scope `audit:read`.
         */
        get: operations["verifyAuditChain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List credentials
         * @description Lists the account's credentials, newest first: id, name, moniker, type and timestamps only,
         *     never a property value or a secret. Requires scope `credentials:read`.
         */
        get: operations["listCredentials"];
        put?: never;
        /**
         * Create a credential
         * @description Stores a typed credential. `type` selects the shape of `properties` and `secrets` (see
         *     `GET /api/v1/credentials/types`); unknown fields are rejected at every level. Secrets are
         *     encrypted at rest and masked in the response. A moniker already used in the account is
         *     `409`. Requires scope `credentials:write`.
         */
        post: operations["createCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/{idOrMoniker}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        /**
         * Get a credential
         * @description Returns one credential's metadata and non-secret properties; each secret field is masked
         *     (for example `••••d2`). Use `revealCredential` to read the secrets. Requires scope
         *     `credentials:read`.
         */
        get: operations["getCredential"];
        put?: never;
        post?: never;
        /**
         * Delete a credential
         * @description Deletes the credential and its encrypted secrets; its moniker becomes free again. The
         *     deletion is audited. Requires scope `credentials:write`.
         */
        delete: operations["deleteCredential"];
        options?: never;
        head?: never;
        /**
         * Update a credential
         * @description Changes the credential's `name`, `properties` and/or `secrets`. Fields given inside
         *     `properties` or `secrets` replace the stored ones and fields left out are kept; the merged
         *     result must satisfy the type's schema (`SmppProperties`, `SmppSecrets`, ...), and unknown
         *     fields are `400`. The type and the moniker cannot change. Requires scope
         *     `credentials:write`.
         */
        patch: operations["updateCredential"];
        trace?: never;
    };
    "/api/v1/credentials/{idOrMoniker}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reveal a credential's secrets
         * @description Decrypts and returns the credential's secrets in clear. The reveal itself is recorded in
         *     the audit trail (`auditType: Revealed`, without the secret values). Takes no request body.
         *     Requires scope `credentials:reveal`.
         */
        post: operations["revealCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/credentials/types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List credential types
         * @description Describes every credential type with the property and secret fields it takes, enough to
         *     drive a form's type dropdown and fields. The list is short and fixed, so it is not
         *     paginated and has no `meta`. Requires scope `credentials:read`.
         */
        get: operations["listCredentialTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get this OpenAPI document
         * @description Returns this document as JSON, without the success envelope. Needs no token (no
         *     `x-required-scope`); it is rate limited per IP like every unauthenticated request.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/platform/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List accounts
         * @description Lists the platform's accounts, newest first. `name` filters by case-insensitive substring,
         *     `status` by whether the account's tokens may authenticate. A deleted account is not listed.
         *     Only a platform token may call it (an account's token is `403`). Requires scope
         *     `platform:accounts:read`.
         */
        get: operations["listPlatformAccounts"];
        put?: never;
        /**
         * Create an account
         * @description Creates an account and its first API token (named `default`, every account scope, no
         *     allowlist, no expiry), as `npm run warden -- accounts create` does. The token's secret is in
         *     `data.token`, shown this once. The account's chain records its creation, and so does the
         *     platform's. Requires scope `platform:accounts:write`.
         */
        post: operations["createPlatformAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/platform/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        /**
         * Get an account
         * @description One account; a deleted or unknown one is `404`. Requires scope `platform:accounts:read`.
         */
        get: operations["getPlatformAccount"];
        put?: never;
        post?: never;
        /**
         * Delete an account
         * @description Deletes the account: it is stopped, so every one of its tokens is refused (`401`) on every
         *     gateway replica from the moment the response is sent, and each token is revoked; its
         *     credentials are crypto-shredded (the account's data key is destroyed, so no copy of their
         *     ciphertext can be opened again, even with the key ring); its audit chain is kept, and the
         *     platform can still export and verify it (`GET /api/v1/platform/audit/export?accountId=`).
         *     When a step cannot be completed (Redis or the credential service unavailable) the answer is
         *     `503` and what is done stays done: repeat the request to finish. Requires scope
         *     `platform:accounts:write`.
         */
        delete: operations["deletePlatformAccount"];
        options?: never;
        head?: never;
        /**
         * Rename, stop, restart or set the quota of an account
         * @description Changes the account's `name`, `enabled` and account-wide `rateLimit` (`null`: the gateway's
         *     default) in one write, recorded in the account's chain and the platform's. With
         *     `enabled: false` every token of the account is refused (`401`) on every gateway replica
         *     from the moment the response is sent; with `true` they work again from their next request.
         *     When Redis does not take the change, it is stored and the answer is `503`
         *     (`ChangeNotInForce`): repeat the request to put it in force. Requires scope
         *     `platform:accounts:write`.
         */
        patch: operations["updatePlatformAccount"];
        trace?: never;
    };
    "/api/v1/platform/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the platform's audit records
         * @description The platform's own audit chain, newest first: every account created, changed or deleted
         *     (`objectType: Account`) and every platform token issued or revoked (`objectType: ApiToken`),
         *     with the same guarantees as an account's chain. Filters as `GET /api/v1/audit`. Requires
         *     scope `platform:accounts:read`.
         */
        get: operations["listPlatformAuditRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/platform/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the platform's chain, or any account's
         * @description Streams the platform's audit chain as NDJSON in the form of `GET /api/v1/audit/export`,
         *     verifiable offline with `npm run warden -- audit verify --file`. With `accountId`, the chain
         *     of that account instead, deleted accounts included: an account's trail outlives it. Requires
         *     scope `platform:accounts:read`.
         */
        get: operations["exportPlatformAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description IPv4/IPv6 addresses or CIDR ranges the token may be used from; empty means any address.
         * @example [
         *       "203.0.113.0/24",
         *       "2001:db8::/32",
         *       "198.51.100.7"
         *     ]
         */
        AllowedIps: string[];
        ApiKeyProperties: {
            /** @description The HTTP header that carries the key (an RFC 9110 token). */
            headerName: string;
        };
        ApiKeySecrets: {
            key: string;
        };
        /** @description An API token's metadata. Never carries the secret. */
        ApiToken: {
            allowedIps: components["schemas"]["AllowedIps"];
            /** Format: date-time */
            createdAt: string;
            enabled: boolean;
            /**
             * Format: date-time
             * @description When the token stops working; `null` means never.
             */
            expiresAt: string | null;
            /**
             * @description The secret's prefix and last four characters, to recognise it.
             * @example wdn_…AbCd
             */
            hint: string;
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description When the token was last used, kept coarsely (within minutes); `null` if never.
             */
            lastUsedAt: string | null;
            name: components["schemas"]["ApiTokenName"];
            /** @description The token's own rate limit; `null` means the default. */
            rateLimit: components["schemas"]["RateLimit"] | null;
            /** @description Whether the secret is also kept encrypted so that `POST /api/v1/apitokens/{id}/reveal` can return it; chosen at creation, and can only be turned off afterwards. */
            recoverable: boolean;
            scopes: components["schemas"]["Scope"][];
            type: components["schemas"]["ApiTokenType"];
            /** Format: date-time */
            updatedAt: string;
        };
        ApiTokenEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["ApiToken"];
        };
        ApiTokenListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            /** @description One page, at most `limit` (at most 200) items. */
            data: components["schemas"]["ApiToken"][];
            meta: components["schemas"]["ListMeta"];
        };
        /** @example ci-deploy */
        ApiTokenName: string;
        /**
         * @description `api` acts for the account; `service` acts as a named service account (the audit trail shows
         *     the token's name).
         * @enum {string}
         */
        ApiTokenType: "api" | "service";
        /** @description Who the calling token is. */
        ApiTokenVerification: {
            /** Format: uuid */
            accountId: string;
            /** Format: date-time */
            expiresAt: string | null;
            /** Format: uuid */
            id: string;
            name: string;
            scopes: components["schemas"]["Scope"][];
            type: components["schemas"]["ApiTokenType"];
        };
        ApiTokenVerificationEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["ApiTokenVerification"];
        };
        /** @description Who acted. */
        AuditActor: {
            /** @description The acting token's (or internal actor's) id. */
            id: string;
            /** @description The acting token's or service account's name. */
            name: string;
            /**
             * @description What acted: `api` or `service` for an API token of that type, or the kind of internal
             *     actor (e.g. `system`) for changes an internal service reports.
             * @example api
             */
            type: string;
        };
        AuditChainHead: {
            hash: components["schemas"]["Sha256Hex"];
            /** Format: int64 */
            seq: number;
        };
        /**
         * @description A signed statement of the chain head. `signature` is Ed25519 over the RFC 8785 canonical
         *     JSON of `{accountId, seq, hash, time}`.
         */
        AuditCheckpoint: {
            /** Format: uuid */
            accountId: string;
            hash: components["schemas"]["Sha256Hex"];
            /** @description Identifies the signing key, so keys can rotate. */
            keyId: string;
            note?: components["schemas"]["SignedCheckpointNote"];
            rootHash?: components["schemas"]["MerkleHash"];
            /** Format: int64 */
            seq: number;
            /** @description The Ed25519 signature, base64. */
            signature: string;
            /** Format: date-time */
            time: string;
            /**
             * Format: int64
             * @description The size of the Merkle tree signed with this checkpoint (equals `seq`); absent on checkpoints signed before the tree existed.
             */
            treeSize?: number;
        };
        AuditCheckpointList: {
            checkpoints: components["schemas"]["AuditCheckpoint"][];
            /** @description The current signing key's Ed25519 public key, as a PEM SubjectPublicKeyInfo (checkpoints naming another `keyId` were signed by a retired key of `GET /audit/keys`). */
            publicKey: string;
        };
        AuditCheckpointListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditCheckpointList"];
            meta: components["schemas"]["ListMeta"];
        };
        AuditConsistencyProof: {
            /** Format: int64 */
            from: number;
            fromRoot: components["schemas"]["MerkleHash"];
            /** @description The consistency proof (at most 128 hashes; empty when `from` equals `to`). */
            proof: components["schemas"]["MerkleHash"][];
            /** Format: int64 */
            to: number;
            toRoot: components["schemas"]["MerkleHash"];
        };
        AuditConsistencyProofEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditConsistencyProof"];
        };
        /** @description A witness's cosignature of one checkpoint of the caller's log, as stored. */
        AuditCosignature: {
            /** @description The signature line to append to the checkpoint note. */
            cosignature: string;
            /**
             * Format: date-time
             * @description When the log stored it.
             */
            createdAt: string;
            /** @description The witness key's name. */
            name: string;
            /** @description The witness key's note key id, 8 hex digits. */
            noteKeyId: string;
            /** @description The log's origin, `warden.audit/<accountId>`. */
            origin: string;
            /**
             * Format: date-time
             * @description The time the witness signed, as the cosignature carries it.
             */
            timestamp: string;
            /** Format: int64 */
            treeSize: number;
            witness: components["schemas"]["WitnessVerifierKey"];
        };
        AuditCosignatureEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditCosignature"];
        };
        AuditExportCheckpointLine: {
            checkpoint: components["schemas"]["AuditCheckpoint"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "checkpoint";
        };
        AuditExportCosignatureLine: {
            cosignature: components["schemas"]["AuditCosignature"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "cosignature";
        };
        /** @description One line of an audit export. */
        AuditExportLine: components["schemas"]["AuditExportRecordLine"] | components["schemas"]["AuditExportCheckpointLine"] | components["schemas"]["AuditExportCosignatureLine"];
        AuditExportRecordLine: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "record";
            record: components["schemas"]["AuditRecordWithCanonical"];
        };
        AuditExternalHead: {
            /**
             * Format: date-time
             * @description When the service was told that record is stored; `null` for `none` and `unreachable`.
             */
            anchoredAt: string | null;
            /** @description Why the service could not be asked (`unreachable` only). */
            reason?: string;
            /**
             * Format: int64
             * @description The record the service saw confirmed; `null` for `none` and `unreachable`.
             */
            seq: number | null;
            /** @description The producing service that keeps this head. */
            source: string;
            /** @enum {string} */
            status: "present" | "missing" | "rewritten" | "none" | "unreachable";
        };
        AuditInclusionProof: {
            leafHash: components["schemas"]["MerkleHash"];
            /**
             * Format: int64
             * @description `seq - 1`.
             */
            leafIndex: number;
            /** @description The audit path, leaf side first (at most 64 hashes). */
            proof: components["schemas"]["MerkleHash"][];
            rootHash: components["schemas"]["MerkleHash"];
            /** Format: int64 */
            seq: number;
            /** Format: int64 */
            treeSize: number;
        };
        AuditInclusionProofEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditInclusionProof"];
        };
        AuditKey: {
            /** @enum {string} */
            algorithm: "Ed25519";
            /** @description The first 16 hex digits of SHA-256 over the SubjectPublicKeyInfo (the checkpoints' `keyId`). */
            keyId: string;
            /** @description The note key name (the log origin). */
            name: string;
            /** @description The C2SP note key id, 8 hex digits. */
            noteKeyId: string;
            /** @description The Ed25519 public key as a PEM SubjectPublicKeyInfo. */
            publicKey: string;
            /**
             * @description When the key started signing: the first checkpoint of this account signed with it, else
             *     (a key that has signed nothing for this account yet) when it replaced the key before it;
             *     `null` when neither is known.
             */
            validFrom: string | null;
            /** @description When the operator retired the key (it signs nothing after); `null` while it is the signing key. */
            validUntil: string | null;
            /** @description The C2SP verifier key, `<name>+<note key id>+<base64(0x01 || public key)>`. */
            verifierKey: string;
        };
        AuditKeyList: {
            keys: components["schemas"]["AuditKey"][];
        };
        AuditKeyListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditKeyList"];
        };
        /**
         * @description One link of the account's hash chain. Its content (every field but `hash`) is serialised as
         *     RFC 8785 canonical JSON, and `hash = hex(SHA-256(0x00 || canonical))`; `prevHash` is the
         *     previous record's `hash` (64 zeros for the first record). Never contains a secret, a hash
         *     of a secret or a ciphertext.
         */
        AuditRecord: {
            actor: components["schemas"]["AuditActor"];
            auditType: components["schemas"]["AuditType"];
            /**
             * @description What changed: `{"create": {"after": {...}}}`, `{"update": {"prior": {...}, "after":
             *     {...}}}` or `{"delete": {"prior": {...}}}`, plus `auditType` and `auditObject`.
             */
            detail: {
                [key: string]: unknown;
            };
            hash: components["schemas"]["Sha256Hex"];
            /** Format: uuid */
            id: string;
            objectId: string;
            /** @description `ApiToken`, `Credential`, `Account`, or any type an internal service reports. */
            objectType: string;
            prevHash: components["schemas"]["Sha256Hex"];
            /** @description The client's IP address, when the change came through the gateway. */
            remoteIp: string | null;
            /**
             * Format: int64
             * @description Position in the account's chain, from 1, without gaps.
             */
            seq: number;
            /**
             * Format: date-time
             * @description When the change happened (UTC).
             */
            timestamp: string;
            /** @description The API token or service account that acted. */
            username: string;
        };
        AuditRecordEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditRecordWithCanonical"];
        };
        AuditRecordListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            /** @description One page, at most `limit` (at most 200) items. */
            data: components["schemas"]["AuditRecord"][];
            meta: components["schemas"]["ListMeta"];
        };
        /** @description A record together with the exact text that was hashed. */
        AuditRecordWithCanonical: components["schemas"]["AuditRecord"] & {
            /** @description The record's RFC 8785 canonical JSON, exactly as hashed. */
            canonical: string;
        };
        /** @description The newest signed tree head of the account's log, with its signed note. */
        AuditTreeCheckpoint: {
            /**
             * @description Witness cosignature lines of this checkpoint (cosignature/v1, oldest first). `note` is
             *     the log's note as signed and does not carry them: append them to its signature lines
             *     to get the cosigned checkpoint.
             */
            cosignatures: string[];
            hash: components["schemas"]["Sha256Hex"];
            /** @description The signing key (as in `GET /audit/keys`). */
            keyId: string;
            note: components["schemas"]["SignedCheckpointNote"];
            /** @description The log's origin, `warden.audit/<accountId>` (also the note key name). */
            origin: string;
            rootHash: components["schemas"]["MerkleHash"];
            /** Format: date-time */
            time: string;
            /** Format: int64 */
            treeSize: number;
        };
        AuditTreeCheckpointEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditTreeCheckpoint"];
        };
        /**
         * @description The kind of change. `Revealed` and `Rotated` appear where they apply.
         * @enum {string}
         */
        AuditType: "Created" | "Updated" | "Deleted" | "Revealed" | "Rotated";
        AuditVerification: {
            /**
             * Format: int64
             * @description Records checked so far.
             */
            checked: number;
            /** Format: date-time */
            createdAt: string;
            /** @description Why the job did not finish (`failed`, `interrupted`); `null` otherwise. */
            error: string | null;
            /** Format: uuid */
            id: string;
            /** @description The answer of `GET /audit/verify`, once `done`; `null` before. */
            result: components["schemas"]["AuditVerifyResult"] | null;
            /** @enum {string} */
            status: "running" | "done" | "failed" | "interrupted";
            /**
             * Format: int64
             * @description The chain's head when the job started.
             */
            total: number;
            /** Format: date-time */
            updatedAt: string;
        };
        AuditVerificationEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditVerification"];
        };
        AuditVerifyResult: {
            /**
             * Format: int64
             * @description How many records were checked.
             */
            checked: number;
            /** @description The newest signed checkpoint the chain was checked against; `null` if none. */
            checkpoint?: {
                /** @description The witness cosignatures found for the signed tree (checked when each was handed in). */
                cosignatures?: components["schemas"]["AuditCosignature"][];
                hash: components["schemas"]["Sha256Hex"];
                rootHash?: components["schemas"]["MerkleHash"];
                /** Format: int64 */
                seq: number;
                /** Format: date-time */
                time: string;
                /**
                 * Format: int64
                 * @description The size of the signed tree whose root the records were checked against.
                 */
                treeSize?: number;
            } | null;
            /**
             * @description The log's head as each producing service keeps it in its own database (the newest record
             *     the audit service confirmed to it): `present` (that record is stored, with that hash),
             *     `missing` (the log ends before it), `rewritten` (another record sits at its seq), `none`
             *     (nothing of this account confirmed to it yet), `unreachable` (it did not answer; not
             *     counted either way).
             */
            externalHeads?: components["schemas"]["AuditExternalHead"][];
            /**
             * Format: int64
             * @description The first record that failed verification (only when `valid` is false).
             */
            firstInvalidSeq?: number;
            /** @description The newest record of the chain; `null` when the account has no records. */
            head: components["schemas"]["AuditChainHead"] | null;
            /** @description Records that a signed checkpoint or an external head proves were written and that are gone; `null` when none are. */
            missing?: {
                /** Format: int64 */
                fromSeq: number;
                /** Format: int64 */
                toSeq: number;
            } | null;
            /** @description Why verification failed (only when `valid` is false). */
            reason?: string;
            /**
             * Format: int64
             * @description Records after the checkpoint (all of them without one), not yet covered by any signature.
             */
            unanchored?: number;
            valid: boolean;
        };
        AuditVerifyResultEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["AuditVerifyResult"];
        };
        CreateApiKeyCredentialRequest: {
            moniker: components["schemas"]["CredentialMoniker"];
            name: components["schemas"]["CredentialName"];
            properties: components["schemas"]["ApiKeyProperties"];
            secrets: components["schemas"]["ApiKeySecrets"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "api-key";
        };
        CreateApiTokenRequest: {
            /**
             * @description Left out: the calling token's own list. Each entry must lie inside one of the caller's
             *     entries when the caller has a list (an empty list means any address, so it is `403` then).
             */
            allowedIps?: components["schemas"]["AllowedIps"];
            /** @default true */
            enabled?: boolean;
            /**
             * Format: date-time
             * @description When the token stops working (must be in the future); `null` means never. Left out: the
             *     calling token's expiry. No later than the caller's when the caller expires (`null` is
             *     `403` then).
             */
            expiresAt?: string | null;
            name: components["schemas"]["ApiTokenName"];
            /**
             * @description The token's own rate limit; `null` means the default. Left out: the calling token's
             *     quota (its own, else the default). No larger `limit` and no higher rate than the
             *     caller's quota.
             */
            rateLimit?: components["schemas"]["RateLimit"] | null;
            /**
             * @description Also keep the secret encrypted at rest so that `POST /api/v1/apitokens/{id}/reveal`
             *     (scope `tokens:reveal`) can return it later. Left out or `false`: the secret is shown
             *     this once and only a keyed hash is stored. Chosen at creation: afterwards it can only be
             *     turned off (`PATCH` with `recoverable: false`).
             * @default false
             */
            recoverable?: boolean;
            /** @description Defaults to every scope the calling token has. A scope the caller lacks is `403`. */
            scopes?: components["schemas"]["Scope"][];
            /** @default api */
            type?: components["schemas"]["ApiTokenType"];
        };
        CreateAuditCosignatureRequest: {
            /**
             * @description The cosignature/v1 signature line (`— <witness name> <base64>`), or only its base64
             *     value (key id, timestamp and Ed25519 signature).
             */
            cosignature: string;
            witness: components["schemas"]["WitnessVerifierKey"];
        };
        /** @description A new credential; `type` selects the shape of `properties` and `secrets`. */
        CreateCredentialRequest: components["schemas"]["CreateSmppCredentialRequest"] | components["schemas"]["CreateHttpBasicCredentialRequest"] | components["schemas"]["CreateApiKeyCredentialRequest"] | components["schemas"]["CreateOAuth2ClientCredentialsRequest"];
        /** @description A token just created, with its secret. */
        CreatedApiToken: components["schemas"]["ApiToken"] & {
            /**
             * @description The secret (`wdn_` prefix, at least 128 random bits, checksum). Shown this once;
             *     store it now.
             * @example wdn_4Nq8TzR2vXk7LpB3mW9cYh5JdG1sFe6uAbCd
             */
            token: string;
        };
        CreatedApiTokenEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["CreatedApiToken"];
        };
        CreatedPlatformAccount: {
            account: components["schemas"]["PlatformAccount"];
            /** @description The account's first token's secret, shown this once. */
            token: string;
            /** Format: uuid */
            tokenId: string;
        };
        CreatedPlatformAccountEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["CreatedPlatformAccount"];
        };
        CreateHttpBasicCredentialRequest: {
            moniker: components["schemas"]["CredentialMoniker"];
            name: components["schemas"]["CredentialName"];
            properties: components["schemas"]["HttpBasicProperties"];
            secrets: components["schemas"]["HttpBasicSecrets"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "http-basic";
        };
        CreateOAuth2ClientCredentialsRequest: {
            moniker: components["schemas"]["CredentialMoniker"];
            name: components["schemas"]["CredentialName"];
            properties: components["schemas"]["OAuth2ClientCredentialsProperties"];
            secrets: components["schemas"]["OAuth2ClientCredentialsSecrets"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "oauth2-client-credentials";
        };
        CreatePlatformAccountRequest: {
            name: components["schemas"]["PlatformAccountName"];
        };
        CreateSmppCredentialRequest: {
            moniker: components["schemas"]["CredentialMoniker"];
            name: components["schemas"]["CredentialName"];
            properties: components["schemas"]["SmppProperties"];
            secrets: components["schemas"]["SmppSecrets"];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "smpp";
        };
        /** @description A credential with its non-secret properties; secret fields are masked. */
        Credential: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            moniker: string;
            name: string;
            /** @description The type's non-secret properties (`SmppProperties`, `HttpBasicProperties`, ...). */
            properties: {
                [key: string]: unknown;
            };
            /** @description Each secret field, masked to its last two characters (e.g. `••••d2`). */
            secrets: {
                [key: string]: string;
            };
            type: components["schemas"]["CredentialType"];
            /** Format: date-time */
            updatedAt: string;
        };
        CredentialEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["Credential"];
        };
        CredentialListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            /** @description One page, at most `limit` (at most 200) items. */
            data: components["schemas"]["CredentialSummary"][];
            meta: components["schemas"]["ListMeta"];
        };
        /**
         * @description A stable, URL-safe handle, unique per account: lowercase letters, digits and inner hyphens,
         *     at most 63 characters. `types` is reserved (it is the path of `listCredentialTypes`).
         * @example sms-primary
         */
        CredentialMoniker: string;
        /** @example Primary SMS route */
        CredentialName: string;
        CredentialPropertyField: {
            label: string;
            name: string;
            required: boolean;
            /** @constant */
            secret: false;
            /** @enum {string} */
            type: "string" | "integer" | "string[]";
        };
        CredentialSecretField: {
            label: string;
            name: string;
            required: boolean;
            /** @constant */
            secret: true;
        };
        /** @description A credential as listed; no properties and no secrets. */
        CredentialSummary: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            moniker: string;
            name: string;
            type: components["schemas"]["CredentialType"];
            /** Format: date-time */
            updatedAt: string;
        };
        /** @enum {string} */
        CredentialType: "smpp" | "http-basic" | "api-key" | "oauth2-client-credentials";
        /** @description One credential type and the fields it takes. */
        CredentialTypeDescription: {
            label: string;
            properties: components["schemas"]["CredentialPropertyField"][];
            secrets: components["schemas"]["CredentialSecretField"][];
            type: components["schemas"]["CredentialType"];
        };
        CredentialTypeListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["CredentialTypeDescription"][];
        };
        DeletedObject: {
            /** @constant */
            deleted: true;
            /** Format: uuid */
            id: string;
        };
        DeletedObjectEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["DeletedObject"];
        };
        HttpBasicProperties: {
            username: string;
        };
        HttpBasicSecrets: {
            password: string;
        };
        ListMeta: {
            /** @description Pass as `cursor` to get the next page; `null` when this is the last page. */
            nextCursor: string | null;
        };
        /** @description A SHA-256 hash of the account's RFC 9162 Merkle tree (a leaf, a node or a root), standard base64 as in the signed note. */
        MerkleHash: string;
        OAuth2ClientCredentialsProperties: {
            clientId: string;
            scopes?: string[];
            /** Format: uri */
            tokenUrl: string;
        };
        OAuth2ClientCredentialsSecrets: {
            clientSecret: string;
        };
        PlatformAccount: {
            /** Format: date-time */
            createdAt: string;
            enabled: boolean;
            /** Format: uuid */
            id: string;
            name: components["schemas"]["PlatformAccountName"];
            /** @description The quota all the account's tokens share; `null` is the gateway's default. */
            rateLimit: components["schemas"]["RateLimit"] | null;
            /** Format: date-time */
            updatedAt: string;
        };
        PlatformAccountEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["PlatformAccount"];
        };
        PlatformAccountListEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["PlatformAccount"][];
            meta: components["schemas"]["ListMeta"];
        };
        /** @example Acme Ltd */
        PlatformAccountName: string;
        /**
         * @description `enabled`: the account's tokens may authenticate; `disabled`: none of them does.
         * @enum {string}
         */
        PlatformAccountStatus: "enabled" | "disabled";
        /**
         * @description A permission only a platform token can hold (minted by the operator CLI, belonging to no
         *     account). Account tokens never hold one, and platform tokens hold nothing else.
         * @enum {string}
         */
        PlatformScope: "platform:accounts:read" | "platform:accounts:write";
        /** @description An RFC 9457 problem document, extended with Warden's envelope fields. */
        Problem: {
            /** @description What went wrong for this request, in plain words. */
            detail: string;
            /**
             * Format: uuid
             * @description Identifies an unexpected (500) error in the server's logs.
             */
            errorId?: string;
            /**
             * @description The individual errors, each naming a field: validation errors (400), and the fields that
             *     would reach beyond the calling token (403). At most the first 100.
             */
            errors?: components["schemas"]["ValidationError"][];
            /** @description `detail` first, then one line per validation error (`<path>: <message>`). */
            messages: string[];
            /** @description The request's id, as in the `X-Request-Id` response header. */
            requestId?: string;
            /** Format: int32 */
            status: number;
            /** @constant */
            success: false;
            /** @description The HTTP status' reason phrase, e.g. `Too Many Requests`. */
            title: string;
            /**
             * Format: uri
             * @description Identifies the kind of problem, e.g. `https://httpstatuses.com/429`.
             */
            type: string;
        };
        /** @description A token's own rate limit, replacing the default of 60 requests per 60 seconds. */
        RateLimit: {
            /**
             * Format: int32
             * @description Requests allowed per window.
             */
            limit: number;
            /**
             * Format: int32
             * @description Window length in seconds.
             */
            windowSeconds: number;
        };
        /** @description A recoverable token's secret, revealed. */
        RevealedApiToken: {
            /** Format: uuid */
            id: string;
            /**
             * @description The token's current secret.
             * @example wdn_4Nq8TzR2vXk7LpB3mW9cYh5JdG1sFe6uAbCd
             */
            token: string;
        };
        RevealedApiTokenEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["RevealedApiToken"];
        };
        /** @description A credential's secrets in clear. */
        RevealedCredential: {
            /** Format: uuid */
            id: string;
            moniker: string;
            /** @description The type's secret fields (`SmppSecrets`, `HttpBasicSecrets`, ...), decrypted. */
            secrets: {
                [key: string]: string;
            };
            type: components["schemas"]["CredentialType"];
        };
        RevealedCredentialEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["RevealedCredential"];
        };
        RotateApiTokenRequest: {
            /**
             * Format: int32
             * @description How long the previous secret keeps working; 0 (the default) stops it at once.
             * @default 0
             */
            gracePeriodSeconds?: number;
        };
        /** @description A token after rotation, with its new secret. */
        RotatedApiToken: components["schemas"]["CreatedApiToken"] & {
            /**
             * Format: date-time
             * @description When the previous secret stops (or stopped) working.
             */
            previousSecretExpiresAt: string;
        };
        RotatedApiTokenEnvelope: components["schemas"]["SuccessEnvelope"] & {
            data: components["schemas"]["RotatedApiToken"];
        };
        /**
         * @description A permission a token can hold. A token can never grant a scope it lacks.
         * @enum {string}
         */
        Scope: "tokens:read" | "tokens:write" | "credentials:read" | "credentials:write" | "credentials:reveal" | "audit:read" | "audit:witness" | "tokens:reveal";
        /** @description A SHA-256 digest, lowercase hex. */
        Sha256Hex: string;
        /**
         * @description A C2SP signed checkpoint note: `<origin>\n<tree size>\n<base64 root hash>\n`, a blank
         *     line, and one signature line per signer (`— <key name> <base64(key id || signature)>`).
         */
        SignedCheckpointNote: string;
        SmppProperties: {
            host: string;
            /** Format: int32 */
            port: number;
            systemId: string;
            systemType?: string;
        };
        SmppSecrets: {
            password: string;
        };
        /** @description The fields every successful response shares; `data` is added per response. */
        SuccessEnvelope: {
            /** @description Human-readable notes about the outcome; often empty. */
            messages: string[];
            /** @constant */
            success: true;
        };
        /** @description The fields to change; at least one. `type` cannot change. */
        UpdateApiTokenRequest: {
            allowedIps?: components["schemas"]["AllowedIps"];
            enabled?: boolean;
            /**
             * Format: date-time
             * @description `null` removes the expiry: `403` when the calling token expires.
             */
            expiresAt?: string | null;
            name?: components["schemas"]["ApiTokenName"];
            /** @description `null` restores the default rate limit: `403` when the default exceeds the calling token's quota. */
            rateLimit?: components["schemas"]["RateLimit"] | null;
            /**
             * @description `false` erases a recoverable token's sealed secret for good: the token keeps working, and
             *     from then on only its keyed hash is stored, as for any shown-once token. `true` is `400`:
             *     a token becomes recoverable only when it is created.
             * @enum {boolean}
             */
            recoverable?: false;
            /** @description Replaces the token's scopes. A scope the caller lacks is `403`. */
            scopes?: components["schemas"]["Scope"][];
        };
        /**
         * @description The fields to change; at least one. `properties` and `secrets` are merged over the stored
         *     ones and the result is checked against the type's schema (`SmppProperties`,
         *     `SmppSecrets`, ...). `type` and `moniker` cannot change.
         */
        UpdateCredentialRequest: {
            name?: components["schemas"]["CredentialName"];
            /** @description Property fields to replace; see the type's `*Properties` schema. */
            properties?: {
                [key: string]: unknown;
            };
            /** @description Secret fields to replace; see the type's `*Secrets` schema. */
            secrets?: {
                [key: string]: unknown;
            };
        };
        UpdatePlatformAccountRequest: {
            enabled?: boolean;
            name?: components["schemas"]["PlatformAccountName"];
            rateLimit?: components["schemas"]["RateLimit"] | null;
        };
        ValidationError: {
            message: string;
            /**
             * @description Where the offending value is: the request part (`body`, `query`, `path`, `headers`)
             *     followed by a JSON Pointer, e.g. `/body/rateLimit/limit` or `/query/limit`. A longer
             *     one (a client's own field name) is cut to 1024 characters.
             */
            path: string;
        };
        /**
         * @description The witness's verifier key (https://c2sp.org/signed-note):
         *     `<name>+<8 hex digits key id>+<base64(0x04 || 32-byte Ed25519 public key)>`.
         */
        WitnessVerifierKey: string;
    };
    responses: {
        /** @description The account already holds as many live API tokens as it may (`MAX_TOKENS_PER_ACCOUNT`); revoke one first. */
        ApiTokenCapReached: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/409",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "This account already holds 1000 live API tokens, the most it may hold (1000); revoke one first.",
                 *       "success": false,
                 *       "messages": [
                 *         "This account already holds 1000 live API tokens",
                 *         "the most it may hold (1000); revoke one first."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The token lacks the operation's scope or is used from an IP outside its allowlist; or the
         *     request would reach beyond the calling token: a token it creates or changes must stay within
         *     it on every axis (scopes, `allowedIps`, `expiresAt`, `rateLimit`), and it may change, rotate
         *     or revoke only tokens that lie within it (itself always). `errors` names each field that
         *     reaches beyond it: `body.<field>` for a value of the request, `token.<field>` for what the
         *     target token holds.
         */
        ApiTokenEscalation: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/403",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "detail": "This API token can only hand out what it holds itself: an empty list admits any address; the calling API token is limited to 10.0.0.0/8.",
                 *       "success": false,
                 *       "messages": [
                 *         "This API token can only hand out what it holds itself: an empty list admits any address; the calling API token is limited to 10.0.0.0/8.",
                 *         "body.allowedIps: an empty list admits any address; the calling API token is limited to 10.0.0.0/8"
                 *       ],
                 *       "errors": [
                 *         {
                 *           "path": "body.allowedIps",
                 *           "message": "an empty list admits any address; the calling API token is limited to 10.0.0.0/8"
                 *         }
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token was not created with `recoverable: true`: its secret was shown once and only a keyed hash of it is stored. */
        ApiTokenNotRecoverable: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/409",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "This API token is not recoverable; its secret was shown once at creation.",
                 *       "success": false,
                 *       "messages": [
                 *         "This API token is not recoverable; its secret was shown once at creation."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The upstream service is down or answered with an invalid response. */
        BadGateway: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/502",
                 *       "title": "Bad Gateway",
                 *       "status": 502,
                 *       "detail": "The token service is unavailable.",
                 *       "success": false,
                 *       "messages": [
                 *         "The token service is unavailable."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Malformed JSON, a schema violation, an unknown field, or a bad query parameter (query values
         *     are scalars; `name[$ne]=x` is rejected). Validation errors list each problem in `errors`.
         */
        BadRequest: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/400",
                 *       "title": "Bad Request",
                 *       "status": 400,
                 *       "detail": "The request does not match the API schema.",
                 *       "success": false,
                 *       "messages": [
                 *         "The request does not match the API schema.",
                 *         "/body/name: must NOT have fewer than 1 characters",
                 *         "/body/colour: must NOT have additional properties"
                 *       ],
                 *       "errors": [
                 *         {
                 *           "path": "/body/name",
                 *           "message": "must NOT have fewer than 1 characters"
                 *         },
                 *         {
                 *           "path": "/body/colour",
                 *           "message": "must NOT have additional properties"
                 *         }
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description A dependency is unavailable (as `ServiceUnavailable`), or a change that affects
         *     authentication is saved but could not be put in force on every gateway replica yet (Redis
         *     did not take its signal): until it is, a replica may still honour the token's previous
         *     state. Repeat the same request after `Retry-After` seconds to complete it.
         */
        ChangeNotInForce: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                /**
                 * @description Seconds to wait before repeating the request; always sent when the change is saved but
                 *     not yet in force.
                 * @example 5
                 */
                "Retry-After"?: number;
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/503",
                 *       "title": "Service Unavailable",
                 *       "status": 503,
                 *       "detail": "The change is saved, but Redis did not take the signal that puts it in force on every gateway; repeat the request to complete it.",
                 *       "success": false,
                 *       "messages": [
                 *         "The change is saved",
                 *         "but Redis did not take the signal that puts it in force on every gateway; repeat the request to complete it."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The moniker is already used by another credential of the account. */
        Conflict: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/409",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "A credential with the moniker sms-primary already exists.",
                 *       "success": false,
                 *       "messages": [
                 *         "A credential with the moniker sms-primary already exists."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The token lacks the operation's scope, is used from an IP outside its allowlist, or tries to
         *     grant a scope it lacks; or the request came over plain HTTP where HTTPS is required.
         */
        Forbidden: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/403",
                 *       "title": "Forbidden",
                 *       "status": 403,
                 *       "detail": "This API token lacks the scope credentials:reveal.",
                 *       "success": false,
                 *       "messages": [
                 *         "This API token lacks the scope credentials:reveal."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The upstream service did not answer in time. */
        GatewayTimeout: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/504",
                 *       "title": "Gateway Timeout",
                 *       "status": 504,
                 *       "detail": "The credential service did not answer in time.",
                 *       "success": false,
                 *       "messages": [
                 *         "The credential service did not answer in time."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description An unexpected error. The body carries an `errorId` that the server's log line also carries;
         *     never a stack trace.
         */
        InternalServerError: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/500",
                 *       "title": "Internal Server Error",
                 *       "status": 500,
                 *       "detail": "An unexpected error occurred (error id 2b8d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d10).",
                 *       "success": false,
                 *       "messages": [
                 *         "An unexpected error occurred (error id 2b8d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d10)."
                 *       ],
                 *       "errorId": "2b8d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d10",
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description No such object in the caller's account: it is absent, belongs to another account, or the
         *     path id is not a UUID (nor, for credentials, a moniker).
         */
        NotFound: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/404",
                 *       "title": "Not Found",
                 *       "status": 404,
                 *       "detail": "The requested resource does not exist.",
                 *       "success": false,
                 *       "messages": [
                 *         "The requested resource does not exist."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is larger than the gateway accepts. */
        PayloadTooLarge: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/413",
                 *       "title": "Payload Too Large",
                 *       "status": 413,
                 *       "detail": "The request body is too large.",
                 *       "success": false,
                 *       "messages": [
                 *         "The request body is too large."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A dependency (MongoDB or Redis) is unavailable; retry later. */
        ServiceUnavailable: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/503",
                 *       "title": "Service Unavailable",
                 *       "status": 503,
                 *       "detail": "A dependency is unavailable; try again shortly.",
                 *       "success": false,
                 *       "messages": [
                 *         "A dependency is unavailable; try again shortly."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The rate limit is exhausted: 60 requests per minute per token by default (or the token's own
         *     `rateLimit`), 10 per minute per IP for requests without a valid token. Wait `Retry-After`
         *     seconds.
         */
        TooManyRequests: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "Retry-After": components["headers"]["Retry-After"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/429",
                 *       "title": "Too Many Requests",
                 *       "status": 429,
                 *       "detail": "Too Many Attempts.",
                 *       "success": false,
                 *       "messages": [
                 *         "Too Many Attempts."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The token is missing, malformed, unknown, disabled, revoked or expired, or is an old secret
         *     after rotation.
         */
        Unauthorized: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/401",
                 *       "title": "Unauthorized",
                 *       "status": 401,
                 *       "detail": "A valid API token is required.",
                 *       "success": false,
                 *       "messages": [
                 *         "A valid API token is required."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is not UTF-8 encoded `application/json`. */
        UnsupportedMediaType: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/415",
                 *       "title": "Unsupported Media Type",
                 *       "status": 415,
                 *       "detail": "Request bodies must be application/json.",
                 *       "success": false,
                 *       "messages": [
                 *         "Request bodies must be application/json."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The stored checkpoint this answer rests on does not verify under the key its `keyId` names
         *     (an unknown key id, or a bad signature): nothing is served from it.
         */
        UntrustedCheckpoint: {
            headers: {
                "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "type": "https://httpstatuses.com/409",
                 *       "title": "Conflict",
                 *       "status": 409,
                 *       "detail": "The stored checkpoint at seq 7 is signed by an unknown key (key id 6aa86a47fe77e66c): it is not served.",
                 *       "success": false,
                 *       "messages": [
                 *         "The stored checkpoint at seq 7 is signed by an unknown key (key id 6aa86a47fe77e66c): it is not served."
                 *       ],
                 *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                 *     }
                 */
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description Opaque cursor from a previous page's `meta.nextCursor`.
         * @example eyJzZXEiOjQyfQ
         */
        cursor: string;
        /**
         * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
         *     does not exist: `404`, not `400`.
         * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
         */
        id: string;
        /**
         * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
         *     credential of the caller's account, is `404`, not `400`.
         * @example sms-primary
         */
        idOrMoniker: string;
        /**
         * @description Page size.
         * @example 50
         */
        limit: number;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Sent only to a browser calling from an origin the operator allows (the gateway's
         *     `CORS_ORIGINS`, none by default): that origin, echoed. Absent for any other origin, and
         *     when no `Origin` was sent. Exposed to such a page: `RateLimit`, `RateLimit-Policy`,
         *     `Retry-After` and `X-Request-Id`.
         * @example https://console.example.com
         */
        "Access-Control-Allow-Origin": string;
        /**
         * @description The quota left under the policy that applied (IETF RateLimit header fields): remaining
         *     requests `r` and seconds to reset `t`. `"per-token"` for authenticated requests, or
         *     `"per-account"` when the quota that all the account's tokens share is the tighter one,
         *     `"per-ip"` for failed requests of the client address (`401`, and `403` for a token used
         *     outside its allowlist), `"per-ip-verify"` for the client address's verifications of
         *     secrets the gateway has not cached (per second).
         * @example "per-token";r=59;t=60
         */
        RateLimit: string;
        /**
         * @description The policy that applied, with its quota `q` and window `w` in seconds. When the account's
         *     quota is the tighter one, it is listed beside the token's:
         *     `"per-token";q=60;w=60, "per-account";q=1000;w=60`.
         * @example "per-token";q=60;w=60
         */
        "RateLimit-Policy": string;
        /**
         * @description Seconds to wait before trying again.
         * @example 42
         */
        "Retry-After": number;
        /**
         * @description The authentication scheme to use.
         * @example Bearer realm="warden"
         */
        "WWW-Authenticate": "Bearer realm=\"warden\"";
        /**
         * @description The request's id, also in every log line and in a problem's `requestId`. A well-formed
         *     incoming `X-Request-Id` (8 to 128 of `A-Z a-z 0-9 . _ : -`) is kept; otherwise one is minted.
         * @example 5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18
         */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listApiTokens: {
        parameters: {
            query?: {
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
                /**
                 * @description Only tokens whose name contains this text (case-insensitive, matched literally).
                 * @example deploy
                 */
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tokens. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": [
                     *         {
                     *           "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *           "name": "ci-deploy",
                     *           "type": "api",
                     *           "enabled": true,
                     *           "scopes": [
                     *             "credentials:read",
                     *             "audit:read"
                     *           ],
                     *           "allowedIps": [
                     *             "203.0.113.0/24",
                     *             "2001:db8::/32"
                     *           ],
                     *           "expiresAt": "2026-06-30T00:00:00.000Z",
                     *           "rateLimit": {
                     *             "limit": 120,
                     *             "windowSeconds": 60
                     *           },
                     *           "hint": "wdn_…AbCd",
                     *           "recoverable": false,
                     *           "createdAt": "2025-11-20T09:15:02.117Z",
                     *           "updatedAt": "2025-11-24T16:41:07.312Z",
                     *           "lastUsedAt": "2025-11-24T16:40:00.000Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": "eyJpZCI6IjZmMWMyYjdlIn0"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ApiTokenListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiTokenRequest"];
            };
        };
        responses: {
            /** @description The token was created; `data.token` is its secret, shown this once. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Store this token now; it will not be shown again."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "name": "ci-deploy",
                     *         "type": "api",
                     *         "enabled": true,
                     *         "scopes": [
                     *           "credentials:read",
                     *           "audit:read"
                     *         ],
                     *         "allowedIps": [
                     *           "203.0.113.0/24",
                     *           "2001:db8::/32"
                     *         ],
                     *         "expiresAt": "2026-06-30T00:00:00.000Z",
                     *         "rateLimit": {
                     *           "limit": 120,
                     *           "windowSeconds": 60
                     *         },
                     *         "hint": "wdn_…AbCd",
                     *         "recoverable": false,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-20T09:15:02.117Z",
                     *         "lastUsedAt": null,
                     *         "token": "wdn_4Nq8TzR2vXk7LpB3mW9cYh5JdG1sFe6uAbCd"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CreatedApiTokenEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ApiTokenEscalation"];
            409: components["responses"]["ApiTokenCapReached"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token's metadata. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "name": "ci-deploy",
                     *         "type": "api",
                     *         "enabled": true,
                     *         "scopes": [
                     *           "credentials:read",
                     *           "audit:read"
                     *         ],
                     *         "allowedIps": [
                     *           "203.0.113.0/24",
                     *           "2001:db8::/32"
                     *         ],
                     *         "expiresAt": "2026-06-30T00:00:00.000Z",
                     *         "rateLimit": {
                     *           "limit": 120,
                     *           "windowSeconds": 60
                     *         },
                     *         "hint": "wdn_…AbCd",
                     *         "recoverable": false,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-24T16:41:07.312Z",
                     *         "lastUsedAt": "2025-11-24T16:40:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ApiTokenEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    revokeApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token is revoked. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "API token revoked."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "deleted": true
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DeletedObjectEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ApiTokenEscalation"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ChangeNotInForce"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    updateApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateApiTokenRequest"];
            };
        };
        responses: {
            /** @description The updated token's metadata. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "API token updated."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "name": "ci-deploy",
                     *         "type": "api",
                     *         "enabled": true,
                     *         "scopes": [
                     *           "credentials:read",
                     *           "audit:read"
                     *         ],
                     *         "allowedIps": [
                     *           "203.0.113.0/24",
                     *           "2001:db8::/32"
                     *         ],
                     *         "expiresAt": "2026-06-30T00:00:00.000Z",
                     *         "rateLimit": {
                     *           "limit": 120,
                     *           "windowSeconds": 60
                     *         },
                     *         "hint": "wdn_…AbCd",
                     *         "recoverable": false,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-24T16:41:07.312Z",
                     *         "lastUsedAt": "2025-11-24T16:40:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ApiTokenEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ApiTokenEscalation"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ChangeNotInForce"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    revealApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token's secret, in clear. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "This reveal has been recorded in the audit trail."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "token": "wdn_4Nq8TzR2vXk7LpB3mW9cYh5JdG1sFe6uAbCd"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RevealedApiTokenEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ApiTokenEscalation"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["ApiTokenNotRecoverable"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    rotateApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RotateApiTokenRequest"];
            };
        };
        responses: {
            /** @description The token's new secret, shown this once. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Store this token now; it will not be shown again."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "name": "ci-deploy",
                     *         "type": "api",
                     *         "enabled": true,
                     *         "scopes": [
                     *           "credentials:read",
                     *           "audit:read"
                     *         ],
                     *         "allowedIps": [
                     *           "203.0.113.0/24",
                     *           "2001:db8::/32"
                     *         ],
                     *         "expiresAt": "2026-06-30T00:00:00.000Z",
                     *         "rateLimit": {
                     *           "limit": 120,
                     *           "windowSeconds": 60
                     *         },
                     *         "hint": "wdn_…Wx9Q",
                     *         "recoverable": false,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-25T08:00:00.000Z",
                     *         "lastUsedAt": "2025-11-24T16:40:00.000Z",
                     *         "token": "wdn_8Hc3RkV6yPq1ZtN7mB2xLd9SgJ4wFe5aWx9Q",
                     *         "previousSecretExpiresAt": "2025-11-25T09:00:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RotatedApiTokenEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["ApiTokenEscalation"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ChangeNotInForce"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    verifyApiToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token is valid. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Congratulations, your API Token works."
                     *       ],
                     *       "data": {
                     *         "id": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "name": "ci-deploy",
                     *         "type": "api",
                     *         "scopes": [
                     *           "credentials:read",
                     *           "audit:read"
                     *         ],
                     *         "accountId": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "expiresAt": "2026-06-30T00:00:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ApiTokenVerificationEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listAuditRecords: {
        parameters: {
            query?: {
                /**
                 * @description Only records made by this actor, matched against the actor's id or name.
                 * @example ops-admin
                 */
                actor?: string;
                /**
                 * @description Only records of this kind of change.
                 * @example Updated
                 */
                auditType?: components["schemas"]["AuditType"];
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /**
                 * @description Only records with `timestamp` at or after this instant.
                 * @example 2025-11-01T00:00:00Z
                 */
                from?: string;
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
                /**
                 * @description Only records about this object.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                objectId?: string;
                /**
                 * @description Only records about this kind of object, e.g. `ApiToken`, `Credential`, `Account`.
                 * @example ApiToken
                 */
                objectType?: string;
                /**
                 * @description Only records with `timestamp` before this instant.
                 * @example 2025-12-01T00:00:00Z
                 */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of audit records, newest first. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": [
                     *         {
                     *           "id": "8a2f5c4d-1e7b-4d93-b6a0-2c9e7f1d3b85",
                     *           "seq": 42,
                     *           "timestamp": "2025-11-24T16:41:07.312Z",
                     *           "objectType": "ApiToken",
                     *           "auditType": "Updated",
                     *           "objectId": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *           "username": "ops-admin",
                     *           "actor": {
                     *             "type": "api",
                     *             "id": "1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16",
                     *             "name": "ops-admin"
                     *           },
                     *           "remoteIp": "203.0.113.24",
                     *           "detail": {
                     *             "update": {
                     *               "prior": {
                     *                 "name": "ci",
                     *                 "rateLimit": null
                     *               },
                     *               "after": {
                     *                 "name": "ci-deploy",
                     *                 "rateLimit": {
                     *                   "limit": 120,
                     *                   "windowSeconds": 60
                     *                 }
                     *               }
                     *             },
                     *             "auditType": "Updated",
                     *             "auditObject": "ApiToken"
                     *           },
                     *           "prevHash": "569fe6a96e8ce9846d9d6fd6462be23d3724c1202154f83a59579b2420d39af8",
                     *           "hash": "c0620c7476eb08518a7516b93272ad6f101c933922cbfd10a05e35a748aacc76"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": "eyJzZXEiOjQyfQ"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditRecordListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getAuditRecord: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "id": "8a2f5c4d-1e7b-4d93-b6a0-2c9e7f1d3b85",
                     *         "seq": 42,
                     *         "timestamp": "2025-11-24T16:41:07.312Z",
                     *         "objectType": "ApiToken",
                     *         "auditType": "Updated",
                     *         "objectId": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "username": "ops-admin",
                     *         "actor": {
                     *           "type": "api",
                     *           "id": "1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16",
                     *           "name": "ops-admin"
                     *         },
                     *         "remoteIp": "203.0.113.24",
                     *         "detail": {
                     *           "update": {
                     *             "prior": {
                     *               "name": "ci",
                     *               "rateLimit": null
                     *             },
                     *             "after": {
                     *               "name": "ci-deploy",
                     *               "rateLimit": {
                     *                 "limit": 120,
                     *                 "windowSeconds": 60
                     *               }
                     *             }
                     *           },
                     *           "auditType": "Updated",
                     *           "auditObject": "ApiToken"
                     *         },
                     *         "prevHash": "569fe6a96e8ce9846d9d6fd6462be23d3724c1202154f83a59579b2420d39af8",
                     *         "hash": "c0620c7476eb08518a7516b93272ad6f101c933922cbfd10a05e35a748aacc76",
                     *         "canonical": "{\"actor\":{\"id\":\"1c7e9a3b-5d2f-4e81-a6c4-7b0d3f9e2a16\",\"name\":\"ops-admin\",\"type\":\"api\"},\"auditType\":\"Updated\",\"detail\":{\"auditObject\":\"ApiToken\",\"auditType\":\"Updated\",\"update\":{\"after\":{\"name\":\"ci-deploy\",\"rateLimit\":{\"limit\":120,\"windowSeconds\":60}},\"prior\":{\"name\":\"ci\",\"rateLimit\":null}}},\"id\":\"8a2f5c4d-1e7b-4d93-b6a0-2c9e7f1d3b85\",\"objectId\":\"6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40\",\"objectType\":\"ApiToken\",\"prevHash\":\"569fe6a96e8ce9846d9d6fd6462be23d3724c1202154f83a59579b2420d39af8\",\"remoteIp\":\"203.0.113.24\",\"seq\":42,\"timestamp\":\"2025-11-24T16:41:07.312Z\",\"username\":\"ops-admin\"}"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditRecordEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listAuditCheckpoints: {
        parameters: {
            query?: {
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The public key and one page of checkpoints, newest first. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "publicKey": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAIz9tGfr/XMFsq/+HRtgnMkNVKjDfGMUpQmT45DpNLcA=\n-----END PUBLIC KEY-----\n",
                     *         "checkpoints": [
                     *           {
                     *             "accountId": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *             "seq": 42,
                     *             "hash": "c0620c7476eb08518a7516b93272ad6f101c933922cbfd10a05e35a748aacc76",
                     *             "time": "2025-11-24T16:45:00.000Z",
                     *             "signature": "Umeu5PDfANEyZVZvSlIFZ7yGlkO8WEuws69CK1BcDVybfQw+GtAhd1XKFl73FbBAMAr3DxCCKX4oCudXN36OBA==",
                     *             "keyId": "2529c2f588d423cd"
                     *           }
                     *         ]
                     *       },
                     *       "meta": {
                     *         "nextCursor": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditCheckpointListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createAuditCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new checkpoint (or the latest one, when nothing is new). */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "A new checkpoint was signed."
                     *       ],
                     *       "data": {
                     *         "origin": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "treeSize": 42,
                     *         "rootHash": "+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY=",
                     *         "note": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10\n42\n+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY=\n\n— warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10 gB59XloEbNHsYG46NvqsxaZtobN7O+liKyBzbH76ic8tyuEyZfo6xDPxsbPw7GQ7Y7NqGqgq3wuZqnla9NEezb0O9Qc=\n",
                     *         "keyId": "5149b0388737975d",
                     *         "time": "2025-11-24T16:45:00.000Z",
                     *         "hash": "c0620c7476eb08518a7516b93272ad6f101c933922cbfd10a05e35a748aacc76",
                     *         "cosignatures": []
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditTreeCheckpointEnvelope"];
                };
            };
            /**
             * @description Verifying took longer than `AUDIT_VERIFY_DEADLINE_MS` (8 s by default, below the
             *     gateway's upstream timeout): the verification goes on as a job (`GET
             *     /audit/verifications/{id}`, URL in `Location`), and the checkpoint is signed when it
             *     finds the log valid (`GET /audit/checkpoints/latest` then shows it).
             */
            202: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    /** @description The job's URL. */
                    Location?: string;
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerificationEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The log failed verification; no checkpoint was signed. */
            409: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://httpstatuses.com/409",
                     *       "title": "Conflict",
                     *       "status": 409,
                     *       "detail": "The audit log failed verification at seq 6: the chain ends at seq 4 but a signed checkpoint covers seq 6: records were deleted. No checkpoint was signed.",
                     *       "success": false,
                     *       "messages": [
                     *         "The audit log failed verification at seq 6: the chain ends at seq 4 but a signed checkpoint covers seq 6: records were deleted. No checkpoint was signed."
                     *       ],
                     *       "requestId": "5e0c1f3a-9d2b-4c7e-8a61-3f4b2d9c7e18"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createAuditCosignature: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The size of the checkpoint the witness cosigned.
                 * @example 42
                 */
                treeSize: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "cosignature": "— witness.example/w1 3fnJdAAAAABpLcaQeiBDjd892m1VHlMWp77gGC499AP+H4zIT/dOKrLvDiH1RHuNbEaKyTf3K8x55pLVncUb9rw7gUIOnRWjJa+/BQ==",
                 *       "witness": "witness.example/w1+ddf9c974+BOvaeDudzLBNEav+BHKwIYQjscm68py81hhmKgyTkrOK"
                 *     }
                 */
                "application/json": components["schemas"]["CreateAuditCosignatureRequest"];
            };
        };
        responses: {
            /** @description This witness key had already cosigned this checkpoint; the stored cosignature. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "This witness key had already cosigned this checkpoint."
                     *       ],
                     *       "data": {
                     *         "origin": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "treeSize": 42,
                     *         "witness": "witness.example/w1+ddf9c974+BOvaeDudzLBNEav+BHKwIYQjscm68py81hhmKgyTkrOK",
                     *         "name": "witness.example/w1",
                     *         "noteKeyId": "ddf9c974",
                     *         "timestamp": "2025-12-01T16:47:12.000Z",
                     *         "cosignature": "— witness.example/w1 3fnJdAAAAABpLcaQeiBDjd892m1VHlMWp77gGC499AP+H4zIT/dOKrLvDiH1RHuNbEaKyTf3K8x55pLVncUb9rw7gUIOnRWjJa+/BQ==",
                     *         "createdAt": "2025-12-01T16:47:13.120Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditCosignatureEnvelope"];
                };
            };
            /** @description The cosignature verified and was stored. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "origin": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "treeSize": 42,
                     *         "witness": "witness.example/w1+ddf9c974+BOvaeDudzLBNEav+BHKwIYQjscm68py81hhmKgyTkrOK",
                     *         "name": "witness.example/w1",
                     *         "noteKeyId": "ddf9c974",
                     *         "timestamp": "2025-12-01T16:47:12.000Z",
                     *         "cosignature": "— witness.example/w1 3fnJdAAAAABpLcaQeiBDjd892m1VHlMWp77gGC499AP+H4zIT/dOKrLvDiH1RHuNbEaKyTf3K8x55pLVncUb9rw7gUIOnRWjJa+/BQ==",
                     *         "createdAt": "2025-12-01T16:47:13.120Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditCosignatureEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["UntrustedCheckpoint"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getLatestAuditCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The newest signed checkpoint and its cosignatures. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "origin": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "treeSize": 42,
                     *         "rootHash": "+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY=",
                     *         "note": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10\n42\n+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY=\n\n— warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10 gB59XloEbNHsYG46NvqsxaZtobN7O+liKyBzbH76ic8tyuEyZfo6xDPxsbPw7GQ7Y7NqGqgq3wuZqnla9NEezb0O9Qc=\n",
                     *         "keyId": "5149b0388737975d",
                     *         "time": "2025-11-24T16:45:00.000Z",
                     *         "hash": "c0620c7476eb08518a7516b93272ad6f101c933922cbfd10a05e35a748aacc76",
                     *         "cosignatures": []
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditTreeCheckpointEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["UntrustedCheckpoint"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    exportAuditRecords: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description An NDJSON stream. The schema and examples describe one line; the body is many such
             *     lines separated by `\n`.
             */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["AuditExportLine"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listAuditKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The checkpoint keys. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "keys": [
                     *           {
                     *             "keyId": "5149b0388737975d",
                     *             "algorithm": "Ed25519",
                     *             "name": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *             "noteKeyId": "801e7d5e",
                     *             "verifierKey": "warden.audit/0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10+801e7d5e+AVnJK/+VUpngGFrNg7SSlbeWSDfr4wUHjSBKPgZLqdDL",
                     *             "publicKey": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAWckr/5VSmeAYWs2DtJKVt5ZIN+vjBQeNIEo+Bkup0Ms=\n-----END PUBLIC KEY-----\n",
                     *             "validFrom": "2025-11-24T16:45:00.000Z",
                     *             "validUntil": null
                     *           }
                     *         ]
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditKeyListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getAuditConsistencyProof: {
        parameters: {
            query: {
                /**
                 * @description The older tree size.
                 * @example 17
                 */
                from: number;
                /**
                 * @description The newer tree size (default the latest signed checkpoint's size).
                 * @example 42
                 */
                to?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The consistency proof and both roots. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "from": 17,
                     *         "to": 42,
                     *         "proof": [
                     *           "PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=",
                     *           "Ln0sA6lQeuJl7PW1NWiFpTOTogKdJBOUmXJloaJa78Y=",
                     *           "GKw+c0PwFokMUQ6T+TUmEWnZ4/VlQ2Qpgw+vCTT0+OQ="
                     *         ],
                     *         "fromRoot": "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=",
                     *         "toRoot": "+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY="
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditConsistencyProofEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["UntrustedCheckpoint"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getAuditInclusionProof: {
        parameters: {
            query: {
                /**
                 * @description The record (its `seq`).
                 * @example 17
                 */
                seq: number;
                /**
                 * @description The tree to prove against (default the latest signed checkpoint's size).
                 * @example 42
                 */
                treeSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The inclusion proof. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "seq": 17,
                     *         "leafIndex": 16,
                     *         "treeSize": 42,
                     *         "leafHash": "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=",
                     *         "proof": [
                     *           "PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=",
                     *           "Ln0sA6lQeuJl7PW1NWiFpTOTogKdJBOUmXJloaJa78Y=",
                     *           "GKw+c0PwFokMUQ6T+TUmEWnZ4/VlQ2Qpgw+vCTT0+OQ=",
                     *           "P3m7e0NbBTIWUdrv03TNxoHcBvqmXjdOODN7iMoEbeo=",
                     *           "JS8QyDYQ68oaBZwLroJV66L5W+TR17z6idckioLZ8RE=",
                     *           "zQqphWFHtsW0/yt9/uXaIKo4JTCZ7xtKZKztIzya/ik="
                     *         ],
                     *         "rootHash": "+Q4Q9FuSh00LM+D6ruNHTXrQmm6lsl8OOfRzma8aXeY="
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditInclusionProofEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["UntrustedCheckpoint"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createAuditVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, started. */
            202: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    /** @description The job's URL. */
                    Location?: string;
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "The verification has started."
                     *       ],
                     *       "data": {
                     *         "id": "3f9a1c2e-7b4d-4e8a-9c61-2d5e8f0a1b37",
                     *         "status": "running",
                     *         "checked": 0,
                     *         "total": 1000000,
                     *         "result": null,
                     *         "error": null,
                     *         "createdAt": "2025-11-24T16:45:00.000Z",
                     *         "updatedAt": "2025-11-24T16:45:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditVerificationEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getAuditVerification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "id": "3f9a1c2e-7b4d-4e8a-9c61-2d5e8f0a1b37",
                     *         "status": "running",
                     *         "checked": 0,
                     *         "total": 1000000,
                     *         "result": null,
                     *         "error": null,
                     *         "createdAt": "2025-11-24T16:45:00.000Z",
                     *         "updatedAt": "2025-11-24T16:45:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["AuditVerificationEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    verifyAuditChain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verification result (also when the chain is invalid). */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerifyResultEnvelope"];
                };
            };
            /**
             * @description Verifying took longer than `AUDIT_VERIFY_DEADLINE_MS` (8 s by default, below the
             *     gateway's upstream timeout): the verification goes on as a job (`GET
             *     /audit/verifications/{id}`), whose URL is in `Location`.
             */
            202: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    /** @description The job's URL. */
                    Location?: string;
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditVerificationEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listCredentials: {
        parameters: {
            query?: {
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of credentials. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": [
                     *         {
                     *           "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *           "name": "Primary SMS route",
                     *           "moniker": "sms-primary",
                     *           "type": "smpp",
                     *           "createdAt": "2025-11-21T10:02:44.500Z",
                     *           "updatedAt": "2025-11-21T10:02:44.500Z"
                     *         },
                     *         {
                     *           "id": "9b4e2d17-6a3c-4f0e-8d51-2c7a9e6b1f04",
                     *           "name": "Billing provider webhook",
                     *           "moniker": "billing-webhook",
                     *           "type": "http-basic",
                     *           "createdAt": "2025-11-18T14:30:00.000Z",
                     *           "updatedAt": "2025-11-19T08:12:09.271Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createCredential: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCredentialRequest"];
            };
        };
        responses: {
            /** @description The credential was created; its secrets are masked. */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Credential created."
                     *       ],
                     *       "data": {
                     *         "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *         "name": "Primary SMS route",
                     *         "moniker": "sms-primary",
                     *         "type": "smpp",
                     *         "properties": {
                     *           "host": "smpp.carrier.example",
                     *           "port": 2775,
                     *           "systemId": "warden01",
                     *           "systemType": ""
                     *         },
                     *         "secrets": {
                     *           "password": "••••d2"
                     *         },
                     *         "createdAt": "2025-11-21T10:02:44.500Z",
                     *         "updatedAt": "2025-11-21T10:02:44.500Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The credential, with its secrets masked. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *         "name": "Primary SMS route",
                     *         "moniker": "sms-primary",
                     *         "type": "smpp",
                     *         "properties": {
                     *           "host": "smpp.carrier.example",
                     *           "port": 2775,
                     *           "systemId": "warden01",
                     *           "systemType": ""
                     *         },
                     *         "secrets": {
                     *           "password": "••••d2"
                     *         },
                     *         "createdAt": "2025-11-21T10:02:44.500Z",
                     *         "updatedAt": "2025-11-21T10:02:44.500Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    deleteCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The credential is deleted. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Credential deleted."
                     *       ],
                     *       "data": {
                     *         "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *         "deleted": true
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DeletedObjectEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    updateCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCredentialRequest"];
            };
        };
        responses: {
            /** @description The updated credential, with its secrets masked. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Credential updated."
                     *       ],
                     *       "data": {
                     *         "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *         "name": "Primary SMS route",
                     *         "moniker": "sms-primary",
                     *         "type": "smpp",
                     *         "properties": {
                     *           "host": "smpp.carrier.example",
                     *           "port": 2775,
                     *           "systemId": "warden01",
                     *           "systemType": ""
                     *         },
                     *         "secrets": {
                     *           "password": "••••7a"
                     *         },
                     *         "createdAt": "2025-11-21T10:02:44.500Z",
                     *         "updatedAt": "2025-11-25T08:30:12.004Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    revealCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The credential's id (a UUID) or its moniker. A value that is neither, or that names no
                 *     credential of the caller's account, is `404`, not `400`.
                 * @example sms-primary
                 */
                idOrMoniker: components["parameters"]["idOrMoniker"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The credential's secrets, in clear. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "This reveal has been recorded in the audit trail."
                     *       ],
                     *       "data": {
                     *         "id": "3d9e4a21-7c6b-4f58-a2e1-9b0c8d7f6e53",
                     *         "moniker": "sms-primary",
                     *         "type": "smpp",
                     *         "secrets": {
                     *           "password": "s3cr3t-d2"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RevealedCredentialEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listCredentialTypes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every credential type. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": [
                     *         {
                     *           "type": "smpp",
                     *           "label": "SMPP",
                     *           "properties": [
                     *             {
                     *               "name": "host",
                     *               "label": "Host",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             },
                     *             {
                     *               "name": "port",
                     *               "label": "Port",
                     *               "type": "integer",
                     *               "required": true,
                     *               "secret": false
                     *             },
                     *             {
                     *               "name": "systemId",
                     *               "label": "System ID",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             },
                     *             {
                     *               "name": "systemType",
                     *               "label": "System type",
                     *               "type": "string",
                     *               "required": false,
                     *               "secret": false
                     *             }
                     *           ],
                     *           "secrets": [
                     *             {
                     *               "name": "password",
                     *               "label": "Password",
                     *               "required": true,
                     *               "secret": true
                     *             }
                     *           ]
                     *         },
                     *         {
                     *           "type": "http-basic",
                     *           "label": "HTTP Basic",
                     *           "properties": [
                     *             {
                     *               "name": "username",
                     *               "label": "Username",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             }
                     *           ],
                     *           "secrets": [
                     *             {
                     *               "name": "password",
                     *               "label": "Password",
                     *               "required": true,
                     *               "secret": true
                     *             }
                     *           ]
                     *         },
                     *         {
                     *           "type": "api-key",
                     *           "label": "API key",
                     *           "properties": [
                     *             {
                     *               "name": "headerName",
                     *               "label": "Header name",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             }
                     *           ],
                     *           "secrets": [
                     *             {
                     *               "name": "key",
                     *               "label": "Key",
                     *               "required": true,
                     *               "secret": true
                     *             }
                     *           ]
                     *         },
                     *         {
                     *           "type": "oauth2-client-credentials",
                     *           "label": "OAuth 2.0 client credentials",
                     *           "properties": [
                     *             {
                     *               "name": "tokenUrl",
                     *               "label": "Token URL",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             },
                     *             {
                     *               "name": "clientId",
                     *               "label": "Client ID",
                     *               "type": "string",
                     *               "required": true,
                     *               "secret": false
                     *             },
                     *             {
                     *               "name": "scopes",
                     *               "label": "Scopes",
                     *               "type": "string[]",
                     *               "required": false,
                     *               "secret": false
                     *             }
                     *           ],
                     *           "secrets": [
                     *             {
                     *               "name": "clientSecret",
                     *               "label": "Client secret",
                     *               "required": true,
                     *               "secret": true
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["CredentialTypeListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "openapi": "3.1.0",
                     *       "info": {
                     *         "title": "Warden",
                     *         "version": "1.0.0"
                     *       },
                     *       "paths": {}
                     *     }
                     */
                    "application/json": {
                        info: {
                            [key: string]: unknown;
                        };
                        openapi: string;
                        paths: {
                            [key: string]: unknown;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
        };
    };
    listPlatformAccounts: {
        parameters: {
            query?: {
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
                /**
                 * @description Only accounts whose name contains this text (case-insensitive, matched literally).
                 * @example acme
                 */
                name?: string;
                /**
                 * @description Only enabled or only disabled accounts.
                 * @example enabled
                 */
                status?: components["schemas"]["PlatformAccountStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of accounts. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": [
                     *         {
                     *           "id": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *           "name": "Acme Ltd",
                     *           "enabled": true,
                     *           "rateLimit": null,
                     *           "createdAt": "2025-11-20T09:15:02.117Z",
                     *           "updatedAt": "2025-11-20T09:15:02.117Z"
                     *         }
                     *       ],
                     *       "meta": {
                     *         "nextCursor": null
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["PlatformAccountListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    createPlatformAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Acme Ltd"
                 *     }
                 */
                "application/json": components["schemas"]["CreatePlatformAccountRequest"];
            };
        };
        responses: {
            /** @description The account and its first token's secret (shown once). */
            201: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Store this token now; it will not be shown again."
                     *       ],
                     *       "data": {
                     *         "account": {
                     *           "id": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *           "name": "Acme Ltd",
                     *           "enabled": true,
                     *           "rateLimit": null,
                     *           "createdAt": "2025-11-20T09:15:02.117Z",
                     *           "updatedAt": "2025-11-20T09:15:02.117Z"
                     *         },
                     *         "tokenId": "6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40",
                     *         "token": "wdn_4Q0yX2m5VZ8Kc1pTg7sR3LhN6bWd9Jf0aUeY1qP2"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["CreatedPlatformAccountEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    getPlatformAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [],
                     *       "data": {
                     *         "id": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "name": "Acme Ltd",
                     *         "enabled": true,
                     *         "rateLimit": null,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-20T09:15:02.117Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["PlatformAccountEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    deletePlatformAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account is deleted. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Account deleted; its tokens are revoked and its credentials shredded."
                     *       ],
                     *       "data": {
                     *         "id": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "deleted": true
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["DeletedObjectEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    updatePlatformAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The object's id (a UUID). Any other value, a longer one included, is simply an object that
                 *     does not exist: `404`, not `400`.
                 * @example 6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b40
                 */
                id: components["parameters"]["id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "enabled": false
                 *     }
                 */
                "application/json": components["schemas"]["UpdatePlatformAccountRequest"];
            };
        };
        responses: {
            /** @description The account as changed. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "messages": [
                     *         "Account updated."
                     *       ],
                     *       "data": {
                     *         "id": "0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10",
                     *         "name": "Acme Ltd",
                     *         "enabled": false,
                     *         "rateLimit": null,
                     *         "createdAt": "2025-11-20T09:15:02.117Z",
                     *         "updatedAt": "2025-11-24T16:41:07.312Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["PlatformAccountEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ChangeNotInForce"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    listPlatformAuditRecords: {
        parameters: {
            query?: {
                /**
                 * @description Only records made by this actor, matched against the actor's id or name.
                 * @example provisioning
                 */
                actor?: string;
                /**
                 * @description Only records of this kind of change.
                 * @example Deleted
                 */
                auditType?: components["schemas"]["AuditType"];
                /**
                 * @description Opaque cursor from a previous page's `meta.nextCursor`.
                 * @example eyJzZXEiOjQyfQ
                 */
                cursor?: components["parameters"]["cursor"];
                /** @description Only records with `timestamp` at or after this instant. */
                from?: string;
                /**
                 * @description Page size.
                 * @example 50
                 */
                limit?: components["parameters"]["limit"];
                /**
                 * @description Only records about this object (an account's id, say).
                 * @example 0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10
                 */
                objectId?: string;
                /**
                 * @description Only records about this kind of object, e.g. `Account`.
                 * @example Account
                 */
                objectType?: string;
                /** @description Only records with `timestamp` before this instant. */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the platform's records. */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditRecordListEnvelope"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
    exportPlatformAudit: {
        parameters: {
            query?: {
                /**
                 * @description Export this account's chain instead of the platform's.
                 * @example 0b6f7c1e-3a52-4b8e-9d1f-5c2a7e4b9f10
                 */
                accountId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description An NDJSON stream. The schema describes one line; the body is many such lines separated
             *     by `\n`.
             */
            200: {
                headers: {
                    "Access-Control-Allow-Origin": components["headers"]["Access-Control-Allow-Origin"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["AuditExportLine"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["UntrustedCheckpoint"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalServerError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
            504: components["responses"]["GatewayTimeout"];
        };
    };
}
