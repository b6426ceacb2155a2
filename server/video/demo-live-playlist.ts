/**
 * The demo streams as live HLS, pure: a clip of n segments (data/video-demo/clip-*, made once by
 * scripts/make-demo-streams.sh) is played in a loop that started at the Unix epoch, so every viewer and
 * every server instance agrees on what is "live" now. The playlist slides: its last entry is the segment
 * being played at `nowMs`, with the WINDOW − 1 before it. Entries are numbered globally (k = loop × n + i)
 * and name their segment by k, so a URI never means two things; each return to the clip's first segment is
 * an EXT-X-DISCONTINUITY (timestamps restart), counted by EXT-X-DISCONTINUITY-SEQUENCE as it scrolls out.
 *
 * What the player sees is numbered from the viewing session's origin (a loop start just before the window when
 * the stream was asked for, carried in the playlist's address, so any server instance renders the same
 * playlist): MEDIA-SEQUENCE and DISCONTINUITY-SEQUENCE stay small. Counted from the epoch they were ~9 × 10⁸
 * and ~1.5 × 10⁸, and hls.js 1.7 walks its per-discontinuity array up to that index on every playlist refresh
 * (`initPTS.some(…)` in onLevelLoaded): ~20 s of a headless page's main thread in every 20 s of playback.
 */

/**
 * Entries in the live playlist (2 s each: 20 s). Long enough that a player whose refreshes come late (a busy
 * machine, a throttled tab) still finds the segment after its last one instead of jumping to the live edge.
 */
export const LIVE_WINDOW = 10;

export interface DemoClip {
  id: string;
  /** Duration of each segment in seconds, in order. */
  segmentSeconds: number[];
}

export interface LiveEntry {
  /** Global sequence number of the entry. */
  sequence: number;
  /** Index of the clip's segment file it plays. */
  segment: number;
  seconds: number;
  discontinuity: boolean;
}

/** The sequence number of the segment playing at nowMs (loop started at the epoch). */
export function liveSequenceAt(clip: DemoClip, nowMs: number): number {
  const n = clip.segmentSeconds.length;
  const loopMs = clip.segmentSeconds.reduce((a, b) => a + b, 0) * 1000;
  if (n === 0 || loopMs <= 0) throw new Error(`demo clip ${clip.id} has no segments`);
  const loop = Math.floor(nowMs / loopMs);
  let within = nowMs - loop * loopMs;
  let i = 0;
  while (i < n - 1 && within >= clip.segmentSeconds[i] * 1000) {
    within -= clip.segmentSeconds[i] * 1000;
    i++;
  }
  return loop * n + i;
}

/**
 * The origin of a viewing session that starts at nowMs: the start of the loop holding the window's first entry.
 * A multiple of the clip's segment count, at or before every entry the session will be shown.
 */
export function liveOriginAt(clip: DemoClip, nowMs: number, window = LIVE_WINDOW): number {
  const n = clip.segmentSeconds.length;
  const first = Math.max(0, liveSequenceAt(clip, nowMs) - window + 1);
  return first - (first % n);
}

/** Whether `origin` can be a session origin for this clip now: a loop start not after the window's first entry. */
export function isLiveOrigin(clip: DemoClip, nowMs: number, origin: number, window = LIVE_WINDOW): boolean {
  return Number.isSafeInteger(origin) && origin >= 0 && origin % clip.segmentSeconds.length === 0 && origin <= liveOriginAt(clip, nowMs, window);
}

/** The window's entries; the session's origin is its first entry ever, so it opens no discontinuity. */
export function liveEntries(clip: DemoClip, nowMs: number, window = LIVE_WINDOW, origin = 0): LiveEntry[] {
  const n = clip.segmentSeconds.length;
  const last = liveSequenceAt(clip, nowMs);
  const first = Math.max(0, last - window + 1);
  const entries: LiveEntry[] = [];
  for (let k = first; k <= last; k++) {
    const segment = k % n;
    entries.push({ sequence: k, segment, seconds: clip.segmentSeconds[segment], discontinuity: segment === 0 && k > origin });
  }
  return entries;
}

/**
 * The live media playlist of a session from `origin` (isLiveOrigin; 0: numbered from the epoch); segments are
 * named by their global sequence, `segmentUri(sequence)`, so a URI never means two things.
 */
export function renderLivePlaylist(
  clip: DemoClip,
  nowMs: number,
  segmentUri: (sequence: number) => string,
  window = LIVE_WINDOW,
  origin = 0,
): string {
  const entries = liveEntries(clip, nowMs, window, origin);
  const n = clip.segmentSeconds.length;
  const first = entries[0].sequence;
  // Discontinuities at k = origin + n, origin + 2n, … that have scrolled out before the first entry.
  const discontinuitySequence = first <= origin ? 0 : Math.floor((first - origin - 1) / n);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...clip.segmentSeconds))}`,
    `#EXT-X-MEDIA-SEQUENCE:${first - origin}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySequence}`,
  ];
  for (const e of entries) {
    if (e.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${e.seconds.toFixed(3)},`, segmentUri(e.sequence));
  }
  return `${lines.join('\n')}\n`;
}

/** Read the segment durations and file names of a VOD playlist (the clip's index.m3u8). */
export function parseVodPlaylist(text: string): { seconds: number; uri: string }[] {
  const out: { seconds: number; uri: string }[] = [];
  let pending: number | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const inf = /^#EXTINF:([0-9.]+)/.exec(line);
    if (inf) pending = Number(inf[1]);
    else if (line && !line.startsWith('#')) {
      if (pending === null || !Number.isFinite(pending) || pending <= 0) throw new Error(`segment ${line} has no duration`);
      out.push({ seconds: pending, uri: line });
      pending = null;
    }
  }
  return out;
}

/** Which demo clip a camera shows: a stable hash of its code. */
export function clipIndexForCamera(code: string, clipCount: number): number {
  let h = 2166136261;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % clipCount;
}
