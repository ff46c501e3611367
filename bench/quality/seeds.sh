#!/usr/bin/env bash
# The composed figures of one model over eight eval seeds (42, 1…7), each 5 seeds × 120 notes as measure.sh, and their
# mean: a 5-seed figure moves by ±0.03 JSD between eval seeds, more than many changes measured here.
# Run from the project root:  bench/quality/seeds.sh MODEL [HELD_DIR]
set -euo pipefail
model=${1:?usage: seeds.sh MODEL [HELD_DIR]}
work=${QUALITY_WORK:-${TMPDIR:-/tmp}/cadenza-quality}
held=${2:-$work/split/held}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for s in 42 1 2 3 4 5 6 7; do
  ./cadenza eval "$model" --data "$held" --rng-seed "$s" --json "$tmp/$s.json" >/dev/null 2>&1 || { echo "eval failed at seed $s" >&2; exit 1; }
done
python3 - "$tmp" "$model" <<'PY'
import json, glob, sys, statistics as st
runs = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + '/*.json'))]
def col(f): return [f(d) for d in runs]
rows = {'JSD step': col(lambda d: d['jsd']['step']), 'JSD duration': col(lambda d: d['jsd']['duration']),
        'JSD pitch class': col(lambda d: d['jsd']['pitch_class']), 'zero steps': col(lambda d: d['generated']['zero_step_share']),
        'notes/s': col(lambda d: d['generated']['notes_per_second']), 'longest run': col(lambda d: d['generated']['longest_pitch_run']),
        'real: JSD dur': col(lambda d: d['jsd_real_continuations']['duration']), 'real: JSD pc': col(lambda d: d['jsd_real_continuations']['pitch_class'])}
h = runs[0]['heldout']
print(f"{sys.argv[2]} over {len(runs)} eval seeds (held-out: zero steps {h['zero_step_share']:.2f}, notes/s {h['notes_per_second']:.1f}, longest run {h['longest_pitch_run']})")
for k, v in rows.items():
    print(f"  {k:16} mean {st.mean(v):7.3f}  min {min(v):7.3f}  max {max(v):7.3f}")
PY
