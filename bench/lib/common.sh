# shellcheck shell=bash
# (M, X, F, $work and $skiff are run.sh's)
# shellcheck disable=SC2034,SC2154
# Helpers of bench/run.sh: the runtimes' binaries, the alternated timing
# loop, medians, and the clean-up of what a killed runtime leaves behind.
# Sourced; expects $work (scratch directory) and $skiff (the binary).

# The binary of runtime $1 (skiff, crun or runc).
bin() {
	if [ "$1" = skiff ]; then echo "$skiff"; else command -v "$1"; fi
}

# A runtime with its own state root under $work.
rt() {
	local r=$1
	shift
	"$(bin "$r")" --root "$work/state-$r" "$@"
}

# Microseconds since the epoch, without a fork (bash 5).
now_us() {
	local t=${EPOCHREALTIME/./}
	echo "$t"
}

# median FILE [COLUMN]: the median of a column of numbers.
median() {
	sort -g -k "${2:-1},${2:-1}" "$1" | awk -v c="${2:-1}" \
		'{ x[NR] = $c } END { if (NR == 0) print "nan"; else if (NR % 2) print x[(NR + 1) / 2]; else print (x[NR / 2] + x[NR / 2 + 1]) / 2 }'
}

# alternate CASE ROUNDS RUNTIME...: time `op_CASE RUNTIME ROUND` for every
# runtime, and /bin/true as the empty command, in rounds of a random order,
# so that the machine's drift, and what one runtime's teardown leaves to
# the kernel's workqueues, fall on all alike (with a fixed cyclic order
# skiff always came after runc, and `run` measured 1.2-1.3x crun instead of
# hyperfine's 1.0x).  $warmup rounds more before them warm the caches and
# are not counted.  Writes $work/CASE.times ("round runtime microseconds",
# failures left out) and counts failures in $work/CASE.fail.  The empty
# command's median (what bash's fork and exec cost) is subtracted by
# `summarize`.
alternate() {
	local what=$1 rounds=$2 r t0 t1 who rc
	shift 2
	local -a all=(noop "$@")
	: > "$work/$what.times"
	: > "$work/$what.fail"
	for r in $(seq $((1 - warmup)) "$rounds"); do
		for who in $(shuf -e "${all[@]}"); do
			rc=0
			t0=$(now_us)
			if [ "$who" = noop ]; then
				/bin/true </dev/null >/dev/null 2>>"$work/errors.log" || rc=$?
			else
				"op_$what" "$who" "$r" </dev/null >/dev/null 2>>"$work/errors.log" || rc=$?
			fi
			t1=$(now_us)
			[ "$r" -gt 0 ] || continue
			if [ "$rc" = 0 ]; then
				echo "$r $who $((t1 - t0))" >> "$work/$what.times"
			else
				echo "$who" >> "$work/$what.fail"
			fi
		done
	done
}

# summarize CASE: set M[CASE.RUNTIME] (median, ms, the empty command's
# median subtracted), X[CASE.RUNTIME] (median over rounds of skiff's time
# divided by RUNTIME's: a ratio below 1 is skiff faster) and
# F[CASE.RUNTIME] (failed attempts).
summarize() {
	local what=$1 who noop
	noop=$(awk '$2 == "noop" { print $3 }' "$work/$what.times" > "$work/noop.tmp" && median "$work/noop.tmp")
	for who in $(awk '$2 != "noop" { print $2 }' "$work/$what.times" | sort -u | tr '\n' ' '); do
		awk -v w="$who" -v o="$noop" '$2 == w { print ($3 - o) / 1000 }' "$work/$what.times" > "$work/one.tmp"
		M[$what.$who]=$(median "$work/one.tmp")
		F[$what.$who]=$(grep -cx "$who" "$work/$what.fail" || true)
		[ "$who" = skiff ] && continue
		# per round: (skiff - noop) / (who - noop)
		awk -v w="$who" -v o="$noop" '
			$2 == "skiff" { s[$1] = $3 - o }
			$2 == w { x[$1] = $3 - o }
			END { for (r in s) if ((r in x) && x[r] > 0) print s[r] / x[r] }' \
			"$work/$what.times" > "$work/ratio.tmp"
		X[$what.$who]=$(median "$work/ratio.tmp")
	done
}

# clean_id RUNTIME ID: remove container ID of RUNTIME whatever it was left
# in: `delete --force`, then (a runtime killed half-way leaves them) any
# state directory and the cgroups named ID, killing what is still in them.
# Prints "leftover" when delete --force did not clean everything.
clean_id() {
	local r=$1 id=$2 d p left=
	rt "$r" delete --force "$id" >/dev/null 2>&1 || true
	if [ -e "$work/state-$r/$id" ]; then
		rm -rf "${work:?}/state-$r/$id"
		left=1
	fi
	while read -r d; do
		left=1
		kill_cgroup "$d"
	done < <(cgroups_named "$id" | sort -r)
	unlitter "$id"
	[ -z "$left" ] || echo leftover
}

# Kill what is in cgroup directory $1 and remove it.
kill_cgroup() {
	local p
	if [ -e "$1/cgroup.procs" ]; then
		while read -r p; do kill -9 "$p" 2>/dev/null || true; done < "$1/cgroup.procs"
	fi
	rmdir "$1" 2>/dev/null || { sleep 0.2; rmdir "$1" 2>/dev/null; } || true
}

# The cgroups named $1 (a glob).
cgroups_named() {
	find /sys/fs/cgroup -path /sys/fs/cgroup/unified -prune -o \
		-mindepth 1 -type d -name "$1" -print 2>/dev/null
}

# crun (1.8) still makes a directory named after the container, and a
# cgroup.procs file in it, in the cgroup2 mount point hidden here, which is
# a plain directory of the host's /sys/fs/cgroup tmpfs: remove those of
# the ids matching the glob $1.
unlitter() {
	local d
	! mountpoint -q /sys/fs/cgroup/unified || return 0
	for d in /sys/fs/cgroup/unified/$1; do
		[ -d "$d" ] || continue
		rm -f "$d/cgroup.procs"
		rmdir "$d" 2>/dev/null || true
	done
}
