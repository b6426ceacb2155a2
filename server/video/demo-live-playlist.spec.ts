/** The demo clips looped as a live HLS playlist (pure). */
import { describe, expect, it } from 'vitest';
import {
  clipIndexForCamera,
  isLiveOrigin,
  liveEntries,
  liveOriginAt,
  liveSequenceAt,
  parseVodPlaylist,
  renderLivePlaylist,
  type DemoClip,
} from './demo-live-playlist.js';

const clip: DemoClip = { id: 'clip-1', segmentSeconds: [2, 2, 2, 2, 2, 2] };

describe('liveSequenceAt', () => {
  it('counts segments from the epoch, looping the clip', () => {
    expect(liveSequenceAt(clip, 0)).toBe(0);
    expect(liveSequenceAt(clip, 1_999)).toBe(0);
    expect(liveSequenceAt(clip, 2_000)).toBe(1);
    expect(liveSequenceAt(clip, 12_000)).toBe(6);
    expect(liveSequenceAt(clip, 12_000 * 1000 + 5_000)).toBe(6000 + 2);
  });
  it('handles uneven segment durations', () => {
    const uneven: DemoClip = { id: 'u', segmentSeconds: [2, 3, 1] };
    expect([0, 1_999, 2_000, 4_999, 5_000, 5_999, 6_000].map((t) => liveSequenceAt(uneven, t))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });
});

describe('renderLivePlaylist', () => {
  it('slides a window of segments ending at the one playing, without ENDLIST', () => {
    expect(liveEntries(clip, 60_000)).toHaveLength(10);
    const text = renderLivePlaylist(clip, 9_000, (k) => `seg/${k}.ts`, 4);
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:1\n');
    expect(text).toContain('#EXT-X-TARGETDURATION:2\n');
    expect(text).not.toContain('ENDLIST');
    expect(text.split('\n').filter((l) => l.startsWith('seg/'))).toEqual(['seg/1.ts', 'seg/2.ts', 'seg/3.ts', 'seg/4.ts']);
  });

  it('marks each return to the first segment as a discontinuity, and counts those that scrolled out', () => {
    // At 14 s: sequences 4..7 → segments 4, 5, 0, 1; a discontinuity before sequence 6.
    const entries = liveEntries(clip, 14_000, 4);
    expect(entries.map((e) => [e.sequence, e.segment, e.discontinuity])).toEqual([
      [4, 4, false],
      [5, 5, false],
      [6, 0, true],
      [7, 1, false],
    ]);
    const text = renderLivePlaylist(clip, 14_000, (k) => `seg/${k}.ts`, 4);
    expect(text).toMatch(/seg\/5\.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2\.000,\nseg\/6\.ts/);
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:0\n');
    // At 26 s: sequences 10..13; the discontinuity at 6 has scrolled out (one), the one at 12 is in the window.
    expect(renderLivePlaylist(clip, 26_000, (k) => `seg/${k}.ts`, 4)).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
    // Sequence numbers only grow: the next playlist continues where this one was.
    const later = liveEntries(clip, 16_000, 4);
    expect(later[0].sequence).toBe(entries[1].sequence);
  });

  it('starts at sequence 0 near the epoch with a shorter window', () => {
    expect(liveEntries(clip, 500).map((e) => e.sequence)).toEqual([0]);
  });
});

describe('a viewing session from its origin', () => {
  // Today, not near the epoch: the numbers a player would get without an origin.
  const now = Date.UTC(2026, 11, 7, 14, 0, 5);

  it('numbers the playlist from a loop start just before the window, small for as long as the session lasts', () => {
    const origin = liveOriginAt(clip, now, 4);
    expect(origin % 6).toBe(0);
    expect(liveEntries(clip, now, 4)[0].sequence - origin).toBeLessThan(6);
    expect(isLiveOrigin(clip, now, origin, 4)).toBe(true);
    const text = renderLivePlaylist(clip, now, (k) => `seg/${k}.ts`, 4, origin);
    const mediaSequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1]);
    expect(mediaSequence).toBe(liveEntries(clip, now, 4)[0].sequence - origin);
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:0\n');
    // Segments keep their global names.
    expect(text).toContain(`seg/${liveSequenceAt(clip, now)}.ts`);
    // An hour later: 300 loops of 12 s went by, 300 discontinuities (minus the ones still in the window).
    const later = renderLivePlaylist(clip, now + 3_600_000, (k) => `seg/${k}.ts`, 4, origin);
    const laterSequence = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(later)![1]);
    const laterDiscontinuities = Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(later)![1]);
    expect(laterSequence - mediaSequence).toBe(1_800);
    expect(laterDiscontinuities).toBeGreaterThanOrEqual(299);
    expect(laterDiscontinuities).toBeLessThanOrEqual(300);
  });

  it('counts the same discontinuities from any origin as from the epoch, shifted by the loops before it', () => {
    // Origin 12: the epoch's discontinuities at 6 and 12 come before the session.
    for (const t of [38_000, 61_000, 3_601_000]) {
      expect(isLiveOrigin(clip, t, 12, 4)).toBe(true);
      const fromEpoch = Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(renderLivePlaylist(clip, t, String, 4))![1]);
      const fromOrigin = Number(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/.exec(renderLivePlaylist(clip, t, String, 4, 12))![1]);
      expect(fromEpoch - fromOrigin).toBe(2);
    }
    // The origin's own loop start opens no discontinuity; the next loop's does.
    expect(liveEntries(clip, 30_000, 4, 12).map((e) => [e.sequence, e.discontinuity])).toEqual([
      [12, false],
      [13, false],
      [14, false],
      [15, false],
    ]);
    expect(liveEntries(clip, 38_000, 4, 12).map((e) => [e.sequence, e.discontinuity])).toEqual([
      [16, false],
      [17, false],
      [18, true],
      [19, false],
    ]);
  });

  it('refuses an origin that is not a loop start, or lies after the window', () => {
    const origin = liveOriginAt(clip, now, 4);
    expect(isLiveOrigin(clip, now, origin + 1, 4)).toBe(false);
    expect(isLiveOrigin(clip, now, origin + 6, 4)).toBe(false);
    expect(isLiveOrigin(clip, now, -6, 4)).toBe(false);
    expect(isLiveOrigin(clip, now, 0, 4)).toBe(true);
  });
});

describe('parseVodPlaylist', () => {
  it('reads the segment durations and names, and refuses a segment without duration', () => {
    expect(parseVodPlaylist('#EXTM3U\n#EXTINF:2.000000,\nseg-000.ts\n#EXTINF:1.5,\nseg-001.ts\n#EXT-X-ENDLIST\n')).toEqual([
      { seconds: 2, uri: 'seg-000.ts' },
      { seconds: 1.5, uri: 'seg-001.ts' },
    ]);
    expect(() => parseVodPlaylist('#EXTM3U\nseg-000.ts\n')).toThrow(/no duration/);
  });
});

describe('clipIndexForCamera', () => {
  it('maps a code to a stable clip and spreads codes over every clip', () => {
    expect(clipIndexForCamera('C32011300700101001', 6)).toBe(clipIndexForCamera('C32011300700101001', 6));
    const used = new Set(Array.from({ length: 200 }, (_, i) => clipIndexForCamera(`C${320113007001000 + i}`, 6)));
    expect(used.size).toBe(6);
  });
});
