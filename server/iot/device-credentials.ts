/**
 * Device credentials: a username (a sensor's code, or a gateway's / monitor's name) and a secret of 32 random
 * bytes (`gsd_…`), shown once when an administrator issues it; only its SHA-256 is stored.
 *
 * Why SHA-256 and not argon2 (which hashes the people's passwords, server/auth/secrets.ts): argon2's cost
 * protects low-entropy secrets that people choose. A device secret has 256 bits of entropy, so a leaked
 * hash cannot be reversed by guessing whatever the hash function; a slow hash would only cost the server:
 * after a broker restart 20,000 devices reconnect within seconds, and argon2id at its default cost
 * (≈ 20–50 ms of CPU each on this 2-core machine) would take 7–17 minutes of CPU to let them in, while SHA-256
 * takes microseconds. The comparison is constant-time. (The same reasoning as the screen tokens' storage.)
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import type { DeviceIdentity, DeviceKind } from './device-authorization.js';
import { findActiveCredential } from './iot.sql.js';

export const DEVICE_SECRET_PREFIX = 'gsd_';

export function newDeviceSecret(): string {
  return `${DEVICE_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashDeviceSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface CredentialRow {
  id: number | string;
  kind: DeviceKind;
  username: string;
  sensor_code: string | null;
  scope_code: string;
  secret_sha256: string;
}

/** The identity of a username and secret, or null (unknown, revoked or wrong secret: indistinguishable). */
export async function verifyDeviceCredential(db: Queryable, username: string, secret: string): Promise<DeviceIdentity | null> {
  if (username.length === 0 || username.length > 64 || secret.length === 0 || secret.length > 128) return null;
  const [row] = await db.query<CredentialRow>(findActiveCredential, [username]);
  const given = Buffer.from(hashDeviceSecret(secret), 'hex');
  // Compare against something even when the username is unknown, so the timing says nothing.
  const stored = Buffer.from(row?.secret_sha256 ?? '0'.repeat(64), 'hex');
  if (!timingSafeEqual(given, stored) || !row) return null;
  return { kind: row.kind, username: row.username, sensorCode: row.sensor_code, scopeCode: row.scope_code, credentialId: Number(row.id) };
}

/**
 * In-memory credentials that never touch the database: GridOps' own simulator connects with one (a gateway of the
 * whole city), created at start with a random secret that lives only in this process.
 */
export interface InternalCredentials {
  add(identity: DeviceIdentity): { username: string; secret: string };
  verify(username: string, secret: string): DeviceIdentity | null;
}

export function createInternalCredentials(): InternalCredentials {
  const known = new Map<string, { hash: Buffer; identity: DeviceIdentity }>();
  return {
    add(identity) {
      const secret = newDeviceSecret();
      known.set(identity.username, { hash: Buffer.from(hashDeviceSecret(secret), 'hex'), identity });
      return { username: identity.username, secret };
    },
    verify(username, secret) {
      const entry = known.get(username);
      if (!entry) return null;
      return timingSafeEqual(entry.hash, Buffer.from(hashDeviceSecret(secret), 'hex')) ? entry.identity : null;
    },
  };
}
