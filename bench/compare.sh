#!/bin/bash
# Two skiff binaries against each other, for a change's cost: `run` of
# /bin/true and `exec` of /bin/true into a running container, in
# alternated pairs (A B, then B A, ...) so that the machine's drift, which
# here reaches 2x within minutes, falls on both alike.  Prints each one's
# median and the median of the per-pair ratios B/A.  As bench/run.sh, in a
# private mount namespace with the state roots on a tmpfs (README
# "Performance" says why).
#
#   bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]      (root; default 100 pairs)
set -euo pipefail
a=$(realpath "${1:?usage: bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]}")
b=$(realpath "${2:?usage: bench/compare.sh OLD-SKIFF NEW-SKIFF [PAIRS]}")
pairs=${3:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${COMPARE_IN_NS:-}" ]; then
	COMPARE_IN_NS=1 exec unshare -m --propagation private "$0" "$a" "$b" "$pairs"
fi
# the layout bench/run.sh measures in (there for crun): no cgroup2 mount
umount /sys/fs/cgroup/unified 2>/dev/null || true
work=$(mktemp -d)
mkdir "$work/state-a" "$work/state-b"
mount -t tmpfs -o mode=0700 tmpfs "$work/state-a"
mount -t tmpfs -o mode=0700 tmpfs "$work/state-b"
finish() {
	"$a" --root "$work/state-a" delete --force sleeper-a >/dev/null 2>&1 || true
	"$b" --root "$work/state-b" delete --force sleeper-b >/dev/null 2>&1 || true
	umount "$work/state-a" "$work/state-b" 2>/dev/null || true
	rm -rf "$work"
}
trap finish EXIT
SKIFF=$b "$here/tests/make-bundle.sh" "$work/bundle" true >/dev/null
cp -a "$work/bundle" "$work/sleeper"
jq '.process.args = ["sleep", "100000"]' "$work/bundle/config.json" > "$work/sleeper/config.json"

# Nanoseconds one command takes (bash 5's clock: no fork to read it).
ns() {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>&1 </dev/null
	t1=${EPOCHREALTIME/./}
	echo $(((t1 - t0) * 1000))
}

# name, then the command with {} for the binary and @ for a or b
measure() {
	local what=$1 ta tb i
	shift
	: > "$work/$what"
	for i in $(seq "$pairs"); do
		if [ $((i % 2)) = 1 ]; then
			ta=$(ns "$a" --root "$work/state-a" "${@//@/a}")
			tb=$(ns "$b" --root "$work/state-b" "${@//@/b}")
		else
			tb=$(ns "$b" --root "$work/state-b" "${@//@/b}")
			ta=$(ns "$a" --root "$work/state-a" "${@//@/a}")
		fi
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
