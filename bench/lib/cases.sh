# shellcheck shell=bash
# (M, X, F, $work and $skiff are run.sh's)
# shellcheck disable=SC2034,SC2154
# The cases of bench/run.sh.  Each op_CASE RUNTIME ROUND is one timed
# attempt (see `alternate` in common.sh); the other functions measure what
# is not a time.  Sourced after common.sh; expects $work/bundle (runs
# /bin/true) and $work/sleeper (runs sleep), and the arrays M, X, F of
# run.sh.

# `run` of /bin/true: create, start, wait, delete.
op_run() { rt "$1" run --bundle "$work/bundle" "$tag-run-$1"; }

# exec of /bin/true into a running container, as orchestrators' probes do.
op_exec() { rt "$1" exec "$tag-sleeper-$1" /bin/true; }

# state of one running container.
op_state() { rt "$1" state "$tag-sleeper-$1"; }

# list of a root holding $list_n created containers.
op_list() { rt "$1" list; }

# 100 containers, 10 at a time, each created, started and deleted with
# --force while it runs `sleep` (so delete always finds it running, the way
# an orchestrator removes a live container).  Fails if any container failed.
op_par() {
	local r=$1 round=$2
	: > "$work/par.$r.$round.failed"
	# shellcheck disable=SC2016 # (sh's arguments)
	seq 100 | xargs -P10 -I{} sh -c '
		b=$1 root=$2 bundle=$3 id=$4 failed=$5
		if ! { "$b" --root "$root" create --bundle "$bundle" "$id" &&
			"$b" --root "$root" start "$id" &&
			"$b" --root "$root" delete --force "$id"; }; then
			echo "$id" >> "$failed"
			"$b" --root "$root" delete --force "$id"
		fi' sh "$(bin "$r")" "$work/state-$r" "$work/sleeper" "$tag-par-$r-$round-{}" \
		"$work/par.$r.$round.failed"
	[ ! -s "$work/par.$r.$round.failed" ]
}

# Peak RSS (KiB, /usr/bin/time's %M: the largest of the runtime and the
# children it waited for) of `run` of /bin/true: the median of $1 runs,
# alternated; sets M[rss.RUNTIME] (MiB) and X[rss.RUNTIME] (skiff's median
# over RUNTIME's).
measure_rss() {
	local n=$1 i r
	shift
	for r in "$@"; do : > "$work/rss.$r"; done
	for i in $(seq "$n"); do
		for r in "$@"; do
			/usr/bin/time -f %M -o "$work/rss.one" "$(bin "$r")" --root "$work/state-$r" \
				run --bundle "$work/bundle" "$tag-rss-$r" </dev/null >/dev/null 2>>"$work/errors.log" &&
				tail -1 "$work/rss.one" >> "$work/rss.$r"
		done
	done
	for r in "$@"; do
		M[rss.$r]=$(awk '{ print $1 / 1024 }' "$work/rss.$r" > "$work/one.tmp" && median "$work/one.tmp")
	done
	for r in "$@"; do
		[ "$r" = skiff ] || X[rss.$r]=$(awk -v a="${M[rss.skiff]}" -v b="${M[rss.$r]}" 'BEGIN { print a / b }')
	done
}

# Syscalls of a whole `run` of /bin/true (strace -f -c: the runtime, its
# children and the container's process): the median of $1 runs each.
measure_syscalls() {
	local n=$1 i r
	shift
	for r in "$@"; do : > "$work/sys.$r"; done
	for i in $(seq "$n"); do
		for r in "$@"; do
			strace -f -c -o "$work/strace.out" "$(bin "$r")" --root "$work/state-$r" \
				run --bundle "$work/bundle" "$tag-sys-$r" </dev/null >/dev/null 2>>"$work/errors.log" &&
				awk '$NF == "total" { print $4 }' "$work/strace.out" >> "$work/sys.$r"
		done
	done
	for r in "$@"; do M[sys.$r]=$(median "$work/sys.$r"); done
	for r in "$@"; do
		[ "$r" = skiff ] || X[sys.$r]=$(awk -v a="${M[sys.skiff]}" -v b="${M[sys.$r]}" 'BEGIN { print a / b }')
	done
}

# create N containers (running sleep, not started) in each runtime's root,
# 4 at a time; sets F[listmk.RUNTIME] to the number that failed.
make_list_containers() {
	local n=$1 r
	shift
	for r in "$@"; do
		seq "$n" | xargs -P4 -I{} "$(bin "$r")" --root "$work/state-$r" \
			create --bundle "$work/sleeper" "$tag-list-$r-{}" >/dev/null 2>>"$work/errors.log" || true
		F[listmk.$r]=$((n - $(rt "$r" list -q 2>/dev/null | grep -c "^$tag-list-$r-" || true)))
	done
}

remove_list_containers() {
	local r
	for r in "$@"; do
		rt "$r" list -q 2>/dev/null | grep "^$tag-list-$r-" |
			xargs -r -P8 -n1 "$(bin "$r")" --root "$work/state-$r" delete --force >/dev/null 2>&1 || true
	done
}

# Containers and cgroups of the parallel case left behind (should be none).
par_leftovers() {
	local r n=0
	for r in "$@"; do
		n=$((n + $(rt "$r" list -q 2>/dev/null | grep -c "^$tag-par-" || true)))
		n=$((n + $(cgroups_named "$tag-par-$r-*" | wc -l)))
	done
	echo "$n"
}

# measure_1mib N RUNTIME...: N attempts per runtime of `run` of /bin/true
# by a caller in a fresh child memory cgroup (v1) of its own limited to
# 1 MiB, each bounded by a 30 s timeout; every attempt's leftovers (state,
# cgroups, processes) are removed.  Sets M[1m.RUNTIME] (successes),
# F[1m.RUNTIME] (attempts that left something `delete --force` did not
# remove), F[1mhang.RUNTIME] (attempts stopped by the timeout) and writes
# each exit status to $work/1m.RUNTIME.
measure_1mib() {
	local n=$1 i r mine base cg id rc t0
	shift
	mine=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
	base=/sys/fs/cgroup/memory${mine%/}
	for r in "$@"; do : > "$work/1m.$r"; M[1m.$r]=0; F[1m.$r]=0; F[1mhang.$r]=0; done
	for i in $(seq "$n"); do
		for r in "$@"; do
			cg=$base/bench1m-$$-$r-$i
			id=$tag-mem1m-$r-$i
			mkdir "$cg" && echo 1M > "$cg/memory.limit_in_bytes" || return 1
			rc=0 t0=$(now_us)
			# shellcheck disable=SC2016 # (sh's arguments)
			timeout -k 5 30 sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" run --bundle "$4" "$5"' \
				sh "$cg" "$(bin "$r")" "$work/state-$r" "$work/bundle" "$id" \
				</dev/null >/dev/null 2>>"$work/1m.$r.err" || rc=$?
			echo "$rc" >> "$work/1m.$r"
			[ "$rc" -eq 0 ] && M[1m.$r]=$((${M[1m.$r]} + 1))
			# (timeout: 124, or 137 after -k; an OOM kill is 137 too)
			[ $(($(now_us) - t0)) -lt 29000000 ] || F[1mhang.$r]=$((${F[1mhang.$r]} + 1))
			[ -z "$(clean_id "$r" "$id")" ] || F[1m.$r]=$((${F[1m.$r]} + 1))
			rm_cgroup_tree "$cg"
		done
	done
}

# Remove a cgroup directory and its children, killing what is in them.
rm_cgroup_tree() {
	local d
	while read -r d; do kill_cgroup "$d"; done < <(find "$1" -type d 2>/dev/null | sort -r)
}
