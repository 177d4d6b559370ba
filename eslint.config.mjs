// A small rule set: the recommended rules of ESLint and typescript-eslint (syntax only, no type
// information, so it runs in seconds), plus the few habits the project keeps. `npm test` runs it.
//
// typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 does not ship: the
// `typescript` package here is TypeScript 6 (`@typescript/typescript6`) for the linter, and
// `tsc` comes from TypeScript 7 (`@typescript/native`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.test-run/**', '.vscode-test/**', 'test/fixtures/**', 'bench/results/**', 'media/report.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are tsc's (noUnusedLocals, noUnusedParameters), with its own conventions.
      '@typescript-eslint/no-unused-vars': 'off',
      // `ready && resolve()` in callbacks reads fine.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      eqeqeq: ['error', 'always'],
      // Hostile input is matched for control characters on purpose.
      'no-control-regex': 'off',
      // `let x = fallback; try { x = read() } catch { ... }` is the house form.
      'no-useless-assignment': 'off',
    },
  },
  {
    // Fake servers answer in comma sequences (`c.send(a), c.close()`); harness errors carry text only.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', 'preserve-caught-error': 'off' },
  },
  {
    // The pure core never imports the editor.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is plain Node: no vscode import.' }] }] },
  },
  {
    // The extension logs through its output channel, not the console.
    files: ['src/extension/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    // Node's globals, for the build and test scripts.
    languageOptions: {
      globals: Object.fromEntries(['process', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'Buffer', 'performance', 'fetch', 'AbortController', 'AbortSignal'].map((name) => [name, 'readonly'])),
    },
  },
);
