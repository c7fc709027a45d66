// Lint, including the architecture's import boundaries:
//  - only src-main/electron imports 'electron';
//  - the renderer imports nothing from Node, the AWS SDK or src-main, except `import type` from src-main/api;
//  - service folders (src-main/<service>/) do not reach into each other: another service only through its
//    index.ts; main code reaches the sandbox only through host, endpoints and credentials; an emulator
//    (src-main/sandbox/<service>/) reaches another emulator only through its index.ts, and main code not at
//    all except the shared api/ and core/. The composition root (src-main/app-services.ts) wires them.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)]

/** Folders of the service list (src-main/api/services.ts), plus transfers, S3's transfer engine. */
const serviceFolders = ['s3', 'sts', 'cloudfront', 'route53', 'codepipeline', 'cloudwatch', 'transfers']
const emulatorFolders = ['s3', 'sts', 'cloudfront', 'route53', 'codepipeline', 'cloudwatch']
const noElectron = {
  name: 'electron',
  message: "Only src-main/electron may import 'electron'; hand Electron's pieces in through constructors.",
}
const up = '(\\./|(\\.\\./)+)'
const sandboxInternals = {
  regex: `^${up}sandbox/(?!(host|endpoints|credentials)$)`,
  message:
    'Main reaches the sandbox only through sandbox/host, sandbox/endpoints and sandbox/credentials; emulators run in their own process.',
}
const otherServiceInternals = (self) => ({
  regex: `^${up}(${serviceFolders.filter((folder) => folder !== self).join('|')})/(?!index$)`,
  message: 'A service folder uses another service only through its index.ts, never its internals; compose services in app-services.ts.',
})
const mainBoundaries = (patterns) => ['error', { paths: [noElectron], patterns: [sandboxInternals, ...patterns] }]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'bench-results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**', 'src-main/sandbox/**'],
    rules: { '@typescript-eslint/no-restricted-imports': mainBoundaries([]) },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [sandboxInternals] }] },
  },
  ...serviceFolders.map((folder) => ({
    files: [`src-main/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': mainBoundaries([otherServiceInternals(folder)]) },
  })),
  {
    files: ['src-main/sandbox/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  ...emulatorFolders.map((folder) => ({
    files: [`src-main/sandbox/${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              regex: `^\\.\\./(${emulatorFolders.filter((other) => other !== folder).join('|')})/(?!index$)`,
              message: 'An emulator uses another emulator only through its index.ts (e.g. the S3 store for CloudWatch metrics).',
            },
            {
              regex: '^\\.\\./\\.\\./(?!(api|core)/)',
              message: "Emulators are the sandbox's own: from main they may use only the shared api/ and core/.",
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['src-main/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The contract is shared with the renderer; keep Electron out of it.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The contract is shared with the renderer; keep Node out of it.' })),
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches main only through window.haneul.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is a sandboxed web page: no Node modules.' })),
          ],
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'The renderer never talks to AWS; call main through the contract.' },
            { regex: 'src-main/api(/|$)', allowTypeImports: true, message: 'Import the contract with `import type` only.' },
            { regex: 'src-main/(?!api(/|$))', message: 'The renderer may only `import type` from src-main/api.' },
          ],
        },
      ],
    },
  },
  prettier,
)
