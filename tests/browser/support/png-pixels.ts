/**
 * Pixels of a PNG screenshot, for browser tests that look at what is drawn: a small decoder for the PNGs
 * Chromium writes (8-bit greyscale, RGB or RGBA, non-interlaced; every row filter), and colour counts.
 */
import zlib from 'node:zlib';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, rows top to bottom. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Buffer): Pixels {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [bitDepth, colourType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      channels = CHANNELS[colourType] ?? 0;
      if (bitDepth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`unsupported PNG: depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? rows[out + x - channels] : 0;
      const up = y > 0 ? rows[out - stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? rows[out - stride + x - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`bad PNG row filter ${filter}`);
      rows[out + x] = (line[x] + predictor) & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    if (channels >= 3) {
      rgba.set([rows[s], rows[s + 1], rows[s + 2], channels === 4 ? rows[s + 3] : 255], i * 4);
    } else {
      rgba.set([rows[s], rows[s], rows[s], channels === 2 ? rows[s + 1] : 255], i * 4);
    }
  }
  return { width, height, rgba };
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** How many pixels lie within `tolerance` (Euclidean RGB distance) of the colour. */
export function countNear(pixels: Pixels, hex: string, tolerance = 24): number {
  const [r, g, b] = hexToRgb(hex);
  const limit = tolerance * tolerance;
  let count = 0;
  for (let i = 0; i < pixels.rgba.length; i += 4) {
    const dr = pixels.rgba[i] - r;
    const dg = pixels.rgba[i + 1] - g;
    const db = pixels.rgba[i + 2] - b;
    if (dr * dr + dg * dg + db * db <= limit) count++;
  }
  return count;
}

/** Share of pixels that differ (any channel by more than `threshold`) between two images of one size. */
export function differingShare(a: Pixels, b: Pixels, threshold = 16): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let differing = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    if (
      Math.abs(a.rgba[i] - b.rgba[i]) > threshold ||
      Math.abs(a.rgba[i + 1] - b.rgba[i + 1]) > threshold ||
      Math.abs(a.rgba[i + 2] - b.rgba[i + 2]) > threshold
    )
      differing++;
  }
  return differing / (a.width * a.height);
}

/** `over` at `alpha` over `under`, as '#rrggbb' (a translucent colour as the screen shows it). */
export function mix(under: string, over: string, alpha: number): string {
  const [a, b] = [hexToRgb(under), hexToRgb(over)];
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(a[i] * (1 - alpha) + b[i] * alpha)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The mean x of the pixels within `tolerance` of the colour, or null when fewer than `atLeast` are. */
export function centreXNear(pixels: Pixels, hex: string, tolerance = 30, atLeast = 10): number | null {
  const [r, g, b] = hexToRgb(hex);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < pixels.rgba.length; i += 4) {
    if (Math.hypot(pixels.rgba[i] - r, pixels.rgba[i + 1] - g, pixels.rgba[i + 2] - b) <= tolerance) {
      sum += (i / 4) % pixels.width;
      n++;
    }
  }
  return n >= atLeast ? sum / n : null;
}

/** Pixels clearly red (red well above green and blue): a busy micro-grid's load tint, red incidents. */
export function reddish(pixels: Pixels): number {
  let n = 0;
  for (let i = 0; i < pixels.rgba.length; i += 4) if (pixels.rgba[i] > pixels.rgba[i + 1] + 60 && pixels.rgba[i] > pixels.rgba[i + 2] + 60) n++;
  return n;
}
