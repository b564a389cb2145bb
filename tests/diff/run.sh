#!/bin/bash
# The differential layer: run one corpus of bundles under skiff, runc and
# (where it runs here) crun, with tests/helpers/probe as the process, and
# compare what the container observes, fact by fact.
#
#   usage: tests/diff/run.sh [-k] [-o DIR] [-r RUNTIMES] [-b GLOB]
#     -o DIR       work directory (default: a fresh one under /tmp); kept
#                  with -k: DIR/out/NAME.RUNTIME.{raw,facts,err,result}
#     -r RUNTIMES  the runtimes to compare skiff with (default: "runc crun",
#                  those installed)
#     -b GLOB      only the bundles whose name matches GLOB
#   environment: SKIFF (the skiff binary), TESTS_SRCDIR, TESTS_BUILDDIR
#   (for helpers/probe and helpers/reap), SHARED_DIR (../shared, whose
#   engine-configs/ join the corpus when present).
#
# The corpus (README.md, "Conformance", says more): every config in
# tests/fixtures, the engines' configs in SHARED_DIR/engine-configs, and
# the variants generated below from `skiff spec`'s default config.  Each
# is adapted to this host: the rootfs is a busybox one with the probe, the
# process runs the probe without a terminal, hooks and LSM labels are
# dropped (their programs and LSMs are not here), bind sources become
# files and directories of the work directory, and the cgroup is one of
# ours.
#
# Each runtime gets the same bundle at the same path (a fresh copy of the
# rootfs each time), the same container id and cgroup, and runs it as
# engines do: `create --pid-file` then `start`, under tests/helpers/reap,
# which waits for the container's process.  The facts compared: whether
# create and start succeeded, the process's exit status, and each line of
# the probe's output ("KEY VALUE"; namespaces as host, new or joined).
#
# runc 1.1.5 is the reference: every fact where skiff differs from it is a
# difference.  crun runs, and counts, where runc has no view: where its
# probe did not run (runc refused the bundle, or is not installed);
# DIFF_CRUN=all runs crun on every bundle (its outputs are then there to
# look at with -k, not compared).
# A difference listed in tests/diff/known-differences (deliberate, with
# the reason; README's Conformance names them) is reported as known; any
# other fails, as does an entry that matches nothing (stale).  The last
# line: "N bundles compared (...), N differences (N known, N unknown), N
# stale ...".  Exit status 0 when no difference is unknown and none stale.
set -u
shopt -s extglob
here=$(cd "$(dirname "$0")" && pwd)
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$here/.." && pwd)}
TESTS_BUILDDIR=${TESTS_BUILDDIR:-$TESTS_SRCDIR}
SKIFF=${SKIFF:-$(command -v skiff)}
SHARED_DIR=${SHARED_DIR:-$(cd "$TESTS_SRCDIR/../.." 2>/dev/null && pwd)/shared}
PROBE=$TESTS_BUILDDIR/helpers/probe
REAP=$TESTS_BUILDDIR/helpers/reap
KNOWN=$here/known-differences

work='' keep=false runtimes='' only='*'
while getopts "ko:r:b:" opt; do
	case $opt in
	k) keep=true ;;
	o) work=$OPTARG ;;
	r) runtimes=$OPTARG ;;
	b) only=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$runtimes" ]; then
	for rt in runc crun; do
		command -v "$rt" >/dev/null && runtimes="$runtimes $rt"
	done
fi
for f in "$PROBE" "$REAP" "$SKIFF"; do
	[ -x "$f" ] || { echo "run.sh: $f is not built" >&2; exit 2; }
done
if [ -z "$work" ]; then
	work=$(mktemp -d /tmp/skiff-diff.XXXXXX)
else
	mkdir -p "$work"
fi
# A user namespace's root must reach the bundle (runc looks it up after
# the switch)
chmod 755 "$work"
work=$(cd "$work" && pwd)
mkdir -p "$work/corpus" "$work/out" "$work/src" "$work/ns" "$work/state"
ID=skiff-diff
CGROUP=skiff-diff-$$
BUNDLE=$work/bundle
pid_holder='' pid_ns_proc=''

