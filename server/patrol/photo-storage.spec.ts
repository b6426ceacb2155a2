/** Photos are decoded and re-encoded (issue 18): a file that only starts like a JPEG is refused; metadata is stripped. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { checkPhoto } from './photo-storage.js';

const asUpload = (buffer: Buffer) => ({ buffer, size: buffer.length }) as Express.Multer.File;

describe('checkPhoto', () => {
  it('refuses a 122-byte file of FF D8 FF E0 and zeros with 415 photo_not_decodable', async () => {
    const fake = Buffer.alloc(122);
    fake.set([0xff, 0xd8, 0xff, 0xe0]);
    const refused = await checkPhoto(asUpload(fake)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 415, code: 'photo_not_decodable' });
  });

  it('re-encodes a real JPEG without its EXIF (GPS) metadata, upright', async () => {
    const original = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c33' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-owner' } } })
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const checked = await checkPhoto(asUpload(original));
    expect(checked.mime).toBe('image/jpeg');
    const meta = await sharp(checked.buffer).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    // Orientation 6 (rotate 90°) applied to the pixels: 20 × 40 now.
    expect([meta.width, meta.height]).toEqual([20, 40]);
    expect(checked.buffer.includes(Buffer.from('secret-owner'))).toBe(false);
  });

  it('keeps PNG and WebP as they are typed', async () => {
    for (const format of ['png', 'webp'] as const) {
      const blank = sharp({ create: { width: 8, height: 8, channels: 4, background: '#08f8' } });
      const image = await (format === 'png' ? blank.png() : blank.webp()).toBuffer();
      const checked = await checkPhoto(asUpload(image));
      expect(checked.mime).toBe(`image/${format}`);
      expect((await sharp(checked.buffer).metadata()).format).toBe(format);
    }
  });
});
