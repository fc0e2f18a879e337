// Lint runs as part of `npm test`; type-aware rules stay off to keep it fast.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e/**', 'bin/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The pure core must never depend on the editor.
    files: [
      'extension/tracking/**/*.ts', 'extension/registry/**/*.ts', 'extension/cli/**/*.ts', 'language-server/**/*.ts',
      'extension/projects/{core,python,system}/**/*.ts',
      // The pure side of the tree views and lifecycle (issue 5): unit-tested without VS Code.
      'extension/client/**/*.ts', 'extension/server/{sessionState,workspaceSession,storeWorker,storeWorkerHost,storeWorkerProtocol}.ts',
      'extension/views/{format,childrenCache,paging,refreshScheduler,treeItemSpec,sessionRef}.ts',
      'extension/experiments/{trackingNodes,experimentChildren}.ts', 'extension/runs/runItems.ts', 'extension/models/{modelItems,modelChildren}.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The core is editor-free; wire it in extension/*/vscode glue instead.' }] }] },
  },
);
