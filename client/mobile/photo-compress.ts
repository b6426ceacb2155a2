/**
 * Photos from the phone's camera, compressed on the device before they are queued (npm
 * browser-image-compression, loaded only when a photo is taken): JPEG, at most 1920 px on the long side and
 * about 1 MB, EXIF orientation applied. A photo that cannot be brought under the server's limit is refused with
 * a clear message instead of being sent to fail.
 */
/** The server's default PHOTO_MAX_BYTES (10 MB); compressed photos are far below it. */
export const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;
/** Larger originals are refused before decoding (a phone would run out of memory). */
export const ORIGINAL_LIMIT_BYTES = 60 * 1024 * 1024;

export class PhotoRefused extends Error {
  constructor(
    readonly reason: 'too_large' | 'unreadable',
    readonly sizeBytes: number,
  ) {
    super(reason);
  }
}

/** Loads the compression module ahead (a screen that takes photos calls it), so a dead zone cannot stop a photo. */
export function preloadPhotoCompression(): void {
  void import('browser-image-compression').catch(() => {});
}

export async function compressPhoto(file: File): Promise<Blob> {
  if (file.size > ORIGINAL_LIMIT_BYTES) throw new PhotoRefused('too_large', file.size);
  const { default: imageCompression } = await import('browser-image-compression');
  let compressed: Blob;
  try {
    compressed = await imageCompression(file, {
      maxSizeMB: 1,
      maxWidthOrHeight: 1920,
      fileType: 'image/jpeg',
      initialQuality: 0.8,
      useWebWorker: false,
    });
  } catch {
    throw new PhotoRefused('unreadable', file.size);
  }
  if (compressed.size > PHOTO_LIMIT_BYTES) throw new PhotoRefused('too_large', file.size);
  return compressed;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
