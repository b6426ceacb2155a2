/**
 * Label fonts. The style has no glyphs URL, so MapLibre draws labels locally (TinySDF) with the first of
 * these CSS font families the browser has: Noto Sans CJK SC from Debian's fonts-noto-cjk (and the same
 * family on Windows/macOS with Noto installed), then the system's sans-serif, which on a Chinese desktop
 * is a CJK font too. Nothing is downloaded. A "Bold" in the first name selects weight 700.
 */
export const LABEL_FONT = ['Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];
export const LABEL_FONT_BOLD = ['Noto Sans CJK SC Bold', ...LABEL_FONT];
