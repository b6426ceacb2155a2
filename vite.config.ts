import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { fieldServiceWorker } from './scripts/build/field-service-worker-plugin.js';

// The client lives in client/; `vite build` writes dist/, which the server serves at /.
// Pages: the console (index.html) and the browser benchmark's pages (bench/: the plain-MapLibre baseline
// and the console map alone), see scripts/bench/measure-browser.ts.
export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        main: resolve(import.meta.dirname, 'client/index.html'),
        plan: resolve(import.meta.dirname, 'client/plan.html'),
        benchBaseline: resolve(import.meta.dirname, 'client/bench/baseline.html'),
        benchConsoleMap: resolve(import.meta.dirname, 'client/bench/console-map.html'),
        // The screens (client/screens): served as /screen/big/ and /screen/mid/ (dist/screen/*/index.html).
        screenBig: resolve(import.meta.dirname, 'client/screen/big/index.html'),
        screenMid: resolve(import.meta.dirname, 'client/screen/mid/index.html'),
        // The field app (/m) and the citizens' page (/report): server/app.ts serves them at those paths.
        mobile: resolve(import.meta.dirname, 'client/mobile/index.html'),
        report: resolve(import.meta.dirname, 'client/report/index.html'),
      },
    },
  },
  plugins: [
    fieldServiceWorker({
      page: 'client/mobile/index.html',
      worker: 'client/mobile/service-worker.ts',
      pageUrl: '/m/',
      extraUrls: ['/m/manifest.webmanifest'],
    }),
  ],
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/ogc': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080' } },
});
