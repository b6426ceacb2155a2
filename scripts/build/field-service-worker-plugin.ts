/**
 * Vite plugin: the field app's service worker (client/mobile/service-worker.ts) built with the client as one more
 * chunk, written to dist/m/sw.js (served at /m/sw.js, so its scope is /m/), with `self.__WB_MANIFEST` replaced
 * by the precache list of the field app: its page (as /m, revisioned by its content), every script and style the
 * page loads, including the lazily loaded map and photo compression, and the web app manifest. Hashed file names
 * need no revision. A module service worker (registered with type: 'module'), so it may share chunks.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { Plugin } from 'vite';

interface Options {
  /** The field app's HTML entry, e.g. client/mobile/index.html. */
  page: string;
  /** The service worker's source. */
  worker: string;
  /** The URL the page is served at (/m). */
  pageUrl: string;
  /** Files of the public directory to precache as well (URLs). */
  extraUrls?: string[];
}

type OutputChunk = {
  type: 'chunk';
  code: string;
  imports: string[];
  dynamicImports: string[];
  facadeModuleId: string | null;
  fileName: string;
  viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
};
type OutputAsset = { type: 'asset'; fileName: string; source: string | Uint8Array };

export function fieldServiceWorker(options: Options): Plugin {
  const swFile = 'm/sw.js';
  return {
    name: 'gridops-field-service-worker',
    apply: 'build',
    enforce: 'post',
    buildStart() {
      this.emitFile({ type: 'chunk', id: path.resolve(options.worker), fileName: swFile });
    },
    generateBundle(_output, bundle) {
      const items = Object.values(bundle) as Array<OutputChunk | OutputAsset>;
      const page = path.resolve(options.page);
      const entry = items.find((i): i is OutputChunk => i.type === 'chunk' && i.facadeModuleId !== null && path.resolve(i.facadeModuleId) === page);
      const html = items.find((i): i is OutputAsset => i.type === 'asset' && path.resolve('client', i.fileName) === page);
      if (!entry || !html) {
        throw new Error(
          `field service worker: the page ${options.page} is not in the build (${items.map((i) => `${i.fileName}:${i.type === 'chunk' ? i.facadeModuleId : ''}`).join(', ')})`,
        );
      }
      const files = new Set<string>();
      const visit = (fileName: string) => {
        if (files.has(fileName)) return;
        files.add(fileName);
        const chunk = bundle[fileName] as OutputChunk | OutputAsset | undefined;
        if (!chunk || chunk.type !== 'chunk') return;
        for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
        for (const asset of chunk.viteMetadata?.importedAssets ?? []) files.add(asset);
        for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
      };
      visit(entry.fileName);
      const pageRevision = crypto.createHash('sha256').update(html.source).digest('hex').slice(0, 16);
      const manifest = [
        { url: options.pageUrl, revision: pageRevision },
        ...[...files].sort().map((f) => ({ url: `/${f}`, revision: null })),
        ...(options.extraUrls ?? []).map((url) => ({ url, revision: pageRevision })),
      ];
      const sw = bundle[swFile] as OutputChunk | undefined;
      if (!sw || sw.type !== 'chunk' || !sw.code.includes('self.__WB_MANIFEST'))
        throw new Error('field service worker: self.__WB_MANIFEST not found in the worker');
      sw.code = sw.code.replace('self.__WB_MANIFEST', JSON.stringify(manifest));
    },
  };
}
