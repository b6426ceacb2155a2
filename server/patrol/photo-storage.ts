/**
 * Photos on disk: the upload middleware (multer, in memory, size-limited), the type check by magic bytes
 * (JPEG, PNG, WebP only — what the client claims is ignored), and the file under UPLOAD_DIR with a random
 * name. The row that records it is written after the file; when that transaction fails the file is removed
 * again (`withStoredPhoto`), so there is never a row without its file, and no orphan file is kept.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';
import sharp from 'sharp';
import { AppError } from '../errors/app-error.js';
import { findTextProblem, textRefusal } from '../http/text-sanitation.js';

export const PHOTO_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;
export type PhotoMime = keyof typeof PHOTO_TYPES;

/** multipart/form-data with at most one file in the field `photo`; text fields stay small. */
export function photoUpload(maxBytes: number): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 12, fieldSize: 4096, parts: 14 },
  }).single('photo');
  return (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (!error) {
        // The multipart text fields pass the same seam as JSON bodies (server/http/text-sanitation.ts).
        const problem = findTextProblem(req.body, 'body');
        return next(problem ? textRefusal(problem) : undefined);
      }
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') {
          return next(new AppError(413, 'photo_too_large', `The photo is larger than ${maxBytes} bytes`, { maxBytes }));
        }
        return next(new AppError(400, 'invalid_upload', `The upload was refused: ${error.message}`, { reason: error.code }));
      }
      next(new AppError(400, 'invalid_upload', 'The upload could not be read as multipart/form-data'));
    });
  };
}

export interface CheckedPhoto {
  buffer: Buffer;
  mime: PhotoMime;
  extension: string;
}

/** Largest image accepted in pixels (a decompression bomb is refused before it is decoded). */
export const PHOTO_MAX_PIXELS = 50_000_000;

/**
 * The uploaded file's real type from its first bytes (JPEG, PNG or WebP, else 415), then the image itself:
 * decoded by sharp (libvips, off the event loop), turned upright by its EXIF orientation and encoded again
 * in the same format. What is stored is the re-encoded image, without any metadata (EXIF, GPS, XMP, ICC
 * comments): sharp keeps none unless asked. A file that only starts like an image is 415 photo_not_decodable.
 */
export async function checkPhoto(file: Express.Multer.File | undefined): Promise<CheckedPhoto> {
  if (!file || file.size === 0) throw new AppError(400, 'photo_required', 'Attach one photo in the form field "photo"');
  const type = await fileTypeFromBuffer(file.buffer);
  const mime = type?.mime as PhotoMime | undefined;
  if (!mime || !(mime in PHOTO_TYPES)) {
    throw new AppError(415, 'photo_type_unsupported', 'Only JPEG, PNG and WebP photos are accepted', { detected: type?.mime ?? null });
  }
  let buffer: Buffer;
  try {
    const image = sharp(file.buffer, { failOn: 'error', limitInputPixels: PHOTO_MAX_PIXELS }).rotate();
    const encoded =
      mime === 'image/jpeg' ? image.jpeg({ quality: 85, mozjpeg: false }) : mime === 'image/png' ? image.png() : image.webp({ quality: 85 });
    buffer = await encoded.toBuffer();
  } catch {
    throw new AppError(415, 'photo_not_decodable', 'The photo could not be decoded as a JPEG, PNG or WebP image', { detected: mime });
  }
  return { buffer, mime, extension: PHOTO_TYPES[mime] };
}

export interface StoredPhoto {
  /** Relative to the upload directory, e.g. 2026/11/0f3c….jpg. */
  storagePath: string;
  mime: PhotoMime;
  sizeBytes: number;
  sha256: string;
}

/** The absolute path of a stored photo, refusing anything that would leave the upload directory. */
export function photoFilePath(uploadDir: string, storagePath: string): string {
  const root = path.resolve(uploadDir);
  const file = path.resolve(root, storagePath);
  if (!file.startsWith(root + path.sep)) throw new AppError(500, 'internal_error', 'photo path outside the upload directory');
  return file;
}

async function storePhoto(uploadDir: string, photo: CheckedPhoto, now: Date): Promise<StoredPhoto> {
  const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const storagePath = `${month}/${crypto.randomBytes(16).toString('hex')}.${photo.extension}`;
  const file = photoFilePath(uploadDir, storagePath);
  await fs.mkdir(path.dirname(file), { recursive: true });
  // 'wx': never overwrite (a random name colliding is a bug, not something to paper over).
  await fs.writeFile(file, photo.buffer, { flag: 'wx', mode: 0o640 });
  return { storagePath, mime: photo.mime, sizeBytes: photo.buffer.length, sha256: crypto.createHash('sha256').update(photo.buffer).digest('hex') };
}

/**
 * Write the file, then run `record` (the transaction that writes its row); when `record` fails, remove the
 * file and pass the error on.
 */
export async function withStoredPhoto<T>(uploadDir: string, photo: CheckedPhoto, now: Date, record: (stored: StoredPhoto) => Promise<T>): Promise<T> {
  const stored = await storePhoto(uploadDir, photo, now);
  try {
    return await record(stored);
  } catch (error) {
    await fs.rm(photoFilePath(uploadDir, stored.storagePath), { force: true });
    throw error;
  }
}
