#!/bin/bash
# Start-up time and memory of `run` of /bin/true, and the time of `exec`
# of /bin/true into a running container: skiff side by side with runc and
# crun, in one run, on one bundle.  Prints hyperfine's tables, the medians
# with ratios to skiff, and each runtime's peak RSS.
#
#   bench/run.sh [RUNS]        (root; apt-get install hyperfine runc crun time)
#
# crun refuses this machine's hybrid cgroup layout, so everything runs in a
# private mount namespace with the cgroup2 mount hidden: all three runtimes
# see the same v1-only layout.
set -euo pipefail
runs=${1:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
skiff=${SKIFF:-$here/skiff}
for tool in hyperfine jq /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine jq time)" >&2; exit 1; }
done
runtimes=(skiff)
command -v runc >/dev/null && runtimes+=(runc)
command -v crun >/dev/null && runtimes+=(crun)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SKIFF=$skiff "$here/tests/make-bundle.sh" "$work/bundle" true >/dev/null
# crun 1.8 only accepts 1.0.x configs; nothing here needs a newer field.
jq '.ociVersion = "1.0.2"' "$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
# The exec target: the same bundle running sleep (its own cgroup name per
# runtime comes from the container id).
cp -a "$work/bundle" "$work/sleeper"
jq '.process.args = ["sleep", "100000"]' "$work/bundle/config.json" > "$work/sleeper/config.json"
binary() { if [ "$1" = skiff ]; then echo "$skiff"; else command -v "$1"; fi; }

cat > "$work/inner.sh" <<INNER
set -e
umount /sys/fs/cgroup/unified 2>/dev/null || true
cd "$work/bundle"
cmds=()
for rt in ${runtimes[*]}; do
	cmds+=(-n "\$rt" "\$( [ \$rt = skiff ] && echo "$skiff" || command -v \$rt) --root $work/state-\$rt run bench-\$rt")
done
hyperfine -N --warmup 20 --runs $runs --export-json "$work/times.json" "\${cmds[@]}"
# exec: one long-running container per runtime (sleep), then exec of
# /bin/true into it, as orchestrators' exec probes do.
cmds=()
for rt in ${runtimes[*]}; do
	bin=\$( [ \$rt = skiff ] && echo "$skiff" || command -v \$rt)
	"\$bin" --root "$work/state-\$rt" run -d --bundle "$work/sleeper" sleeper-\$rt </dev/null >/dev/null 2>&1
	cmds+=(-n "\$rt" "\$bin --root $work/state-\$rt exec sleeper-\$rt /bin/true")
done
hyperfine -N --warmup 20 --runs $runs --export-json "$work/exec.json" "\${cmds[@]}"
for rt in ${runtimes[*]}; do
	bin=\$( [ \$rt = skiff ] && echo "$skiff" || command -v \$rt)
	"\$bin" --root "$work/state-\$rt" delete --force sleeper-\$rt
done
for rt in ${runtimes[*]}; do
	bin=\$( [ \$rt = skiff ] && echo "$skiff" || command -v \$rt)
	best=0
	for i in 1 2 3 4 5; do
		kb=\$(/usr/bin/time -f %M "\$bin" --root "$work/state-\$rt" run rss-\$rt 2>&1 >/dev/null | tail -1)
		[ "\$kb" -gt "\$best" ] && best=\$kb
	done
	echo "\$rt \$best" >> "$work/rss.txt"
done
INNER
unshare -m --propagation private bash "$work/inner.sh"

echo
echo "median start+run+delete of /bin/true ($runs runs) and peak RSS of the runtime process:"
jq -r '.results[] | "\(.command) \(.median)"' "$work/times.json" | while read -r rt median; do
	base=$(jq -r '.results[] | select(.command == "skiff") | .median' "$work/times.json")
	rss=$(awk -v r="$rt" '$1 == r {print $2}' "$work/rss.txt")
	awk -v rt="$rt" -v m="$median" -v b="$base" -v rss="$rss" \
		'BEGIN { printf "  %-6s %8.2f ms   %5.2fx skiff   peak RSS %6s KiB\n", rt, m * 1000, m / b, rss }'
done

echo "median exec of /bin/true into a running container ($runs runs):"
jq -r '.results[] | "\(.command) \(.median)"' "$work/exec.json" | while read -r rt median; do
	base=$(jq -r '.results[] | select(.command == "skiff") | .median' "$work/exec.json")
	awk -v rt="$rt" -v m="$median" -v b="$base" \
		'BEGIN { printf "  %-6s %8.2f ms   %5.2fx skiff\n", rt, m * 1000, m / b }'
done
