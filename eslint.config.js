// ESLint: typescript-eslint's type-checked recommendations over every TypeScript file that
// tsconfig.json covers, plus the browser scripts in ui/assets and the plain Node scripts.
// `npm run lint` fails on an error and prints warnings; `npm run lint:fix` applies the fixable
// rules (type-only imports among them) and then the formatter.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      'data/**',
      '.test-data/**',
      'test-artifacts/**',
      'build/**',
      'bench/out/**',
      'bench/results/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `import type` for what is only a type, so the workflow bundle and the activities never load
      // each other's modules for a type. Fixable: `eslint --fix` rewrites the imports.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      // Off: an async function without `await` is how this code meets a Promise-returning contract
      // (update handlers, payload codec, partner fakes, throttles). Dropping `async` would turn a
      // rejected promise into a synchronous throw for every caller.
      '@typescript-eslint/require-await': 'off',
      // A long function is a hint to split it, not a failure.
      'max-lines-per-function': ['warn', { max: 70, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // The SDK's setHandler does not infer an update validator's argument types from the update's
    // definition (its `Args` falls back to any[]), so every validator's parameter is `any` to the
    // checker although the SDK calls it with the handler's arguments. Only this rule, only here.
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // Tests read JSON response bodies (typed `any` by fetch and Hono) and assert their shape field
    // by field: the assertions are the type check, so the any-propagation rules are off here only.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['ui/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
