// Values the global set-ups hand to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    /** The workflow suite's time-skipping servers: each harness claims one for itself. */
    timeSkippingAddresses: string[];
    /** Where harnesses claim a server (one file per claimed index). */
    timeSkippingClaimDir: string;
    /** A real Temporal dev server (no time skipping) beside the time-skipping ones. */
    devServerAddress: string;
    workflowBundlePath: string;
    stack: {
      apiUrl: string;
      simulatorUrl: string;
      temporalAddress: string;
      /** Temporal Web (http://localhost:<port>), decrypting through the API's codec. */
      temporalWebUrl: string;
      /** The database owner's URL: tests read and arrange data with it. */
      databaseUrl: string;
      /** The app role's URL (db/app-role.ts), which the API and the worker use. */
      appDatabaseUrl: string;
      partnerDatabaseUrl: string;
      /** The installation's generated callback secrets (security/local-secrets.ts). */
      bankCallbackSecret: string;
      gatewayCallbackSecret: string;
      dataDir: string;
      dataKeyFile: string;
      taskQueue: string;
      /** Each API process's own address (two on the cluster suite's stack). */
      apiProcessUrls: string[];
      /** Worker processes the stack runs. */
      workerNames: string[];
    };
  }
}
export {};
