/**
 * The development audit signing key (base64 PKCS#8 DER of an Ed25519 key). Published on purpose,
 * like the dev internal signing key: it only ever signs checkpoints on a developer's machine, and
 * outside development (NODE_ENV=production) nothing falls back to it.
 */
export const DEV_AUDIT_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIElncBC6SflfUKWSi3siX2BEEgkGrH5ar7S/oA9o/7TV';
