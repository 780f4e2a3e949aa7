#!/bin/bash
# tests/fuzz/run.sh SECONDS [TARGET...] - runs each libFuzzer target (build/fuzz-TARGET, made by
# `make fuzz-build`) for SECONDS on tests/fuzz/corpus/TARGET plus what earlier runs found
# (build/fuzz/TARGET), and prints one TAP line per target. A crash leaves its input in
# build/fuzz/crash-* and the sanitizer's report in build/fuzz/TARGET.log.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-60}
shift
[ $# -gt 0 ] || set -- config state
n=0 bad=0
for t in "$@"; do
	n=$((n + 1))
	mkdir -p "build/fuzz/$t"
	log=build/fuzz/$t.log
	./build/fuzz-"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix=build/fuzz/ "build/fuzz/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz $t: ${runs:-?} inputs in ${secs}s, no crash"
	else
		bad=$((bad + 1))
		echo "not ok $n - fuzz $t: exit $rc, see $log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -5 | sed 's/^/# /'
	fi
done
echo "1..$n"
[ $bad -eq 0 ]
