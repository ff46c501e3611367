#!/usr/bin/env bash
# How often one model meets the composed targets: ten draws of 5 seeds × 120 notes (eval --rng-seed 1…10) and one of
# 20 seeds, counting per target the draws that meet it (sessions 13–14: a model's standing at one draw, --rng-seed 42,
# is as much the draw's luck as the model's). The targets are measure.sh's (../shared/quality/README.md).
# Run from the project root:  bench/quality/draws.sh MODEL [HELD_DIR]
set -euo pipefail
model=${1:?usage: draws.sh MODEL [HELD_DIR]}
work=${QUALITY_WORK:-${TMPDIR:-/tmp}/cadenza-quality}
held=${2:-$work/split/held}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for s in 1 2 3 4 5 6 7 8 9 10; do
  ./cadenza eval "$model" --data "$held" --rng-seed "$s" --json "$tmp/$s.json" >/dev/null 2>&1 || { echo "eval failed at draw $s" >&2; exit 1; }
done
./cadenza eval "$model" --data "$held" --seeds 20 --json "$tmp/s20.json" >/dev/null 2>&1 || { echo "eval failed at 20 seeds" >&2; exit 1; }
python3 - "$tmp" "$model" <<'PY'
import json, sys
tmp, name = sys.argv[1], sys.argv[2]
targets = ['step JSD', 'duration JSD', 'pitch class', 'chords', 'notes/s', 'no zero-length', 'run']
met, missed, real = [0] * 7, [], 0
for s in range(1, 11):
    d = json.load(open(f'{tmp}/{s}.json')); j, g, h, rc = d['jsd'], d['generated'], d['heldout'], d['jsd_real_continuations']
    ok = [j['step'] <= 0.12, j['duration'] <= 0.12, j['pitch_class'] <= 0.08, abs(g['zero_step_share'] - h['zero_step_share']) <= 0.10,
          abs(g['notes_per_second'] / h['notes_per_second'] - 1) <= 0.30, g['zero_duration_share'] == 0, g['longest_pitch_run'] <= h['longest_pitch_run']]
    met = [m + o for m, o in zip(met, ok)]; missed.append(7 - sum(ok))
    real += rc['step'] <= 0.12 and rc['duration'] <= 0.12 and rc['pitch_class'] <= 0.08
d = json.load(open(f'{tmp}/s20.json')); j, g = d['jsd'], d['generated']
print(f"{name}: draws of 10 meeting each target: " + ', '.join(f"{t} {m}" for t, m in zip(targets, met)))
print(f"  all seven: {sum(x == 0 for x in missed)}; targets missed per draw {missed}, {sum(missed)} in all; the real continuations meet the three JSD targets in {real}")
print(f"  20 seeds: JSD step / duration / pitch class {j['step']:.3f} / {j['duration']:.3f} / {j['pitch_class']:.3f}, zero steps {g['zero_step_share']:.2f}, "
      f"notes/s {g['notes_per_second']:.1f}, longest run {g['longest_pitch_run']}")
PY
