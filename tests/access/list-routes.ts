/** Every route of an Express 5 application with the access declaration of its first handler. */
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { ACCESS_MARK } from '../../server/auth/route-access.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import type { Capabilities, Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logging/logger.js';

export interface DeclaredRoute {
  method: string;
  path: string;
  access: readonly string[] | 'public' | undefined;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: Record<symbol, unknown> }[] };
  handle?: { stack?: Layer[] };
}

export function listRoutes(app: Express): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  const visit = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const first = layer.route.stack[0]?.handle;
        for (const method of Object.keys(layer.route.methods)) {
          routes.push({ method: method.toUpperCase(), path: layer.route.path, access: first?.[ACCESS_MARK] as DeclaredRoute['access'] });
        }
      } else if (layer.handle?.stack) visit(layer.handle.stack);
    }
  };
  visit((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return routes;
}

/** Every route of the application as built for a request (building the router touches no database). */
export function listApplicationRoutes(): DeclaredRoute[] {
  return listRoutes(
    createApp({
      config: loadConfig({ NODE_ENV: 'test' }),
      db: {} as Database,
      capabilities: {} as Capabilities,
      logger: createLogger('silent'),
      clock: systemClock,
    }),
  );
}
