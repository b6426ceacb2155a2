/**
 * Every REST route that declares its contract (server/contract/api-route.ts), for the OpenAPI document and the
 * contract test. A module adds its `<module>-contract.ts` list here. Routes not declared yet are named in
 * tests/contract/undeclared-routes.ts, so that a new route without a contract fails tests/contract/api-contract.spec.ts.
 */
import type { ApiRoute } from './api-route.js';
import { AUTH_ROUTES } from '../auth/auth-contract.js';
import { INCIDENTS_ROUTES } from '../incidents/incidents-contract.js';
import { SUMMONSES_ROUTES } from '../incidents/summonses-contract.js';
import { STATS_ROUTES } from '../stats/stats-routes-contract.js';
import { WHATS_HERE_ROUTES } from '../spatial/whats-here-contract.js';
import { UNITS_ROUTES } from '../units/units-contract.js';
import { PLANS_ROUTES } from '../plans/plans-contract.js';

export const API_ROUTES: readonly ApiRoute[] = [...AUTH_ROUTES, ...UNITS_ROUTES, ...INCIDENTS_ROUTES, ...SUMMONSES_ROUTES, ...WHATS_HERE_ROUTES, ...STATS_ROUTES, ...PLANS_ROUTES];
