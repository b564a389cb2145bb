#!/bin/bash
# Two skiff binaries against each other, for a change's cost: `run` of
# /bin/true and `exec` of /bin/true into a running container, in
# alternated pairs (A B A B ...) so that the machine's drift, which here
# reaches 2x within minutes, falls on both alike.  Prints each one's
# median and the median of the per-pair ratios B/A.
#
#   bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]      (root; default 100 pairs)
set -euo pipefail
a=${1:?usage: bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]}
b=${2:?usage: bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]}
pairs=${3:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
finish() {
	"$a" --root "$work/state-a" delete --force sleeper-a >/dev/null 2>&1 || true
	"$b" --root "$work/state-b" delete --force sleeper-b >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap finish EXIT
SKIFF=$b "$here/tests/make-bundle.sh" "$work/bundle" true >/dev/null
cp -a "$work/bundle" "$work/sleeper"
jq '.process.args = ["sleep", "100000"]' "$work/bundle/config.json" > "$work/sleeper/config.json"

# Nanoseconds one command takes.
ns() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 </dev/null
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

# name, then the command with {} for the binary and @ for a or b
measure() {
	local what=$1 ta tb
	shift
	: > "$work/$what"
	for _ in $(seq "$pairs"); do
		ta=$(ns "$a" --root "$work/state-a" "${@//@/a}")
		tb=$(ns "$b" --root "$work/state-b" "${@//@/b}")
		echo "$ta $tb" >> "$work/$what"
	done
	awk -v what="$what" '
		{ a[NR] = $1; b[NR] = $2; r[NR] = $2 / $1 }
		function median(x, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
			return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		}
		END { printf "%-5s old %6.2f ms  new %6.2f ms  new/old %.3f (median of %d pairs)\n",
			what, median(a, NR) / 1e6, median(b, NR) / 1e6, median(r, NR), NR }' "$work/$what"
}

cd "$work/bundle"
measure run run bench-@
"$a" --root "$work/state-a" run -d --bundle "$work/sleeper" sleeper-a </dev/null >/dev/null 2>&1
"$b" --root "$work/state-b" run -d --bundle "$work/sleeper" sleeper-b </dev/null >/dev/null 2>&1
measure exec exec sleeper-@ /bin/true
