/**
 * The camera button and thumbnails of taken photos: `<input type=file accept=image/* capture=environment>`
 * opens the phone's camera; each photo is compressed on the device before it is kept (photo-compress.ts).
 */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import { compressPhoto, formatBytes, PhotoRefused, PHOTO_LIMIT_BYTES, preloadPhotoCompression } from './photo-compress.js';

export interface PhotoPicker {
  element: HTMLElement;
  blobs(): Blob[];
  clear(): void;
}

export function photoPicker(feedback: { toast(text: string, kind?: 'info' | 'error'): void }, options: { max?: number } = {}): PhotoPicker {
  const max = options.max ?? 4;
  preloadPhotoCompression();
  const kept: { blob: Blob; url: string }[] = [];
  const input = el('input', {
    testId: 'photo-input',
    attrs: { type: 'file', accept: 'image/*', capture: 'environment', 'aria-label': t('m.addPhoto') },
  });
  const status = el('span', { className: 'muted', attrs: { 'aria-live': 'polite' } });
  const thumbs = el('div', { className: 'm-thumbs', testId: 'photo-thumbs' });
  const render = () => {
    replaceChildren(
      thumbs,
      kept.map((k, i) => el('img', { attrs: { src: k.url, alt: `${t('m.addPhoto')} ${i + 1}`, width: 72, height: 72 } })),
    );
    status.textContent = kept.length ? t('m.photoCount', { count: kept.length }) : '';
  };
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file || kept.length >= max) return;
    status.textContent = t('m.compressing');
    try {
      const blob = await compressPhoto(file);
      kept.push({ blob, url: URL.createObjectURL(blob) });
    } catch (error) {
      const text =
        error instanceof PhotoRefused && error.reason === 'too_large'
          ? t('m.photoTooLarge', { size: formatBytes(error.sizeBytes), max: formatBytes(PHOTO_LIMIT_BYTES) })
          : t('m.photoUnreadable');
      feedback.toast(text, 'error');
    }
    render();
  });
  const button = el('label', { className: 'm-button m-photo-button' }, [t('m.addPhoto'), input]);
  return {
    element: el('div', { className: 'm-photos' }, [button, status, thumbs]),
    blobs: () => kept.map((k) => k.blob),
    clear() {
      kept.forEach((k) => URL.revokeObjectURL(k.url));
      kept.length = 0;
      render();
    },
  };
}
