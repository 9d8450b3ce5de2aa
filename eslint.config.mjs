// Lint: typescript-eslint's recommended rules; Prettier owns the layout (eslint-config-prettier turns off what it sets).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdktf.out/',
      'coverage/',
      '.tools/',
      '.venv/',
      'state/',
      'bench/results/',
      'bench/blueprints/',
      'charts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Unused arguments named with a leading underscore are part of an interface.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests (and the controller supervisor they run with) read synthesized JSON and Kubernetes objects,
    // whose shape they assert rather than type.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/controllers/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
