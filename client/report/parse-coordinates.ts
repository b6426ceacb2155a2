/** "118.93,32.10" (or with a space, a full-width comma) → {lon, lat} within range, else null. Pure. */
export function parseCoordinates(text: string): { lon: number; lat: number } | null {
  const match = /^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*([-+]?\d{1,2}(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const lon = Number(match[1]);
  const lat = Number(match[2]);
  return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 ? { lon, lat } : null;
}
