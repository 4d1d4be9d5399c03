#!/usr/bin/env bash
# Prediction accuracy of the heddle command: a task file of 24 `sleep` commands of known
# lengths (0.1 s to 0.5 s, each after the fourth needing up to two earlier ones, like
# PredictionAccuracy's graph), recorded once at --jobs BASE, predicted by
# `heddle plan` for 1, 2, 4, 8 and 16 jobs, then run and measured at each. Prints a Markdown
# table and the load average before and after; the measured time is the summary line's,
# the clock the prediction uses.
#
# With MODE cpu, each command computes instead of sleeping (an awk loop of a fixed number of
# steps, about its length in milliseconds on one core of this machine, calibrated first), and
# only 1 and 2 jobs are measured: CPU-bound work on a 2-core machine.
#
#   heddle-bench/command-accuracy.sh [BASE] [MODE]   (BASE defaults to 4, MODE to sleep)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
base=${1:-4}
mode=${2:-sleep}
dir=$(mktemp -d "${TMPDIR:-/tmp}/heddle-accuracy.XXXXXX")
trap 'rm -rf "$dir"' EXIT

counts="1 2 4 8 16"
steps_per_ms=0
if [ "$mode" = cpu ]; then
  counts="1 2"
  # Steps of the awk loop per millisecond: the fastest of three timed runs of 3 million steps.
  best=0
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    awk 'BEGIN { for (i = 0; i < 3000000; i++) s += i * i % 7 }'
    t1=$(date +%s%N)
    if [ "$best" -eq 0 ] || [ $((t1 - t0)) -lt "$best" ]; then best=$((t1 - t0)); fi
  done
  steps_per_ms=$((3000000 * 1000000 / best))
  echo "cpu commands: $steps_per_ms awk steps per ms, calibrated"
elif [ "$mode" != sleep ]; then
  echo "MODE must be sleep or cpu, not $mode" >&2
  exit 2
fi

# The graph: the same seed always gives the same file.
awk -v cpu="$steps_per_ms" 'BEGIN {
  srand(7); print "tasks:";
  for (i = 0; i < 24; i++) {
    ms = 100 + int(rand() * 5) * 100;
    needs = "";
    if (i >= 4) {
      n = 1 + int(rand() * 2);
      for (k = 0; k < n; k++) {
        j = int(rand() * i);
        if (index(needs, "t" j ",") == 0) needs = needs "t" j ",";
      }
      sub(/,$/, "", needs);
      needs = ", needs: [" needs "]";
    }
    if (cpu > 0)
      printf "  t%d: {run: \"awk \x27BEGIN { for (i = 0; i < %d; i++) s += i * i %% 7 }\x27\"%s}\n", i, ms * cpu, needs;
    else
      printf "  t%d: {run: \"sleep %d.%d\"%s}\n", i, ms / 1000, (ms % 1000) / 100, needs;
  }
}' > "$dir/tasks.yaml"

seconds() { # "1.2s" or "850ms" -> seconds
  case $1 in
    *ms) awk -v v="${1%ms}" 'BEGIN { printf "%.3f", v / 1000 }' ;;
    *s) printf '%s' "${1%s}" ;;
    *) echo "unknown duration $1" >&2; exit 1 ;;
  esac
}
measure() { # jobs -> seconds, from the summary line
  local line
  line=$("$root/heddle" run --progress plain --jobs "$1" "$dir/tasks.yaml" | grep ' cancelled in ')
  seconds "${line##* in }"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
recorded=$(measure "$base")
plan=$("$root/heddle" plan --jobs "$(echo $counts | tr ' ' ,)" --json "$dir/tasks.yaml")
echo "recorded at --jobs $base: ${recorded}s"
echo
echo "| jobs | predicted (s) | measured (s) | error |"
echo "|---:|---:|---:|---:|"
for n in $counts; do
  predicted=$(printf '%s' "$plan" | tr -d ' \n' | grep -o "\"workers\":$n,\"wallSeconds\":[0-9.eE-]*" |
    sed 's/.*://')
  measured=$(measure "$n")
  awk -v n="$n" -v p="$predicted" -v m="$measured" \
    'BEGIN { printf "| %d | %.3f | %.3f | %+.1f%% |\n", n, p, m, (p - m) / m * 100 }'
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
