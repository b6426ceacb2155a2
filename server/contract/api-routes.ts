/**
 * Every REST route that declares its contract (server/contract/api-route.ts), for the OpenAPI document and the
 * contract test. A module adds its `<module>-contract.ts` list here; tests/contract/api-contract.spec.ts fails on an
 * /api route the application serves without a contract here.
 */
import type { ApiRoute } from './api-route.js';
import { openApiRoute } from './openapi-document.js';
import { ALARMS_ROUTES } from '../alarms/alarms-contract.js';
import { ACCOUNTS_ROUTES } from '../auth/accounts-contract.js';
import { AUDIT_ROUTES } from '../audit/audit-contract.js';
import { AUTH_ROUTES } from '../auth/auth-contract.js';
import { FIELD_ROUTES } from '../field/field-contract.js';
import { HEALTH_ROUTES } from '../health/health-contract.js';
import { INCIDENTS_ROUTES } from '../incidents/incidents-contract.js';
import { IOT_ROUTES } from '../iot/iot-contract.js';
import { SENSORS_ROUTES } from '../iot/sensors-contract.js';
import { SUMMONSES_ROUTES } from '../incidents/summonses-contract.js';
import { OPEN311_PUBLICITY_ROUTES } from '../open311/open311-publicity-contract.js';
import { PATROL_ROUTES } from '../patrol/patrol-contract.js';
import { SPATIAL_ROUTES } from '../spatial/spatial-contract.js';
import { STATS_ROUTES } from '../stats/stats-routes-contract.js';
import { UNITS_ROUTES } from '../units/units-contract.js';
import { PLANS_ROUTES } from '../plans/plans-contract.js';
import { CAMERAS_ROUTES } from '../video/cameras-contract.js';
import { CAMERA_IMPORTS_ROUTES } from '../video/import/camera-imports-contract.js';

export const API_ROUTES: readonly ApiRoute[] = [
  ...AUTH_ROUTES,
  ...ACCOUNTS_ROUTES,
  ...AUDIT_ROUTES,
  ...UNITS_ROUTES,
  ...INCIDENTS_ROUTES,
  ...SUMMONSES_ROUTES,
  ...OPEN311_PUBLICITY_ROUTES,
  ...PATROL_ROUTES,
  ...FIELD_ROUTES,
  ...SPATIAL_ROUTES,
  ...STATS_ROUTES,
  ...CAMERAS_ROUTES,
  ...CAMERA_IMPORTS_ROUTES,
  openApiRoute,
  ...HEALTH_ROUTES,
  ...IOT_ROUTES,
  ...SENSORS_ROUTES,
  ...ALARMS_ROUTES,
  ...PLANS_ROUTES,
];
