#!/usr/bin/env bash
# Prediction accuracy of the heddle command: a task file of 24 `sleep` commands of known
# lengths (0.1 s to 0.5 s, each after the fourth needing up to two earlier ones, like
# PredictionAccuracy's graph), recorded once at --jobs BASE, predicted by
# `heddle plan` for 1, 2, 4, 8 and 16 jobs, then run and measured at each. Prints a Markdown
# table and the load average before and after; the measured time is the summary line's,
# the clock the prediction uses.
#
#   heddle-bench/command-accuracy.sh [BASE]      (BASE defaults to 4)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)
base=${1:-4}
dir=$(mktemp -d "${TMPDIR:-/tmp}/heddle-accuracy.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# The graph: the same seed always gives the same file.
awk 'BEGIN {
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
plan=$("$root/heddle" plan --jobs 1,2,4,8,16 --json "$dir/tasks.yaml")
echo "recorded at --jobs $base: ${recorded}s"
echo
echo "| jobs | predicted (s) | measured (s) | error |"
echo "|---:|---:|---:|---:|"
for n in 1 2 4 8 16; do
  predicted=$(printf '%s' "$plan" | tr -d ' \n' | grep -o "\"workers\":$n,\"wallSeconds\":[0-9.eE-]*" |
    sed 's/.*://')
  measured=$(measure "$n")
  awk -v n="$n" -v p="$predicted" -v m="$measured" \
    'BEGIN { printf "| %d | %.3f | %.3f | %+.1f%% |\n", n, p, m, (p - m) / m * 100 }'
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
