/** The view a bench or test page opens on, from its URL: ?lon=&lat=&zoom= (default: 仙林街道 at micro-grid zoom). */
export interface BenchView {
  lon: number;
  lat: number;
  zoom: number;
}

export const XIANLIN_VIEW: BenchView = { lon: 118.93, lat: 32.105, zoom: 15 };

export function viewFromUrl(search: string): BenchView {
  const params = new URLSearchParams(search);
  const number = (key: keyof BenchView, min: number, max: number) => {
    const value = Number(params.get(key));
    return params.has(key) && Number.isFinite(value) && value >= min && value <= max ? value : XIANLIN_VIEW[key];
  };
  return { lon: number('lon', -180, 180), lat: number('lat', -85, 85), zoom: number('zoom', 0, 22) };
}
