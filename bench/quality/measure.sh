#!/usr/bin/env bash
# One measurement on the development split (../shared/quality/README.md): train with the given options, evaluate on the
# held-out pieces, print one summary line with the count models beside the model, and keep the model, logs and JSON.
# Run from the project root:  bench/quality/measure.sh NAME [train options...]
#   e.g.  bench/quality/measure.sh paper4 --preset paper --epochs 4 --val 0 --rng-seed 42
# The split is laid out by dev-split.sh (Debian's simutrans-data: 46 training, 7 held-out files) into $QUALITY_WORK/split.
set -euo pipefail
name=${1:?usage: measure.sh NAME [train options...]}; shift
here=$(cd "$(dirname "$0")" && pwd)
work=${QUALITY_WORK:-${TMPDIR:-/tmp}/cadenza-quality}
[ -d "$work/split/held" ] || "$here/dev-split.sh" "$work/split" >/dev/null
m="$work/models/$name"; rm -rf "$m"; mkdir -p "$work/models"
start=$(date +%s)
./cadenza train "$work/split/train" --out "$m" "$@" >"$work/$name.train.log" 2>&1 || { tail -3 "$work/$name.train.log"; exit 1; }
secs=$(( $(date +%s) - start ))
./cadenza eval "$m" --data "$work/split/held" --json "$work/$name.eval.json" >"$work/$name.eval.log" 2>&1 || { tail -3 "$work/$name.eval.log"; exit 1; }
python3 - "$work/$name.eval.json" "$name" "$secs" "$work/$name.train.log" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1])); h = d['heldout_loss']; b = d['baselines']; j = d['jsd']; g = d['generated']; r = d['heldout']
c = b.get('counts', {})
def f(x): return '–' if x is None else f"{x:.3f}"
rc = d.get('jsd_real_continuations') or {}
real = ' / '.join(f(rc.get(k)) for k in ('step', 'duration', 'pitch_class'))
best = re.findall(r"best \S+ [0-9.]+ at epoch (\d+)", open(sys.argv[4]).read())
print(f"{sys.argv[2]}: pitch NLL {f(h['pitch_nll_nats'])} (unigram {f(c.get('pitch', {}).get('unigram_nats'))}, copy {f(c.get('pitch', {}).get('copy_nats'))}) | "
      f"step CE {f(h.get('step_nll_nats'))} (copy {f(c.get('step', {}).get('copy_nats'))}) | duration CE {f(h.get('duration_nll_nats'))} (copy {f(c.get('duration', {}).get('copy_nats'))}) | "
      f"JSD step {f(j['step'])} duration {f(j['duration'])} pitch-class {f(j['pitch_class'])} (real continuations {real}) | zero steps {g['zero_step_share']:.2f} (held-out {r['zero_step_share']:.2f}) | "
      f"zero durations {g['zero_duration_share']:.2f} | notes/s {g['notes_per_second']:.1f} ({r['notes_per_second']:.1f}) | longest run {g['longest_pitch_run']} ({r['longest_pitch_run']}) | "
      f"best epoch {best[-1] if best else '?'}, trained in {sys.argv[3]} s")
PY
echo "model: $m; logs and JSON in $work"
