/**
 * The catalogue of generated demo clips (data/video-demo/clip-*: index.m3u8, seg-NNN.ts, snapshot.jpg; made
 * once by scripts/make-demo-streams.sh), read once when the video router is created. Paths served come from
 * this catalogue only, never from a request.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clipIndexForCamera, parseVodPlaylist, type DemoClip } from './demo-live-playlist.js';

export interface DemoClipFiles extends DemoClip {
  /** Absolute paths of the segment files, in order. */
  segmentPaths: string[];
  /** Absolute path of a JPEG frame of the clip, or null. */
  snapshotPath: string | null;
}

export interface DemoCatalogue {
  clips: DemoClipFiles[];
  clipFor(code: string): DemoClipFiles;
}

export function readDemoCatalogue(dir: string): DemoCatalogue | null {
  if (!fs.existsSync(dir)) return null;
  const clips: DemoClipFiles[] = [];
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => /^clip-\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))) {
    const clipDir = path.join(dir, name);
    const playlist = path.join(clipDir, 'index.m3u8');
    if (!fs.existsSync(playlist)) continue;
    const segments = parseVodPlaylist(fs.readFileSync(playlist, 'utf8'));
    const segmentPaths = segments.map((s) => {
      if (!/^[\w.-]+\.ts$/.test(s.uri)) throw new Error(`demo clip ${name}: unexpected segment name ${s.uri}`);
      const file = path.join(clipDir, s.uri);
      if (!fs.existsSync(file)) throw new Error(`demo clip ${name}: ${s.uri} is missing`);
      return file;
    });
    if (segments.length === 0) continue;
    const snapshot = path.join(clipDir, 'snapshot.jpg');
    clips.push({ id: name, segmentSeconds: segments.map((s) => s.seconds), segmentPaths, snapshotPath: fs.existsSync(snapshot) ? snapshot : null });
  }
  if (clips.length === 0) return null;
  return { clips, clipFor: (code) => clips[clipIndexForCamera(code, clips.length)] };
}
