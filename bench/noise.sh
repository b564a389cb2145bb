#!/bin/bash
# The noise of `bench/run.sh --ci`, and the limits of bench/gates it
# suggests: runs it N times (default 10) and prints, for every ratio it
# gates, the min, median and max over the runs, the spread
# (max - min) / median, and the limit median * (1 + spread), the spread
# taken as at least 5% (RSS and syscalls barely move from run to run, but
# do with a library's version).
#
#   bench/noise.sh [N]      (root; as bench/run.sh; about 30 s a run)
set -euo pipefail
n=${1:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq "$n"); do
	echo "run $i of $n" >&2
	"$here/bench/run.sh" --ci 2>/dev/null | awk '/^GATE (ok|REGRESSION)/ { sub(":", "", $3); sub("x", "", $4); print $3, $4 }' >> "$out" || true
done
printf '%-11s %6s %6s %6s %7s %6s\n' ratio min median max spread limit
awk '{ print $1 }' "$out" | sort -u | while read -r key; do
	awk -v k="$key" '$1 == k { print $2 }' "$out" | sort -g | awk -v k="$key" '
		{ x[NR] = $1 }
		END {
			m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
			s = (x[NR] - x[1]) / m
			printf "%-11s %6.3f %6.3f %6.3f %6.1f%% %6.2f\n", k, x[1], m, x[NR], s * 100, m * (1 + (s < 0.05 ? 0.05 : s)) + 0.005
		}'
done
