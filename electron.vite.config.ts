import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          // The sandbox runs in its own process; built as a separate entry.
          sandbox: resolve('src-main/sandbox/process-entry.ts'),
          // CloudFront log parsing runs in worker threads (src-main/cloudfront/log-analysis/worker-pool.ts finds it).
          'cloudfront-log-worker': resolve('src-main/cloudfront/log-analysis/worker.ts'),
          // Prefix scans run in a worker thread (src-main/costs/scan-worker-host.ts finds it).
          'costs-scan-worker': resolve('src-main/costs/scan-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot require node_modules or load ESM: bundle everything into one CJS file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: resolve('src-renderer/index.html') },
    },
    define: {
      // vue-i18n: no legacy API, no runtime message compiler that would need eval under our CSP.
      __VUE_I18N_LEGACY_API__: 'false',
      __VUE_I18N_FULL_INSTALL__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  },
})
