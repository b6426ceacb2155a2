/**
 * Issue 18: a street's callers read the units above their jurisdiction (their district) by name only — code,
 * level and name, never the record or its geometry — while their own units come whole. Both modes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(testDatabaseModes())('parent unit by name only on %s', (mode) => {
  let server: TestServer;
  let street: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(mode);
    street = await signIn(server.baseUrl, 'dispatcher.xianlin');
  });
  afterAll(() => server.close());

  const get = async (path: string) => (await fetch(`${server.baseUrl}${path}`, { headers: street })).json();

  it('gives the parent district its name only, in every unit route', async () => {
    const district = await get('/api/units/320113?geometry=true');
    expect(district).toEqual({ code: '320113', level: 'district', name: expect.any(String), nameOnly: true });
    const children = await get('/api/units/320113/children');
    expect(children.parent).toEqual({ code: '320113', level: 'district', name: district.name, nameOnly: true });
    const own = await get('/api/units/320113007?geometry=true');
    expect(own).toMatchObject({ code: '320113007', level: 'street', labelPoint: [expect.any(Number), expect.any(Number)] });
    expect(own.nameOnly).toBeUndefined();
    const ancestors = await get('/api/units/320113007/ancestors');
    expect(ancestors.ancestors.find((a: { code: string }) => a.code === '320113')).toEqual({
      code: '320113',
      level: 'district',
      name: district.name,
      nameOnly: true,
    });
    const search = await get(`/api/units/search?q=${encodeURIComponent(district.name)}`);
    for (const u of search.units.filter((x: { code: string }) => x.code === '320113'))
      expect(Object.keys(u).sort()).toEqual(['code', 'level', 'name', 'nameOnly']);
  });
});
