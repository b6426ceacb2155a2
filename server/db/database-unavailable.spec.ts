/**
 * A database that is not there (restart, shutdown, connection refused or lost) reads as "unavailable": the pg driver
 * gives such failures a class-08 SQLSTATE, and DatabaseError.isUnavailable (503 database_unavailable in the error
 * middleware) covers class 08 and the shutdown states. Pure: no database (the restart itself is
 * server/cluster/database-restart.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { DatabaseError } from './database.js';
import { sqlStateOf } from './pg-driver.js';

describe('database unavailability', () => {
  it('gives socket failures a class-08 SQLSTATE and keeps the server’s own', () => {
    expect(sqlStateOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('08001');
    expect(sqlStateOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe('08006');
    expect(sqlStateOf(new Error('Connection terminated unexpectedly'))).toBe('08006');
    expect(sqlStateOf(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('57P01');
    expect(sqlStateOf(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('23505');
    expect(sqlStateOf(new Error('something else'))).toBeUndefined();
  });

  it('counts class 08 and the shutdown states as unavailable, nothing else', () => {
    const unavailable = (state: string | undefined) => new DatabaseError('s', state, 'm').isUnavailable;
    for (const state of ['08000', '08001', '08003', '08006', '57P01', '57P02', '57P03']) expect(unavailable(state)).toBe(true);
    for (const state of ['57014', '23505', '40001', '25006', '57P04', undefined]) expect(unavailable(state)).toBe(false);
  });
});
