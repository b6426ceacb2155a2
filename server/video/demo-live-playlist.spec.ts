/** The demo clips looped as a live HLS playlist (pure). */
import { describe, expect, it } from 'vitest';
import { clipIndexForCamera, liveEntries, liveSequenceAt, parseVodPlaylist, renderLivePlaylist, type DemoClip } from './demo-live-playlist.js';

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
