// What global-setup.ts provides to every test file through vitest's inject().
declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test server (used to create and drop databases). */
    testServerUrl: string;
    /** Name of the migrated template database that test databases are cloned from. */
    testTemplateDatabase: string;
  }
}

export {};
