/** What a search text asks for: coordinates, an incident number, or a unit name / code. */
export type SearchQuery =
  { kind: 'coordinates'; lon: number; lat: number } | { kind: 'incident'; number: string } | { kind: 'unit'; text: string } | { kind: 'empty' };

const PAIR = /^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/;
const NUMBER = /^\s*(NJ\d{8}-\d{7,})\s*$/i;

export function parseSearch(text: string): SearchQuery {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'empty' };
  const number = NUMBER.exec(trimmed);
  if (number) return { kind: 'incident', number: number[1].toUpperCase() };
  const pair = PAIR.exec(trimmed);
  if (pair) {
    let lon = Number(pair[1]);
    let lat = Number(pair[2]);
    // "32.10, 118.93" (latitude first, as many people type it) is unambiguous in China.
    if (Math.abs(lon) <= 90 && Math.abs(lat) > 90) [lon, lat] = [lat, lon];
    if (Math.abs(lon) <= 180 && Math.abs(lat) <= 90) return { kind: 'coordinates', lon, lat };
  }
  return { kind: 'unit', text: trimmed.slice(0, 50) };
}
