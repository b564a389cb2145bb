#!/bin/bash
# The goals of issue 13 ("Start-up cost"), skiff side by side with crun and
# runc in one run on one busybox bundle: `run` of /bin/true (time, peak RSS,
# syscalls), `exec` and `state` of a running container, `list` of a root
# with many containers, 100 containers created, started and deleted 10 at
# a time, and `run` by a caller in a 1 MiB memory cgroup.  Times are taken
# in alternated rounds (the order rotates each round) and reported as
# medians; a ratio is the median over rounds of skiff's time divided by the
# other runtime's.  Prints a table, then one PASS/FAIL line per goal.
#
#   bench/run.sh [RUNS]     (root; apt-get install hyperfine runc crun time strace jq)
#   bench/run.sh --ci       a short run (about a minute): skiff and crun (runc
#                           for `run` only); also checks every ratio against
#                           its limit in bench/gates and exits 1 on a
#                           regression or on any failure of skiff
#
# SKIFF=path picks the binary (default: build/skiff, else ./skiff).
# crun refuses this machine's hybrid cgroup layout, so everything runs in a
# private mount namespace with the cgroup2 mount hidden: all three runtimes
# see the same v1-only layout.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/.." && pwd)
ci=
if [ "${1:-}" = --ci ]; then ci=1; shift; fi
if [ -n "$ci" ]; then
	runs=${1:-100} warmup=3 par_rounds=5 list_n=200 list_rounds=30 rss_n=3 sys_n=1 mem_n=5
else
	runs=${1:-100} warmup=5 par_rounds=5 list_n=1000 list_rounds=30 rss_n=5 sys_n=3 mem_n=10
fi
if [ -n "${SKIFF:-}" ]; then skiff=$SKIFF
elif [ -x "$here/build/skiff" ]; then skiff=$here/build/skiff
else skiff=$here/skiff; fi
skiff=$(realpath "$skiff")
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
for tool in jq strace /usr/bin/time crun; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install crun jq strace time)" >&2; exit 1; }
done
[ -x "$skiff" ] || { echo "bench: no skiff binary at $skiff (build it, or set SKIFF)" >&2; exit 1; }

# Into a private mount namespace, without the cgroup2 mount.
if [ -z "${BENCH_IN_NS:-}" ]; then
	BENCH_IN_NS=1 SKIFF=$skiff exec unshare -m --propagation private "$0" ${ci:+--ci} "$@"
fi
umount /sys/fs/cgroup/unified 2>/dev/null || true

# shellcheck source=bench/lib/common.sh
. "$here/bench/lib/common.sh"
# shellcheck source=bench/lib/cases.sh
. "$here/bench/lib/cases.sh"
# shellcheck source=bench/lib/report.sh
. "$here/bench/lib/report.sh"

# all: every runtime there is (runc is optional); goal: those the goals
# name.  --ci runs runc for `run` only.
all=(skiff crun)
command -v runc >/dev/null && all+=(runc)
goal=(skiff crun)
if [ -n "$ci" ]; then some=("${goal[@]}"); else some=("${all[@]}"); fi
declare -A M X F
# every container id starts with $tag (cgroups are named after ids)
tag=sb$$

work=$(mktemp -d /tmp/skiff-bench.XXXXXX)
finish() {
	local r id
	for r in "${all[@]}"; do
		for id in $(rt "$r" list -q 2>/dev/null); do clean_id "$r" "$id" >/dev/null; done
		umount "$work/state-$r" 2>/dev/null || true
	done
	rm -rf "$work"
	unlitter "$tag-*"
}
trap finish EXIT
trap 'exit 130' INT TERM
# Each runtime's state root on a tmpfs of its own, as /run/runc and
# /run/crun are on hosts.  Here /run and /tmp are on an ext4 without a
# journal, where each file created scans past the inodes deleted in the
# last minute: under the bench's churn a create costs 0.15-0.3 ms, and
# that, not the runtimes, decided `run` (README "Performance").
for r in "${all[@]}"; do
	mkdir -p "$work/state-$r"
	mount -t tmpfs -o mode=0700,size=64m "bench-$r" "$work/state-$r"
done
SKIFF=$skiff "$here/tests/make-bundle.sh" "$work/bundle" true >/dev/null
# crun 1.8 only accepts 1.0.x configs; nothing here needs a newer field.
jq '.ociVersion = "1.0.2"' "$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
cp -a "$work/bundle" "$work/sleeper"
jq '.process.args = ["sleep", "100000"]' "$work/bundle/config.json" > "$work/sleeper/config.json"
: > "$work/errors.log"

echo "skiff: $skiff ($("$skiff" --version | head -1), $("$skiff" --version | sed -n 's/^commit: //p'))"
echo "crun: $(crun --version | head -1)${all[2]:+, runc: $(runc --version | head -1)}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rounds: run/exec/state $runs, list $list_rounds, parallel $par_rounds, RSS $rss_n, strace $sys_n, 1 MiB $mem_n"

step() { echo "... $* ($SECONDS s)" >&2; }
step run
alternate run "$runs" "${all[@]}"
summarize run
step "peak RSS, syscalls"
measure_rss "$rss_n" "${some[@]}"
measure_syscalls "$sys_n" "${some[@]}"
step "exec, state"
for r in "${some[@]}"; do
	rt "$r" run -d --bundle "$work/sleeper" "$tag-sleeper-$r" </dev/null >/dev/null 2>>"$work/errors.log"
done
alternate exec "$runs" "${some[@]}"
summarize exec
alternate state "$runs" "${some[@]}"
summarize state
for r in "${some[@]}"; do rt "$r" delete --force "$tag-sleeper-$r" >/dev/null 2>&1 || true; done
step "parallel create+start+delete"
warmup=0 alternate par "$par_rounds" "${some[@]}"
summarize par
par_left=$(par_leftovers "${some[@]}")
step "list: creating $list_n containers per runtime"
make_list_containers "$list_n" "${some[@]}"
alternate list "$list_rounds" "${some[@]}"
summarize list
step "list: deleting them"
remove_list_containers "${some[@]}"
step "1 MiB memory cgroup"
measure_1mib "$mem_n" "${goal[@]}"
step finished

echo
table "${all[@]}"
[ "$par_left" = 0 ] || echo "the parallel case left $par_left containers or cgroups behind"
for r in "${goal[@]}"; do
	echo "1 MiB, $r: exit statuses $(sort "$work/1m.$r" | uniq -c | awk '{ printf "%s%sx%s", s, $1, $2; s = ", " }'); left behind by delete --force: ${F[1m.$r]}; hung: ${F[1mhang.$r]}"
done
if [ -s "$work/errors.log" ]; then
	echo "errors (first 5 distinct):"
	sort "$work/errors.log" | uniq -c | sort -rn | head -5
fi
echo
goal_lines
if [ -n "$ci" ]; then
	echo
	gate_lines
fi
