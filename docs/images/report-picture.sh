#!/usr/bin/env bash
# Remakes docs/images/pipeline-report.png, the picture of the HTML report in the README: a
# real run of examples/pipeline.yaml at --jobs 2 with --report, rendered by headless
# Chromium (Debian: apt-get install chromium). Run it from anywhere:
#
#   docs/images/report-picture.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome) || {
  echo "report-picture: no chromium on PATH (Debian: apt-get install chromium)" >&2
  exit 2
}
work=$(mktemp -d "${TMPDIR:-/tmp}/heddle-picture.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/heddle" run --progress plain --jobs 2 --report "$work/report.html" "$root/examples/pipeline.yaml"
"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
  --user-data-dir="$work/profile" --hide-scrollbars --window-size=1300,1120 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>"$work/chromium.err" || {
  cat "$work/chromium.err" >&2
  exit 1
}
mv "$work/report.png" "$root/docs/images/pipeline-report.png"
echo "report-picture: wrote docs/images/pipeline-report.png ($(wc -c < "$root/docs/images/pipeline-report.png") bytes)"
