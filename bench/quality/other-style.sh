#!/usr/bin/env bash
# The same measurement on music of other styles that the development split never shows: Debian's openttd-openmsx
# (31 MIDI files of OpenTTD's music set: jazz, boogie, ragtime, swing…, GPL-2), every fourth file (by name) held out.
# Usage, from the project root:  bench/quality/other-style.sh NAME [train options...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export QUALITY_WORK=${QUALITY_WORK:-${TMPDIR:-/tmp}/cadenza-quality-openmsx}
src=/usr/share/games/openttd/baseset/openmsx
if [ ! -d "$src" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends openttd-openmsx >/dev/null
fi
if [ ! -d "$QUALITY_WORK/split/held" ]; then
  mkdir -p "$QUALITY_WORK/split/train" "$QUALITY_WORK/split/held"
  i=0
  for f in $(ls "$src"/*.mid | sort); do
    if [ $((i % 4)) = 3 ]; then cp "$f" "$QUALITY_WORK/split/held/"; else cp "$f" "$QUALITY_WORK/split/train/"; fi
    i=$((i + 1))
  done
fi
"$here/measure.sh" "$@"
