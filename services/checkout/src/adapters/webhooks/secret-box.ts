import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals webhook signing secrets for storage, and opens them to sign (ADR 0011). */
export interface SecretBox {
  seal(endpointId: string, plain: string): string;
  open(endpointId: string, sealed: string): string;
}

const version = 'v1';

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from `keyMaterial`, which comes from config
 * or the data directory, never from the database: a dump of the tables alone cannot sign.
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, base64url. The endpoint id is the associated
 * data, so a sealed secret copied onto another endpoint does not open.
 */
export function createSecretBox(keyMaterial: string | (() => string)): SecretBox {
  // Derived on first use: a process that never touches a webhook secret (most CLI commands)
  // never reads or creates the key.
  let derived: Buffer | undefined;
  const keyOf = () => {
    derived ??= Buffer.from(
      hkdfSync(
        'sha256',
        typeof keyMaterial === 'string' ? keyMaterial : keyMaterial(),
        'keelson-webhooks',
        'webhook-signing-secret-v1',
        32,
      ),
    );
    return derived;
  };
  return {
    seal(endpointId, plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
      cipher.setAAD(Buffer.from(endpointId));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [version, ...[iv, cipher.getAuthTag(), data].map((part) => part.toString('base64url'))].join('.');
    },
    open(endpointId, sealed) {
      const [v, iv, tag, data] = sealed.split('.');
      if (v !== version || iv === undefined || tag === undefined || data === undefined) {
        throw new Error('webhook secret: unknown sealed format');
      }
      const decipher = createDecipheriv('aes-256-gcm', keyOf(), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
