import { z } from 'zod';
import { parseEncryptionKeys } from './key-ring';

/** A key ring variable (`keyId:base64(32 bytes)`, comma-separated, oldest first), checked as `parseEncryptionKeys` reads it. */
export function encryptionKeysVariable() {
  return z.string().superRefine((value, ctx) => {
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
}
