#!/bin/bash
# tools/stress-list.sh [N] [SECONDS] [GRID] - `grid list` racing creates, starts and
# deletes with N containers in the root (default 1000, for 60 s): two loops list (text and
# JSON) under a 30 s timeout each, two loops create, start and delete other containers of the
# same root. Prints how many lists ran, the slowest, and how many the timeout killed (a hang);
# exits non-zero if any did or any command failed. As root; everything it makes is in a
# directory of its own under /tmp and goes at the end, also on failure.
set -u
cd "$(dirname "$0")/.." || exit 1
n=${1:-1000}
secs=${2:-60}
grid=$(realpath "${3:-./grid}")
dir=$(mktemp -d /tmp/grid-stress.XXXXXX)
root=$dir/root

cleanup() {
	local id
	for id in $("$grid" --root "$root" list -q 2>/dev/null); do
		"$grid" --root "$root" delete --force "$id" >/dev/null 2>&1
	done
	rm -rf "$dir"
}
trap cleanup EXIT

tests/mkbundle.sh "$dir/b" sleep 100000 >/dev/null || exit 1
for i in $(seq "$n"); do
	"$grid" --root "$root" create --bundle "$dir/b" "s$i" </dev/null >/dev/null 2>>"$dir/errors" ||
		echo "create s$i failed" >>"$dir/errors"
done
echo "$n containers created: $("$grid" --root "$root" list -q | wc -l) listed"

end=$((SECONDS + secs))
# lister K ARGS...: lists until the end; one line per list: its ms, or "hung"
lister() {
	local k=$1 t0 rc
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		t0=$(date +%s%N)
		timeout -k 5 30 "$grid" --root "$root" list "$@" >/dev/null 2>>"$dir/errors"
		rc=$?
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo hung
		elif [ $rc -ne 0 ]; then
			echo "list $* failed: $rc" >>"$dir/errors"
		else
			echo $((($(date +%s%N) - t0) / 1000000))
		fi
	done >"$dir/list.$k"
}
# churn K: creates, starts and deletes containers c-K-* until the end
churn() {
	local k=$1 i=0
	while [ "$SECONDS" -lt "$end" ]; do
		"$grid" --root "$root" create --bundle "$dir/b" "c-$k-$i" </dev/null >/dev/null 2>>"$dir/errors" &&
			"$grid" --root "$root" start "c-$k-$i" 2>>"$dir/errors"
		"$grid" --root "$root" delete --force "c-$k-$i" 2>>"$dir/errors"
		i=$((i + 1))
	done
	echo "$i" >"$dir/churn.$k"
}
lister 1 & lister 2 --format json & churn 1 & churn 2 &
wait

lists=$(cat "$dir"/list.* | wc -l)
hung=$(cat "$dir"/list.* | grep -c hung)
slowest=$(cat "$dir"/list.* | grep -v hung | sort -n | tail -n1)
median=$(cat "$dir"/list.* | grep -v hung | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "$lists lists in ${secs} s beside $(($(cat "$dir"/churn.*  | paste -sd+ | bc))) create-start-delete cycles:" \
	"median ${median:-?} ms, slowest ${slowest:-?} ms, hung $hung"
if [ -s "$dir/errors" ]; then
	echo "errors:"
	sort "$dir/errors" | uniq -c | sort -rn | head -n 10
fi
[ "$hung" -eq 0 ] && [ ! -s "$dir/errors" ]
