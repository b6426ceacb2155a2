/**
 * What the vitest globalSetup (tests/global-setup.ts) prepares once per run and hands to the test
 * workers through vitest's provide/inject.
 */
export type TestDatabaseMode = 'embedded' | 'postgres';

export interface TestDatabasesInfo {
  /** The modes prepared for this run, in this order. */
  modes: TestDatabaseMode[];
  embedded?: {
    /** gzip tarball (PGlite dumpDataDir) of a migrated, empty database. */
    emptyDumpPath: string;
    /** gzip tarball of a migrated database seeded with the Xianlin subset. */
    seededDumpPath: string;
  };
  postgres?: {
    port: number;
    version: string;
    /** Migrated, not seeded. */
    emptyTemplate: string;
    /** Migrated and seeded with the Xianlin subset. */
    seededTemplate: string;
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabases: TestDatabasesInfo;
  }
}
