/**
 * The test server a browser spec drives: the client built once per run, the real application on a fresh
 * seeded database (the first database mode of the run; browser specs do not repeat per mode), and the shared
 * browser closed after the spec. Call at the top of a describe block:
 *
 *   const server = useBrowserTestServer();
 *   it('…', async () => { const session = await openConsole(server().baseUrl, …); });
 */
import { afterAll, beforeAll } from 'vitest';
import { testDatabaseModes } from '../../support/test-database.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { closeBrowser, ensureClientBuilt } from './browser-session.js';

export function useBrowserTestServer(): () => TestServer {
  const [mode] = testDatabaseModes();
  let server: TestServer | undefined;
  beforeAll(async () => {
    await ensureClientBuilt();
    server = await startTestServer(mode);
  }, 240_000);
  afterAll(async () => {
    await closeBrowser();
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the browser test server is not started yet (use it inside a test or hook)');
    return server;
  };
}
