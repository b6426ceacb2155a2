/**
 * Read the real road graph of Nanjing (yzengal/RoadNetwork-China-City, OSM Feb 2021) from the three
 * gzipped tarballs in data/nanjing/roads, in memory (no `tar` process).
 *
 * Formats, as checked on the files:
 *   Nanjing.co      5 lines "# …", one count line "146839", then one "lat lon" line per vertex;
 *                   the vertex id is the 0-based index of that line among the vertex lines.
 *   Nanjing.road-d  5 lines "# …", then one "u v metres" line per directed edge (no count line).
 *   Nanjing.road-t  the same edges in the same order as "u v seconds".
 * Every edge is present in both directions. The edge id is the 0-based index of its line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';

export interface RoadGraph {
  /** Indexed by vertex id. */
  lon: Float64Array;
  lat: Float64Array;
  /** Indexed by edge id. */
  source: Int32Array;
  target: Int32Array;
  lengthM: Float64Array;
  travelTimeS: Float64Array;
}

/** The text of the single regular file inside a .tar.gz, read in memory. */
export async function readTarGzText(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  let files = 0;
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== 'File') {
          entry.resume();
          return;
        }
        files += 1;
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(fs.readFileSync(file));
  });
  if (files !== 1) throw new Error(`${path.basename(file)}: expected one file in the archive, found ${files}`);
  return Buffer.concat(chunks).toString('utf8');
}

/** Data lines: without "#" comments and blank lines. */
function dataLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#'));
}

function fail(file: string, line: number, what: string): never {
  throw new Error(`${file}: data line ${line + 1}: ${what}`);
}

function parseVertices(text: string): { lon: Float64Array; lat: Float64Array } {
  let lines = dataLines(text);
  const header = lines[0]?.trim().split(/\s+/);
  const declared = header?.length === 1 ? Number(header[0]) : undefined;
  if (declared !== undefined) lines = lines.slice(1);
  if (declared !== undefined && declared !== lines.length) {
    throw new Error(`Nanjing.co: header declares ${declared} vertices, file has ${lines.length}`);
  }
  const lon = new Float64Array(lines.length);
  const lat = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const [la, lo] = line.trim().split(/\s+/).map(Number);
    if (!(la > 30 && la < 34 && lo > 117 && lo < 121)) fail('Nanjing.co', i, 'expected "lat lon" inside Nanjing');
    lat[i] = la;
    lon[i] = lo;
  });
  return { lon, lat };
}

function parseEdges(text: string, file: string): { source: Int32Array; target: Int32Array; value: Float64Array } {
  const lines = dataLines(text);
  const source = new Int32Array(lines.length);
  const target = new Int32Array(lines.length);
  const value = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) fail(file, i, 'expected "u v value"');
    source[i] = Number(parts[0]);
    target[i] = Number(parts[1]);
    value[i] = Number(parts[2]);
    if (!Number.isFinite(value[i]) || value[i] < 0) fail(file, i, 'bad value');
  });
  return { source, target, value };
}

export async function readRoadGraph(roadsDir: string): Promise<RoadGraph> {
  const [co, d, t] = await Promise.all(
    ['Nanjing.co.tar.gz', 'Nanjing.road-d.tar.gz', 'Nanjing.road-t.tar.gz'].map((f) => readTarGzText(path.join(roadsDir, f))),
  );
  const { lon, lat } = parseVertices(co);
  const distances = parseEdges(d, 'Nanjing.road-d');
  const times = parseEdges(t, 'Nanjing.road-t');
  if (distances.source.length !== times.source.length) {
    throw new Error(`Nanjing.road-d has ${distances.source.length} edges, Nanjing.road-t ${times.source.length}`);
  }
  for (let i = 0; i < distances.source.length; i++) {
    if (distances.source[i] !== times.source[i] || distances.target[i] !== times.target[i]) {
      fail('Nanjing.road-t', i, 'edge order differs from Nanjing.road-d');
    }
    if (distances.source[i] >= lon.length || distances.target[i] >= lon.length) fail('Nanjing.road-d', i, 'unknown vertex');
  }
  return {
    lon,
    lat,
    source: distances.source,
    target: distances.target,
    lengthM: distances.value,
    travelTimeS: times.value,
  };
}
