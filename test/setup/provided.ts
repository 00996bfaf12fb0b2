// Values the global set-ups hand to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    timeSkippingAddress: string;
    /** A real Temporal dev server (no time skipping) beside the time-skipping one. */
    devServerAddress: string;
    /** A time-skipping server of its own for the deploy drill. */
    isolatedTimeSkippingAddress: string;
    workflowBundlePath: string;
    stack: {
      apiUrl: string;
      simulatorUrl: string;
      temporalAddress: string;
      /** Temporal Web (http://localhost:<port>), decrypting through the API's codec. */
      temporalWebUrl: string;
      databaseUrl: string;
      partnerDatabaseUrl: string;
      dataDir: string;
      dataKeyFile: string;
      taskQueue: string;
    };
  }
}
export {};
