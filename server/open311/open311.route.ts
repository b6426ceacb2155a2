/**
 * Open311 GeoReport v2 at /open311/v2 (JSON): services, creating a service request, and reading requests —
 * so that existing civic-reporting clients can talk to GridOps. Public and rate-limited; requests are taken
 * in by the same intake as every other source (located, graded, checked for duplicates) and read back
 * without any personal data. Errors use the standard's format, [{ "code": 400, "description": "…" }]
 * (written by the one error middleware).
 * Extension: `coordinate_system` (wgs84 | gcj02 | bd09, default wgs84) for clients using Chinese maps.
 * Extension: a request may come as multipart/form-data with one photo in the field `photo` (the citizens' page
 * /report), checked like a patrol photo (size → 413, real type JPEG/PNG/WebP by its bytes → 415) and stored
 * with the case in the same transaction.
 */
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { rateLimitStore } from '../http/postgres-rate-limit-store.js';
import { z } from 'zod';
import type { AppConfig } from '../config/load-config.js';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import { appendAudit } from '../audit/record-audit.js';
import { publicRoute } from '../auth/route-access.js';
import { withScope, type Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { intakeIncident } from '../incidents/incident-intake.js';
import { incidentChanged, publishAll } from '../incidents/incident-publishing.js';
import { listCategories } from '../incidents/incidents.sql.js';
import { open311PublicityRouter } from './open311-publicity.route.js';
import { sanitizedBody } from '../http/text-sanitation.js';
import { validateRequestPart } from '../http/validate-request.js';
import { CategoryRow, RequestRow, serviceOf, serviceRequestOf } from './open311-format.js';
import { listServiceRequests, readServiceRequest } from './open311.sql.js';
import { recordPhoto } from '../patrol/incident-photos.js';
import { checkPhoto, photoUpload, withStoredPhoto, type CheckedPhoto, type StoredPhoto } from '../patrol/photo-storage.js';

const ROOT = '/open311/v2';
export const OPEN311_JURISDICTION = 'nanjing';
/** The scope of public intake and reading: the whole city, as the role public_intake. */
const PUBLIC_SCOPE = { jurisdiction: 'city', accountId: null, role: 'public_intake' } as const;

const decimal = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?\d+(\.\d+)?$/, 'must be a decimal number')
    .transform(Number),
]);
const CommonQuery = z.object({ jurisdiction_id: z.string().optional(), lang: z.enum(['zh', 'en']).default('zh') }).passthrough();

const NewRequest = z
  .object({
    jurisdiction_id: z.string().optional(),
    service_code: z.string().regex(/^[a-z_]{2,40}$/, 'unknown service_code'),
    lat: decimal.pipe(z.number().min(-90).max(90)),
    long: decimal.pipe(z.number().min(-180).max(180)),
    coordinate_system: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84'),
    address_string: z.string().trim().max(200).optional(),
    description: z.string().trim().min(2, 'a description is required').max(2000),
    first_name: z.string().trim().max(40).optional(),
    last_name: z.string().trim().max(40).optional(),
    phone: z
      .string()
      .regex(/^[0-9+\-\s()]{3,20}$/)
      .optional(),
    email: z.string().max(120).optional(),
    device_id: z.string().max(80).optional(),
    account_id: z.string().max(80).optional(),
    api_key: z.string().max(120).optional(),
    media_url: z.string().max(500).optional(),
  })
  .strict();

