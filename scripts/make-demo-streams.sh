#!/usr/bin/env bash
# Generates GridOps' demo video streams ONCE (run by a developer; the results are committed under
# data/video-demo/). Synthetic pictures only — nothing filmed, labelled "generated" on the picture and in
# the console. Each clip: 12 s, 640×360, 25 fps, H.264 (constrained baseline, level 3.0: Debian's Chromium
# plays it through MSE via hls.js), a keyframe every 2 s, cut into six 2 s MPEG-TS segments with an HLS VOD
# playlist; plus snapshot.jpg (a frame, used by the video-AI events). The server loops each clip as a live
# stream (server/video/demo-live-playlist.ts). Needs ffmpeg with libx264 and libfreetype (Debian's has both).
#
#   scripts/make-demo-streams.sh            # writes data/video-demo/clip-1 … clip-6
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=data/video-demo
FONT=${FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
[ -f "$FONT" ] || { echo "font $FONT not found (Debian: fonts-noto-cjk)" >&2; exit 1; }

# name|lavfi source (synthetic)
CLIPS=(
  "clip-1|testsrc2=size=640x360:rate=25"
  "clip-2|mandelbrot=size=640x360:rate=25:start_scale=3:end_scale=0.2"
  "clip-3|life=size=640x360:rate=25:mold=10:ratio=0.1:death_color=#203040:life_color=#e0c060"
  "clip-4|cellauto=size=640x360:rate=25:rule=110,negate"
  "clip-5|smptehdbars=size=640x360:rate=25,hue=H=2*PI*t/12"
  "clip-6|gradients=size=640x360:rate=25:speed=0.02:n=4"
)

for entry in "${CLIPS[@]}"; do
  name=${entry%%|*}
  source=${entry#*|}
  dir="$OUT/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  label="GridOps 演示视频 · generated · ${name}"
  ffmpeg -hide_banner -loglevel error -f lavfi -i "${source}" -t 12 \
    -vf "format=yuv420p,drawbox=x=0:y=ih-44:w=iw:h=44:color=black@0.55:t=fill,drawtext=fontfile=${FONT}:text='${label}':x=12:y=h-34:fontsize=20:fontcolor=white,drawtext=fontfile=${FONT}:text='%{eif\:mod(t\,12)\:d\:2}s':x=w-60:y=h-34:fontsize=20:fontcolor=white" \
    -c:v libx264 -profile:v baseline -level 3.0 -preset veryfast -b:v 280k -maxrate 320k -bufsize 640k \
    -g 50 -keyint_min 50 -sc_threshold 0 -an \
    -f hls -hls_time 2 -hls_list_size 0 -hls_playlist_type vod -hls_segment_type mpegts \
    -hls_segment_filename "$dir/seg-%03d.ts" "$dir/index.m3u8"
  ffmpeg -hide_banner -loglevel error -i "$dir/seg-002.ts" -frames:v 1 -q:v 5 "$dir/snapshot.jpg"
  echo "$name: $(ls "$dir"/seg-*.ts | wc -l) segments, $(du -sk "$dir" | cut -f1) KiB"
done
echo "total: $(du -sk "$OUT" | cut -f1) KiB"
