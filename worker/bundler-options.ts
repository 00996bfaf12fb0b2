import type { BundleOptions } from '@temporalio/worker';

/**
 * Workflow sources are ESM TypeScript whose relative imports end in `.js`; webpack must try the
 * `.ts` file first, as tsc does.
 */
export const bundlerOptions: Pick<BundleOptions, 'webpackConfigHook' | 'ignoreModules'> = {
  webpackConfigHook: (config) => ({
    ...config,
    resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
  }),
};
