import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// Layering (docs/architecture.md): renderer → shared; main → core → shared; workers → core →
// shared. Only src/main/electron (and the preload, which is the Electron bridge) import
// 'electron'; core and shared import no host; nothing imports the renderer.
const electron = { name: 'electron', message: "Only src/main/electron and src/preload may import 'electron'." }
const noRenderer = { group: ['**/renderer/**', '**/renderer'], message: 'Nothing imports the renderer.' }
const noMain = { group: ['**/main/**', '**/main'], message: 'core, shared, workers and renderer must not import the host (src/main).' }
const noWorkers = { group: ['**/workers/**'], message: 'Workers are entry points; share code through src/core.' }
const noCore = { group: ['**/core/**', '**/core'], message: 'Only main and workers use src/core.' }
const noNode = { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'better-sqlite3', 'ws', 'ccxt'], message: 'src/shared runs everywhere (renderer included): no Node or host libraries.' }
const restrict = (paths, patterns) => ['error', { paths, patterns }]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tools/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Node globals everywhere but the renderer, which runs in a browser (tsconfig.web.json agrees).
  { ignores: ['src/renderer/**'], languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrict([electron], [noRenderer])
    }
  },
  { files: ['src/main/electron/**', 'src/preload/**'], rules: { 'no-restricted-imports': restrict([], [noRenderer]) } },
  { files: ['src/shared/**'], rules: { 'no-restricted-imports': restrict([electron], [noRenderer, noMain, noCore, noWorkers, noNode]) } },
  { files: ['src/core/**'], rules: { 'no-restricted-imports': restrict([electron], [noRenderer, noMain, noWorkers]) } },
  { files: ['workers/**'], rules: { 'no-restricted-imports': restrict([electron], [noRenderer, noMain]) } },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict([electron], [noMain, noCore, noWorkers, { group: ['node:*'], message: 'The renderer runs in a browser.' }]),
      // typescript-eslint leaves undefined names to the compiler (tsconfig.web.json has no Node types); say it here too.
      'no-restricted-globals': ['error', ...['process', 'require', 'Buffer', '__dirname', '__filename', 'global'].map((name) => ({ name, message: 'The renderer runs in a browser: no Node globals.' }))]
    }
  },
  // The renderer's own unit tests are the one place allowed to import it.
  { files: ['test/unit/renderer/**'], rules: { 'no-restricted-imports': restrict([electron], []) } },
  { files: ['scripts/**/*.js', 'bin/**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } }
)