const ListQuery = z
  .object({
    jurisdiction_id: z.string().optional(),
    lang: z.enum(['zh', 'en']).default('zh'),
    service_request_id: z
      .string()
      .regex(/^\d{1,15}(,\d{1,15}){0,99}$/)
      .optional(),
    service_code: z
      .string()
      .regex(/^[a-z_]{2,40}$/)
      .optional(),
    status: z.enum(['open', 'closed']).optional(),
    start_date: z.iso.datetime({ offset: true }).optional(),
    end_date: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

function checkJurisdiction(id: string | undefined): void {
  if (id !== undefined && id !== OPEN311_JURISDICTION)
    throw new AppError(404, 'unknown_jurisdiction', `jurisdiction_id must be ${OPEN311_JURISDICTION}`);
}

/** What the router uses of the application's dependencies. */
export interface Open311RouterDeps {
  db: Database;
  clock: Clock;
  config: Pick<AppConfig, 'publicIntakeRateLimit' | 'photoMaxBytes' | 'uploadDir'>;
  events: DomainEvents;
}

export function open311Router({ db, clock, config, events }: Open311RouterDeps): Router {
  const router = Router();
  router.use(open311PublicityRouter());
  const intakeLimiter = rateLimit({
    windowMs: 10 * 60_000,
    limit: config.publicIntakeRateLimit,
    // Shared by every instance on a real PostgreSQL (migration 0022), in memory on the embedded database.
    store: rateLimitStore(db, 'open311_intake'),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Through the error middleware (the GeoReport error shape under /open311), so that the refusal is audited.
    handler: (_req, _res, next) => next(new AppError(429, 'too_many_requests', 'slow down and try again later')),
  });
  const read = <T>(fn: Parameters<typeof withScope<T>>[2]) => withScope(db, PUBLIC_SCOPE, fn);

  router.get(`${ROOT}/services.json`, publicRoute(), async (req, res) => {
    const q = validateRequestPart(CommonQuery, req.query, 'invalid_query');
    checkJurisdiction(q.jurisdiction_id);
    const categories = await read((tx) => tx.query<CategoryRow>(listCategories));
    res.json(categories.map((c) => serviceOf(c, q.lang)));
  });

  const upload = photoUpload(config.photoMaxBytes);
  router.post(
    `${ROOT}/requests.json`,
    publicRoute(),
    intakeLimiter,
    express.urlencoded({ extended: false, limit: '32kb' }),
    upload,
    sanitizedBody(),
    async (req, res) => {
      const input = validateRequestPart(NewRequest, req.body, 'invalid_service_request');
      checkJurisdiction(input.jurisdiction_id);
      const name = [input.last_name, input.first_name].filter(Boolean).join('') || null;
      const photo: CheckedPhoto | null = req.file ? await checkPhoto(req.file) : null;
      const now = clock.now();
      const withPhoto = <T>(record: (stored: StoredPhoto | null) => Promise<T>) =>
        photo ? withStoredPhoto(config.uploadDir, photo, now, record) : record(null);
      const result = await withPhoto((stored) =>
        withScope(db, PUBLIC_SCOPE, async (tx) => {
          const intake = await intakeIncident(
            tx,
            {
              source: 'open311',
              category: input.service_code,
              description: input.description,
              address: input.address_string ?? null,
              lon: input.long,
              lat: input.lat,
              crs: input.coordinate_system,
              reporter: { name, phone: input.phone ?? null },
              externalId: input.device_id ?? null,
            },
            { accountId: null, role: 'public_intake' },
            now,
          );
          const photoId = stored
            ? Number(
                (await recordPhoto(tx, intake.incident.id, stored, { accountId: null, role: 'public_intake', workerCode: null }, 'attachment', now))
                  .id,
              )
            : null;
          await appendAudit(tx, {
            actorAccountId: null,
            actorUsername: 'open311',
            actorRole: 'public_intake',
            action: 'incident.create',
            entityType: 'incident',
            entityId: String(intake.incident.id),
            jurisdictionCode: intake.location.microGrid.code,
            after: { number: intake.incident.number, category: input.service_code, source: 'open311', ...(photoId === null ? {} : { photoId }) },
            clientAddress: req.ip ?? null,
            success: true,
          });
          return intake;
        }),
      );
      publishAll(events, [incidentChanged(result.incident.id, result.location.microGrid.code, 'reported')]);
      res.status(201).json([
        {
          service_request_id: String(result.incident.id),
          service_notice: `受理编号 ${result.incident.number}`,
          account_id: null,
        },
      ]);
    },
  );

  router.get(`${ROOT}/requests/:id.json`, publicRoute(), async (req, res) => {
    const q = validateRequestPart(CommonQuery, req.query, 'invalid_query');
    checkJurisdiction(q.jurisdiction_id);
    const id = validateRequestPart(z.string().regex(/^\d{1,15}$/, 'a service_request_id is a number'), req.params.id, 'invalid_service_request_id');
    const [row] = await read((tx) => tx.query<RequestRow>(readServiceRequest, [Number(id)]));
    if (!row) throw new AppError(404, 'service_request_not_found', `No service request ${id}`);
    res.json([serviceRequestOf(row, q.lang)]);
  });

  router.get(`${ROOT}/requests.json`, publicRoute(), async (req, res) => {
    const q = validateRequestPart(ListQuery, req.query, 'invalid_query');
    checkJurisdiction(q.jurisdiction_id);
    const ids = q.service_request_id ? q.service_request_id.split(',').map(Number) : null;
    // Without dates or ids, the standard's default window: the last 90 days.
    const start = q.start_date ?? (ids ? null : new Date(clock.now().getTime() - 90 * 86_400_000).toISOString());
    const rows = await read((tx) =>
      tx.query<RequestRow>(listServiceRequests, [q.status ?? null, q.service_code ?? null, start, q.end_date ?? null, ids, 1000]),
    );
    res.json(rows.map((r) => serviceRequestOf(r, q.lang)));
  });

  return router;
}