cleanup() {
	local rt
	for rt in skiff $runtimes; do
		runtime_cmd "$rt" delete --force "$ID" >/dev/null 2>&1
	done
	[ -n "$pid_holder" ] && kill -9 "$pid_holder" ${pid_ns_proc:-} 2>/dev/null
	for f in "$work"/ns/*; do
		[ -e "$f" ] && umount "$f" 2>/dev/null
	done
	umount "$work/ns" 2>/dev/null
	if ! $keep; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT

runtime_cmd() {
	local rt=$1
	shift
	case $rt in
	skiff) "$SKIFF" --root "$work/state/skiff" "$@" ;;
	runc) runc --root "$work/state/runc" "$@" ;;
	# crun refuses the hybrid layout: hide its cgroup2 mount from it
	crun) unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$0" "$@"' \
		"$work/state/crun" "$@" ;;
	esac
}

# ---- the rootfs: busybox and the probe ---------------------------------
SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$work/template" /probe >/dev/null || exit 2
cp "$PROBE" "$work/template/rootfs/probe"
# bind sources for the generated variants and the engines' configs
mkdir -p "$work/src/dir/sub" "$work/src/shm"
echo file > "$work/src/file"
echo data > "$work/src/dir/sub/data"

# ---- namespaces to join by path ----------------------------------------
host_ns() { stat -L -c %i "/proc/self/ns/$1"; }
touch "$work/ns/net" "$work/ns/uts" "$work/ns/ipc"
mount --bind "$work/ns" "$work/ns" && mount --make-private "$work/ns"
unshare --net="$work/ns/net" --uts="$work/ns/uts" --ipc="$work/ns/ipc" true ||
	echo "run.sh: cannot make namespaces to join" >&2
# (no fd of the caller's kept open: bats waits for its own to close)
unshare --pid --fork --kill-child --mount-proc sleep 600 </dev/null >/dev/null 2>&1 3>&- &
pid_holder=$!
disown
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pid_ns_proc=$(pgrep -P "$pid_holder" sleep) && break
	sleep 0.05
done

# ---- the corpus --------------------------------------------------------
# Every bundle is a config.json in corpus/ (named after the bundle) and
# an optional NAME.wrap: "mntns" runs every runtime inside a mount
# namespace of its own (for configs without one, whose mounts would stay
# in the caller's).
base=$(jq --arg cg "$CGROUP" \
	'.process.args = ["/probe"] | .linux.cgroupsPath = $cg' "$work/template/config.json")

# The probe's arguments: the config's masked and read-only paths, and its
# sysctls; the host adaptations every bundle gets.
finish='
	.root.path = "rootfs"
	| .process.terminal = false | del(.process.consoleSize)
	| .process.args = ["/probe"] +
		([(.linux.maskedPaths // [])[], (.linux.readonlyPaths // [])[]] | map("--path", .)) +
		([(.linux.sysctl // {}) | keys[] | "/proc/sys/" + gsub("\\."; "/")] | map("--cat", .))
	| .linux.cgroupsPath = $cg
	| del(.hooks, .process.apparmorProfile, .process.selinuxLabel, .linux.mountLabel)
'

variant() {
	local name=$1 filter=$2
	jq --arg cg "$CGROUP" --arg src "$work/src" --arg ns "$work/ns" \
		--arg pidns "/proc/${pid_ns_proc:-0}/ns/pid" \
		"$filter | $finish" <<<"$base" > "$work/corpus/$name.json" ||
		{ echo "run.sh: variant $name: bad filter" >&2; exit 2; }
	[ $# -ge 3 ] && echo "$3" > "$work/corpus/$name.wrap"
	return 0
}

# A config from elsewhere (fixtures, engines): bind sources that do not
# exist here become a file or a directory of ours; rlimits above our hard
# limit are clamped (no CAP_SYS_RESOURCE here).  jq has doubles only, so
# integers past 2^53 (2^64-1 for unlimited, seccomp masks) go through it
# as strings.
adapt() {
	local name=$1 file=$2 nofile missing
	nofile=$(ulimit -Hn)
	missing=$(jq -r '.mounts[]?.source // empty' "$file" | while read -r s; do
		case $s in /*) [ -e "$s" ] || printf '%s\n' "$s" ;; esac
	done | jq -R . | jq -s .)
	sed -E 's/([^0-9."])([0-9]{16,})/\1"BIG\2"/g' "$file" |
	jq --arg cg "$CGROUP" --arg src "$work/src" --argjson nofile "$nofile" \
		--argjson missing "$missing" '
		.mounts = [(.mounts // [])[] |
			if (.source // "") as $s | $missing | index([$s])
			then .source = (if (.destination | test("shm$|/data$")) then $src + "/dir"
					else $src + "/file" end)
			else . end]
		| .process.rlimits = [(.process.rlimits // [])[] |
			if .type == "RLIMIT_NOFILE" and .hard > $nofile
			then .hard = $nofile | .soft = ([.soft, $nofile] | min) else . end]
		| '"$finish" | sed -E 's/"BIG([0-9]+)"/\1/g' > "$work/corpus/$name.json" ||
		{ echo "run.sh: $file: cannot adapt" >&2; exit 2; }
}

for f in "$TESTS_SRCDIR"/fixtures/*.json; do
	adapt "fixture-$(basename "$f" .json)" "$f"
done
if [ -d "$SHARED_DIR/engine-configs" ]; then
	for f in "$SHARED_DIR"/engine-configs/*.config.json; do
		adapt "engine-$(basename "$f" .config.json)" "$f"
	done
fi

# shellcheck source=variants.sh
. "$here/variants.sh"

# ---- running -----------------------------------------------------------
joined_net=$(stat -c %i -L "$work/ns/net" 2>/dev/null)
joined_uts=$(stat -c %i -L "$work/ns/uts" 2>/dev/null)
joined_ipc=$(stat -c %i -L "$work/ns/ipc" 2>/dev/null)
joined_pid=$(stat -c %i -L "/proc/${pid_ns_proc:-0}/ns/pid" 2>/dev/null)
host_inodes=""
for t in cgroup ipc mnt net pid time user uts; do
	host_inodes="$host_inodes $t=$(host_ns $t)"
done

# The probe's lines as "KEY<TAB>VALUE", one line per key (values of a
# repeated key, such as mounts stacked on one path, joined by " | " in
# order), sorted; plus create, start and exit.
normalize() {
	local raw=$1 result=$2
	{
		sed -n 's/^cmd \(.*\)/runtime\t\1/p' "$result" |
			sed 's/\t0$/\tcreate+start ok/; s/\t10$/\tcreate failed/; s/\t11$/\tstart failed/'
		sed -n 's/^\(exit\|signal\|timeout\)/process\t&/p' "$result"
		if grep -q '^probe end$' "$raw"; then echo "probe	complete"
		elif grep -q '^probe start$' "$raw"; then echo "probe	incomplete"; fi
		awk -v host="$host_inodes" -v bundle="$BUNDLE" \
			-v jnet="$joined_net" -v juts="$joined_uts" -v jipc="$joined_ipc" \
			-v jpid="$joined_pid" '
			BEGIN {
				n = split(host, h, " ")
				for (i = 1; i <= n; i++) { split(h[i], kv, "="); hostns[kv[2]] = 1 }
				joined[jnet] = joined[juts] = joined[jipc] = joined[jpid] = 1
			}
			/^probe (start|end)$/ { next }
			{
				line = $0
				gsub(bundle, "BUNDLE", line)
				if ($1 ~ /^(mount|dev|path|cat)$/) {
					key = $1 ":" $2
					val = substr(line, length($1) + length($2) + 3)
				} else {
					key = $1
					val = substr(line, length($1) + 2)
				}
				if (key ~ /^ns\./ && val ~ /^[0-9]+$/)
					val = (val in hostns) ? "host" : (val in joined) ? "joined" : "new"
				if (key in facts) facts[key] = facts[key] " | " val
				else { facts[key] = val; order[++count] = key }
			}
			END { for (i = 1; i <= count; i++) print order[i] "\t" facts[order[i]] }
		' "$raw"
	} | LC_ALL=C sort -t '	' -k1,1
}

run_one() {
	local name=$1 rt=$2 out=$work/out/$1.$2 wrap=
	[ -f "$work/corpus/$name.wrap" ] && wrap=$(cat "$work/corpus/$name.wrap")
	rm -rf "$BUNDLE"
	mkdir -p "$BUNDLE"
	cp -a "$work/template/rootfs" "$BUNDLE/rootfs"
	if [ "$rt" = crun ]; then
		# crun 1.8.1 knows runtime-spec 1.0.x only
		jq '.ociVersion = "1.0.2"' "$work/corpus/$name.json" > "$BUNDLE/config.json"
	else
		cp "$work/corpus/$name.json" "$BUNDLE/config.json"
	fi
	rm -f "$work/pid"
	: > "$out.raw"
	chmod 666 "$out.raw"
	local script='"$@" create --bundle "$B" --pid-file "$P" "$ID" || exit 10
		"$@" start "$ID" || exit 11'
	export B=$BUNDLE P=$work/pid ID
	case $rt in
	skiff) set -- "$SKIFF" --root "$work/state/skiff" ;;
	runc) set -- runc --root "$work/state/runc" ;;
	crun) set -- sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root "$0" "$@"' \
		"$work/state/crun"
		wrap=mntns ;;
	esac
	if [ "$wrap" = mntns ]; then
		set -- unshare -m --propagation private sh -c "$script" sh "$@"
	else
		set -- sh -c "$script" sh "$@"
	fi
	(cd "$BUNDLE" && "$REAP" "$out.result" "$work/pid" 10 "$@" \
		</dev/null >>"$out.raw" 2>"$out.err")
	runtime_cmd "$rt" delete --force "$ID" >/dev/null 2>&1
	# crun 1.8.1 chowns the host's /dev/null (our stdin) for a non-root
	# process: put it back
	if [ "$(stat -c %u:%g:%a /dev/null)" != 0:0:666 ]; then
		chown 0:0 /dev/null && chmod 666 /dev/null
		echo "$rt changed the host's /dev/null" >> "$out.err"
	fi
	normalize "$out.raw" "$out.result" > "$out.facts"
}

# Known differences: "RUNTIME BUNDLE-GLOB KEY-GLOB REASON..."; prints the
# entry's line number and reason.
known_reason() {
	local rt=$1 name=$2 key=$3 krt kname kkey reason n=0
	while read -r krt kname kkey reason; do
		n=$((n + 1))
		case $krt in ''|'#'*) continue ;; esac
		# shellcheck disable=SC2053
		if [[ $rt == $krt && $name == $kname && $key == $kkey ]]; then
			echo "$n $reason"
			return 0
		fi
	done < "$KNOWN"
	return 1
}

# "KEY<TAB>A<TAB>B" for each key whose values differ (absent: "-").  When
# one side's probe did not run to its end, only whether the runtime and
# the probe did are compared: what follows from that is no difference of
# its own.
differing() {
	local only_run=
	grep -q '^probe	complete$' "$1" && grep -q '^probe	complete$' "$2" || only_run=1
	join -t '	' -a1 -a2 -e - -o 0,1.2,2.2 "$1" "$2" |
		awk -F'\t' -v only_run="$only_run" \
			'$2 != $3 && (!only_run || $1 ~ /^(runtime|process|probe)$/)'
}

bundles=0 compared_runc=0 compared_crun=0 known=0 unknown=0
declare -A used compared
report=$work/report
: > "$report"
for config in "$work"/corpus/*.json; do
	name=$(basename "$config" .json)
	# shellcheck disable=SC2053
	[[ $name == $only ]] || continue
	bundles=$((bundles + 1))
	run_one "$name" skiff
	for rt in $runtimes; do
		# crun counts where runc has no view (it refused the bundle, or
		# is not here); DIFF_CRUN=all runs it anyway, to look at
		if [ "$rt" = crun ] && [ "${DIFF_CRUN:-}" != all ] &&
		   grep -q '^probe	complete$' "$work/out/$name.runc.facts" 2>/dev/null; then
			continue
		fi
		run_one "$name" "$rt"
		if [ "$rt" = crun ] && grep -q '^probe	complete$' "$work/out/$name.runc.facts" 2>/dev/null
		then
			continue
		fi
		case $rt in runc) compared_runc=$((compared_runc + 1)) ;;
			    crun) compared_crun=$((compared_crun + 1)) ;; esac
		compared["$rt $name"]=1
		while IFS='	' read -r key mine theirs; do
			if entry=$(known_reason "$rt" "$name" "$key"); then
				known=$((known + 1))
				used[${entry%% *}]=1
				printf 'known %s %s %s %s\n' "${entry%% *}" "$rt" "$name" "$key" >> "$report"
			else
				unknown=$((unknown + 1))
				printf 'DIFFERS %s %s %s\n    skiff: %s\n    %s: %s\n' "$rt" "$name" \
					"$key" "$mine" "$rt" "$theirs" >> "$report"
			fi
		done < <(differing "$work/out/$name.skiff.facts" "$work/out/$name.$rt.facts")
	done
done
# Entries that matched nothing where they could have (skiff was compared
# with their runtime on a bundle they name): stale, a failure, so the list
# does not outlive its differences.
stale=0
n=0
while read -r krt kname rest; do
	n=$((n + 1))
	case $krt in ''|'#'*) continue ;; esac
	# (an entry for every bundle is about the runtime, not a bundle)
	{ [ -n "${used[$n]:-}" ] || [ "$kname" = '*' ]; } && continue
	for config in "$work"/corpus/*.json; do
		name=$(basename "$config" .json)
		# shellcheck disable=SC2053
		if [ -n "${compared["$krt $name"]:-}" ] && [[ $name == $kname ]]; then
			echo "STALE   known-differences:$n matches no difference: $krt $kname $rest" >> "$report"
			stale=$((stale + 1))
			break
		fi
	done
done < "$KNOWN"
# The known ones summed up per entry of the list, then every unknown one
# in full.
for n in $(awk '$1 == "known" { print $2 }' "$report" | sort -un); do
	awk -v n="$n" '$1 == "known" && $2 == n { c++; if (!($4 in b)) { b[$4] = 1; nb++ } }
		END { printf "known: %d difference%s in ", c, (c > 1 ? "s" : "")
		      if (nb > 4) printf "%d bundles\n", nb
		      else { for (k in b) printf "%s ", k; printf "\n" } }' "$report"
	echo "    known-differences:$n: $(sed -n "${n}p" "$KNOWN" | cut -d' ' -f4-)"
done
grep -v '^known' "$report"
echo "$bundles bundles compared (with runc: $compared_runc, with crun: $compared_crun)," \
	"$((known + unknown)) differences ($known known, $unknown unknown)," \
	"$stale stale known-differences entries"
[ "$unknown" = 0 ] && [ "$stale" = 0 ]
