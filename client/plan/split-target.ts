/**
 * Pure geometry for the split tool: which micro-grid a drawn line cuts (the one most of the line's sample points
 * lie in), and snapping a pointer position to the nearest micro-grid edge within a pixel distance (so a line can
 * start and end exactly on existing edges), or else to the nearest road or river bank (snapToLines). Screen positions come from the map's projection, passed in.
 */
type Position = number[];
type Polygonal = { type: string; coordinates?: unknown };

export interface CodedShape {
  properties: { code: string };
  geometry: Polygonal;
}

function rings(geometry: Polygonal): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates as Position[][];
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates as Position[][][]).flat();
  return [];
}

/** Even–odd rule over every ring (holes included). */
export function pointInShape(point: Position, geometry: Polygonal): boolean {
  let inside = false;
  for (const ring of rings(geometry)) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** The unit most of the line's 64 evenly spaced sample points lie in, or null when none. */
export function unitCrossedBy(line: Position[], shapes: readonly CodedShape[]): string | null {
  const lengths = line.slice(1).map((p, i) => Math.hypot(p[0] - line[i][0], p[1] - line[i][1]));
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const votes = new Map<string, number>();
  for (let k = 0; k < 64; k += 1) {
    let along = ((k + 0.5) / 64) * total;
    let i = 0;
    while (i < lengths.length - 1 && along > lengths[i]) along -= lengths[i++];
    const f = lengths[i] === 0 ? 0 : along / lengths[i];
    const point = [line[i][0] + f * (line[i + 1][0] - line[i][0]), line[i][1] + f * (line[i + 1][1] - line[i][1])];
    const hit = shapes.find((s) => pointInShape(point, s.geometry));
    if (hit) votes.set(hit.properties.code, (votes.get(hit.properties.code) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

/** The nearest point on any shape's edges to `pointer` (screen px) within `maxPx`, as lon/lat, or undefined. */
export function snapToEdges(
  pointer: { x: number; y: number },
  shapes: readonly CodedShape[],
  project: (lng: number, lat: number) => { x: number; y: number },
  unproject: (x: number, y: number) => { lng: number; lat: number },
  maxPx: number,
): Position | undefined {
  return snapToLines(
    pointer,
    shapes.flatMap((shape) => rings(shape.geometry)),
    project,
    unproject,
    maxPx,
  );
}

/**
 * The nearest point on any of `lines` (lon/lat polylines: edges' rings, roads, river banks) to `pointer` (screen
 * px) within `maxPx`, as lon/lat, or undefined. Lines whose box lies farther than `maxPx` are skipped whole.
 */
export function snapToLines(
  pointer: { x: number; y: number },
  lines: readonly Position[][],
  project: (lng: number, lat: number) => { x: number; y: number },
  unproject: (x: number, y: number) => { lng: number; lat: number },
  maxPx: number,
): Position | undefined {
  let best: { d: number; x: number; y: number } | null = null;
  for (const line of lines) {
    if (line.length < 2) continue;
    let previous = project(line[0][0], line[0][1]);
    for (let i = 1; i < line.length; i += 1) {
      const next = project(line[i][0], line[i][1]);
      const dx = next.x - previous.x;
      const dy = next.y - previous.y;
      if (
        Math.min(previous.x, next.x) - maxPx <= pointer.x &&
        pointer.x <= Math.max(previous.x, next.x) + maxPx &&
        Math.min(previous.y, next.y) - maxPx <= pointer.y &&
        pointer.y <= Math.max(previous.y, next.y) + maxPx
      ) {
        const length2 = dx * dx + dy * dy;
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((pointer.x - previous.x) * dx + (pointer.y - previous.y) * dy) / length2));
        const x = previous.x + t * dx;
        const y = previous.y + t * dy;
        const d = Math.hypot(pointer.x - x, pointer.y - y);
        if (d <= maxPx && (!best || d < best.d)) best = { d, x, y };
      }
      previous = next;
    }
  }
  if (!best) return undefined;
  const { lng, lat } = unproject(best.x, best.y);
  return [lng, lat];
}
