import { defineConfig } from 'vite';

// The client lives in client/; `vite build` writes dist/, which the server serves at /.
export default defineConfig({
  root: 'client',
  build: { outDir: '../dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/ogc': 'http://127.0.0.1:8080' } },
});
