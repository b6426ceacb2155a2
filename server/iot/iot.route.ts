/**
 * IoT administration: device credentials issued and revoked by an administrator (audited; the secret is shown
 * once and never stored or logged), and the ingest's counters. Contract: iot-contract.ts.
 *
 *   POST /api/iot/credentials {kind:'sensor', sensorCode} | {kind:'gateway'|'monitor', username, scopeCode}  → 201 {credential, secret}
 *   GET  /api/iot/credentials                       → {credentials}
 *   POST /api/iot/credentials/:id/revoke            → {credential}   (the device's connection is closed)
 *   GET  /api/iot/ingest-stats                      → received, stored, rejected per reason, rates, last batch
 */
import { Router } from 'express';
import type { Clock } from '../clock/clock.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { hashDeviceSecret, newDeviceSecret } from './device-credentials.js';
import { createIngestStats, type IngestStats } from './ingest-stats.js';
import { ingestStatsRoute, issueCredentialRoute, listCredentialsRoute, revokeCredentialRoute } from './iot-contract.js';
import { insertCredential, listCredentials, readSensorForCredential, revokeCredential, revokeCredentialsOfUsername } from './iot.sql.js';

/** What the running IoT service offers the routes (absent in tests that do not start it). */
export interface IotControl {
  stats: IngestStats;
  /** Close the broker connections of a revoked credential. */
  credentialRevoked(username: string): void;
  /** Re-read the per-sensor rule overrides (after a change through the routes). */
  rulesChanged(): Promise<void>;
}

export interface IotRouteDeps {
  clock: Clock;
  iot?: IotControl;
}

interface CredentialRow {
  id: number | string;
  kind: string;
  username: string;
  sensor_code: string | null;
  scope_code: string;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const toCredential = (r: CredentialRow) => ({
  id: Number(r.id),
  kind: r.kind as 'sensor' | 'gateway' | 'monitor',
  username: r.username,
  sensorCode: r.sensor_code,
  scopeCode: r.scope_code,
  label: r.label,
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

export function iotRouter({ clock, iot }: IotRouteDeps): Router {
  const router = Router();
  const stats = iot?.stats ?? createIngestStats();

  router.post(issueCredentialRoute.path, contractAccess(issueCredentialRoute), async (req, res) => {
    const body = validateRequestPart(issueCredentialRoute.body, req.body, 'invalid_credential');
    const auth = authOf(req);
    const secret = newDeviceSecret();
    const done = await auditedChange(req, { action: 'iot.credential_issue', entityType: 'iot_credential' }, async (tx) => {
      let username: string;
      let scopeCode: string;
      let sensorCode: string | null = null;
      if (body.kind === 'sensor') {
        const [sensor] = await tx.query<{ code: string; micro_grid_code: string | null }>(readSensorForCredential, [body.sensorCode]);
        if (!sensor?.micro_grid_code) throw new AppError(422, 'unknown_sensor', `No sensor ${body.sensorCode} in your jurisdiction`);
        username = sensor.code;
        sensorCode = sensor.code;
        scopeCode = sensor.micro_grid_code;
      } else {
        if (auth.jurisdiction !== 'city' && !body.scopeCode.startsWith(auth.jurisdiction)) {
          throw new AppError(403, 'scope_outside_jurisdiction', `The scope ${body.scopeCode} lies outside your jurisdiction`);
        }
        username = body.username;
        scopeCode = body.scopeCode;
      }
      const now = clock.now();
      const replaced = await tx.query<{ id: number }>(revokeCredentialsOfUsername, [username, now, auth.accountId]);
      const [row] = await tx.query<CredentialRow>(insertCredential, [
        body.kind,
        username,
        sensorCode,
        scopeCode,
        hashDeviceSecret(secret),
        body.label ?? null,
        now,
        auth.accountId,
      ]);
      const credential = toCredential(row);
      return {
        entityId: String(credential.id),
        jurisdictionCode: scopeCode === 'city' ? null : scopeCode,
        after: { kind: credential.kind, username, scopeCode, replaced: replaced.map((r) => Number(r.id)) },
        result: { credential, replaced: replaced.length > 0 },
      };
    });
    if (done.replaced) iot?.credentialRevoked(done.credential.username);
    res.status(201).json({ credential: done.credential, secret });
  });

  router.get(listCredentialsRoute.path, contractAccess(listCredentialsRoute), async (req, res) => {
    const rows = await scopedDb(req).query<CredentialRow>(listCredentials, [1000]);
    res.json({ credentials: rows.map(toCredential) });
  });

  router.post(revokeCredentialRoute.path, contractAccess(revokeCredentialRoute), async (req, res) => {
    const { id } = validateRequestPart(revokeCredentialRoute.params, req.params, 'invalid_credential_id');
    const auth = authOf(req);
    const credential = await auditedChange(
      req,
      { action: 'iot.credential_revoke', entityType: 'iot_credential', entityId: String(id) },
      async (tx) => {
        const [row] = await tx.query<CredentialRow>(revokeCredential, [id, clock.now(), auth.accountId]);
        if (!row) throw new AppError(404, 'credential_not_found', `No active credential ${id} in your jurisdiction`);
        const c = toCredential(row);
        return {
          entityId: String(c.id),
          jurisdictionCode: c.scopeCode === 'city' ? null : c.scopeCode,
          after: { username: c.username, revokedAt: c.revokedAt },
          result: c,
        };
      },
    );
    iot?.credentialRevoked(credential.username);
    res.json({ credential });
  });

  router.get(ingestStatsRoute.path, contractAccess(ingestStatsRoute), (_req, res) => {
    res.json({ running: iot !== undefined, ...stats.snapshot() });
  });

  return router;
}
