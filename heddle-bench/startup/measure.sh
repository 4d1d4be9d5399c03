#!/usr/bin/env bash
# Measures the time from starting `heddle run` to its first task starting, for several JVM
# start-up settings, beside a baseline: a JVM that loads nothing but a main class which
# records the time. Each variant runs N times (default 15); the median is reported.
#
#   heddle-bench/startup/measure.sh [N]
#
# Needs the command built: ./heddle --version (builds it on first use).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
n=${1:-15}
JAVA_HOME=$("$root/bin/find-jdk" 21)
java="$JAVA_HOME/bin/java"
jar="$root/heddle-cli/target/heddle.jar"
[ -f "$jar" ] || "$root/heddle" --version >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stamp="$work/stamp"
cat > "$work/tasks.yaml" <<YAML
tasks:
  first:
    run: date +%s%N > $stamp
YAML
# The baseline: the same JVM start, a class that writes the time and exits.
mkdir -p "$work/hello"
cat > "$work/hello/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] a) throws Exception {
    java.nio.file.Files.writeString(java.nio.file.Path.of(a[0]), Long.toString(System.currentTimeMillis() * 1_000_000L));
  }
}
JAVA
"$JAVA_HOME/bin/javac" -d "$work/hello" "$work/hello/Hello.java"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # label, command...
  local label=$1; shift
  local samples=()
  for _ in $(seq "$n"); do
    rm -f "$stamp"
    local t0; t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    local t1; t1=$(cat "$stamp")
    samples+=($(( (t1 - t0) / 1000000 )))
  done
  local m; m=$(printf '%s\n' "${samples[@]}" | median)
  printf '%-44s %5d ms\n' "$label" "$m" >&2
  echo "$m"
}

run_heddle() { "$java" "$@" -cp "$jar" dev.heddle.cli.Main run --progress plain "$work/tasks.yaml"; }

echo "JDK: $("$java" -version 2>&1 | head -1); $n runs each, median time to the first task"
base=$(measure "baseline: JVM + main class writing the time" "$java" -cp "$work/hello" Hello "$stamp" | tail -1)
plain=$(measure "heddle, default JVM flags" run_heddle | tail -1)
c1=$(measure "heddle, -XX:TieredStopAtLevel=1" run_heddle -XX:TieredStopAtLevel=1 | tail -1)
jsa="$work/heddle.jsa"
run_heddle -XX:SharedArchiveFile="$jsa" -XX:+AutoCreateSharedArchive -Xlog:cds=off >/dev/null 2>&1 || true
cds=$(measure "heddle, dynamic CDS archive + C1" run_heddle -XX:SharedArchiveFile="$jsa" -XX:+AutoCreateSharedArchive -Xlog:cds=off -XX:TieredStopAtLevel=1 | tail -1)
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")
if [ "$feature" -ge 25 ]; then
  aot="$work/heddle.aot"
  run_heddle -XX:AOTCacheOutput="$aot" >/dev/null 2>&1 || true
  aotm=$(measure "heddle, AOT cache (JDK 25, JEP 514/515)" run_heddle -XX:AOTCache="$aot" | tail -1)
  aotc1=$(measure "heddle, AOT cache + C1" run_heddle -XX:AOTCache="$aot" -XX:TieredStopAtLevel=1 | tail -1)
fi
echo
echo "ratios to the baseline: default $(awk "BEGIN{printf \"%.2f\", $plain/$base}")x," \
  "C1 $(awk "BEGIN{printf \"%.2f\", $c1/$base}")x, CDS+C1 $(awk "BEGIN{printf \"%.2f\", $cds/$base}")x" \
  "${aotm:+, AOT $(awk "BEGIN{printf \"%.2f\", $aotm/$base}")x, AOT+C1 $(awk "BEGIN{printf \"%.2f\", $aotc1/$base}")x}"
