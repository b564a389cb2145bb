# shellcheck shell=bash
# (M, X, F and the counts are run.sh's)
# shellcheck disable=SC2154
# The report of bench/run.sh: a table of medians, one PASS/FAIL line per
# goal of issue 13, and (--ci) the regression gate.  Sourced; reads the
# arrays M, X, F of run.sh.

# A number, or "-" when it was not measured.
fmt() {
	if [ -z "${2:-}" ] || [ "$2" = nan ]; then echo -; else awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; fi
}

# table ROW-NAME CASE UNIT FORMAT RUNTIME...: one row, each runtime's
# median and, for the others, skiff's time as a multiple of theirs.
row() {
	local name=$1 what=$2 unit=$3 f=$4 r cell
	shift 4
	printf '%-34s' "$name"
	for r in "$@"; do
		cell="$(fmt "$f" "${M[$what.$r]:-}")$unit"
		[ "$r" = skiff ] || [ -z "${X[$what.$r]:-}" ] || cell="$cell ($(fmt %.2f "${X[$what.$r]}")x)"
		[ "${F[$what.$r]:-0}" = 0 ] || cell="$cell [${F[$what.$r]} failed]"
		printf ' %-24s' "$cell"
	done
	echo
}

table() {
	local r
	printf '%-34s' ""
	for r in "$@"; do printf ' %-24s' "$r"; done
	echo
	row "run /bin/true" run " ms" %.2f "$@"
	row "exec /bin/true" exec " ms" %.2f "$@"
	row "state (running container)" state " ms" %.2f "$@"
	row "list ($list_n containers)" list " ms" %.2f "$@"
	row "100 x create+start+delete, -P10" par " ms" %.0f "$@"
	row "peak RSS of run" rss " MiB" %.2f "$@"
	row "syscalls of run" sys "" %d "$@"
	printf '%-34s' "run in a 1 MiB memory cgroup"
	for r in "$@"; do
		printf ' %-24s' "$(fmt %d "${M[1m.$r]:-}")/$mem_n ok"
	done
	echo
	echo "(in parentheses: skiff's median divided by that runtime's, per round where alternated)"
}

# The goals of issue 13: key (CASE.RUNTIME, a ratio in X), limit, unit,
# what.
goals() {
	cat <<-EOF
	run.crun 0.75 ms run /bin/true vs crun
	run.runc 0.30 ms run /bin/true vs runc
	rss.crun 1.00 MiB peak RSS of run vs crun
	sys.crun 1.20 calls syscalls of run vs crun
	exec.crun 0.60 ms exec vs crun
	par.crun 0.999 ms 100 x create+start+delete (10 at a time) vs crun
	list.crun 0.50 ms list of $list_n containers vs crun
	state.crun 0.50 ms state vs crun
	EOF
}

# One line per goal: PASS|FAIL goal: measured (ratio), target.
goal_lines() {
	local key limit unit what ratio verdict c r
	while read -r key limit unit what; do
		c=${key%.*} r=${key#*.}
		ratio=${X[$key]:-}
		if [ -z "$ratio" ] || [ "$ratio" = nan ]; then
			echo "FAIL $what: not measured"
			continue
		fi
		verdict=$(awk -v a="$ratio" -v b="$limit" 'BEGIN { print (a <= b) ? "PASS" : "FAIL" }')
		echo "$verdict $what: $(fmt %.4g "${M[$c.skiff]}") vs $(fmt %.4g "${M[$c.$r]}") $unit ($(fmt %.2f "$ratio")x), target $( [ "$limit" = 0.999 ] && echo "< 1" || echo "<= $limit")x"
	done < <(goals)
	# the 1 MiB goal: every attempt succeeds
	verdict=FAIL
	[ "${M[1m.skiff]}" = "$mem_n" ] && verdict=PASS
	echo "$verdict run with the caller in a 1 MiB memory cgroup: skiff ${M[1m.skiff]}/$mem_n, crun ${M[1m.crun]:--}/$mem_n, target $mem_n/$mem_n"
}

# The CI gate: each ratio against its limit in bench/gates (today's ratio
# or the goal, whichever is larger, plus the measured noise), and no
# failure of skiff in any case.  Prints GATE lines; returns 1 on a
# regression.
gate_lines() {
	local key limit ratio bad=0 c
	while read -r key limit _; do
		case $key in '#'* | '') continue ;; esac
		ratio=${X[$key]:-nan}
		if [ "$ratio" = nan ] || awk -v a="$ratio" -v b="$limit" 'BEGIN { exit !(a > b) }'; then
			echo "GATE REGRESSION $key: $(fmt %.3f "$ratio")x > limit ${limit}x"
			bad=1
		else
			echo "GATE ok $key: $(fmt %.3f "$ratio")x <= limit ${limit}x"
		fi
	done < "$here/bench/gates"
	for c in run exec state list par; do
		if [ "${F[$c.skiff]:-0}" != 0 ]; then
			echo "GATE FAILURE skiff failed $c ${F[$c.skiff]} times (see the errors above)"
			bad=1
		fi
	done
	for c in listmk 1m 1mhang; do
		if [ "${F[$c.skiff]:-0}" != 0 ]; then
			echo "GATE FAILURE $c: ${F[$c.skiff]} (containers not made / left behind / hung)"
			bad=1
		fi
	done
	if [ "$par_left" != 0 ]; then
		echo "GATE FAILURE the parallel case left $par_left containers or cgroups behind"
		bad=1
	fi
	return "$bad"
}
