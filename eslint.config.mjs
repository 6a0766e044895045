import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Values reach Graph URLs only through shared/graph/odata.ts: `graphPath` for paths, `ODataFilter` for `$filter`.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='api'][arguments.0.type='TemplateLiteral']",
          message: 'Build Graph paths with graphPath`...` (shared/graph/odata.ts) so every value is percent-encoded.',
        },
        {
          selector: "CallExpression[callee.property.name='filter'][arguments.0.type=/^(TemplateLiteral|Literal|BinaryExpression)$/]",
          message: 'Build $filter with ODataFilter (shared/graph/odata.ts) and pass its .query: values need OData quoting and URL encoding.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', Buffer: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
