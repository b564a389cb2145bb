# bash completion for skiff(8): commands, their flags, flag values, and the
# ids of existing containers (from `skiff list -q`, under the --root given
# on the command line).  Needs nothing from the bash-completion package.
# The flag lists follow `skiff COMMAND --help` (tests/completion.bats
# checks that they agree).

_skiff_commands="check checkpoint create delete events exec features help kill list pause ps restore resume run spec start state update"

_skiff_global_flags="--debug --log --log-format --root --criu --systemd-cgroup --rootless --help --version"
# Global flags that take a value.
_skiff_global_valued="--log --log-format --root --criu --rootless"

# Flags of each command: all of them, then those that take a value.
_skiff_flags() {
	case $1 in
	check) echo "--bundle -b --format -f --help" ;;
	create) echo "--bundle -b --console-socket --pidfd-socket --pid-file --no-pivot --no-new-keyring" \
		"--preserve-fds --help" ;;
	delete) echo "--force -f --help" ;;
	exec) echo "--console-socket --cwd --env -e --tty -t --user -u --additional-gids -g --process -p" \
		"--detach -d --pid-file --pidfd-socket --process-label --apparmor --no-new-privs --cap -c" \
		"--preserve-fds --cgroup --ignore-paused --help" ;;
	kill) echo "--all -a --help" ;;
	list) echo "--format -f --quiet -q --help" ;;
	run) echo "--bundle -b --console-socket --pidfd-socket --detach -d --keep --pid-file --no-subreaper" \
		"--no-pivot --no-new-keyring --preserve-fds --help" ;;
	spec) echo "--bundle -b --rootless --help" ;;
	start | state | pause | resume | features) echo "--help" ;;
	checkpoint) echo "--image-path --work-path --parent-path --leave-running --tcp-established" \
		"--ext-unix-sk --shell-job --lazy-pages --status-fd --page-server --file-locks --pre-dump" \
		"--manage-cgroups-mode --empty-ns --auto-dedup --help" ;;
	restore) echo "--console-socket --image-path --work-path --tcp-established --ext-unix-sk --shell-job" \
		"--file-locks --manage-cgroups-mode --bundle -b --detach -d --pid-file --no-subreaper --no-pivot" \
		"--empty-ns --auto-dedup --lazy-pages --lsm-profile --lsm-mount-context --help" ;;
	ps) echo "--format -f --help" ;;
	events) echo "--interval --stats --help" ;;
	update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share" \
		"--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --memory" \
		"--memory-reservation --memory-swap --pids-limit --l3-cache-schema --mem-bw-schema --help" ;;
	esac
}

_skiff_valued_flags() {
	case $1 in
	check) echo "--bundle -b --format -f" ;;
	create | run) echo "--bundle -b --console-socket --pidfd-socket --pid-file --preserve-fds" ;;
	exec) echo "--console-socket --pidfd-socket --cwd --env -e --user -u --additional-gids -g" \
		"--process -p --pid-file --process-label --apparmor --cap -c --preserve-fds" ;;
	list | ps) echo "--format -f" ;;
	spec) echo "--bundle -b" ;;
	events) echo "--interval" ;;
	checkpoint) echo "--image-path --work-path --parent-path --status-fd --page-server" \
		"--manage-cgroups-mode --empty-ns" ;;
	restore) echo "--console-socket --image-path --work-path --manage-cgroups-mode --bundle -b" \
		"--pid-file --empty-ns --lsm-profile --lsm-mount-context" ;;
	update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share" \
		"--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --memory" \
		"--memory-reservation --memory-swap --pids-limit --l3-cache-schema --mem-bw-schema" ;;
	esac
}

_skiff_in() {
	local word=$1 w
	shift
	for w in $*; do
		[ "$w" = "$word" ] && return 0
	done
	return 1
}

_skiff() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i=1 word cmd= cmd_at=0 root=
	COMPREPLY=()

	# The global flags, then the command.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[i]}
		case $word in
		--root=*) root=${word#--root=} ;;
		--root) root=${COMP_WORDS[i + 1]}; i=$((i + 1)) ;;
		--*=*) ;;
		-*) _skiff_in "$word" "$_skiff_global_valued" && i=$((i + 1)) ;;
		*) cmd=$word; cmd_at=$i; break ;;
		esac
		i=$((i + 1))
	done

	if [ -z "$cmd" ]; then
		case $prev in
		--log) COMPREPLY=($(compgen -f -- "$cur")) ;;
		--root) COMPREPLY=($(compgen -d -- "$cur")) ;;
		--log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
		--criu) COMPREPLY=($(compgen -f -- "$cur")) ;;
		--rootless) COMPREPLY=($(compgen -W "true false auto" -- "$cur")) ;;
		*)
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "$_skiff_global_flags" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "$_skiff_commands h" -- "$cur"))
			fi
			;;
		esac
		return 0
	fi

	# A flag's value.
	if [ "$COMP_CWORD" -gt $((cmd_at + 1)) ] && _skiff_in "$prev" "$(_skiff_valued_flags "$cmd")"; then
		case $prev in
		--bundle | -b | --cwd | --image-path | --work-path | --parent-path)
			COMPREPLY=($(compgen -d -- "$cur")) ;;
		--manage-cgroups-mode) COMPREPLY=($(compgen -W "soft full strict ignore" -- "$cur")) ;;
		--empty-ns) COMPREPLY=($(compgen -W "network" -- "$cur")) ;;
		--format | -f)
			if [ "$cmd" = check ]; then
				COMPREPLY=($(compgen -W "text json" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "table json" -- "$cur"))
			fi
			;;
		--console-socket | --pid-file | --process | -p | --resources | -r)
			COMPREPLY=($(compgen -f -- "$cur")) ;;
		--cap | -c)
			COMPREPLY=($(compgen -W "$(_skiff_capabilities)" -- "$cur")) ;;
		esac
		return 0
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_skiff_flags "$cmd")" -- "$cur"))
		return 0
	fi

	# Which argument this is, not counting flags and their values.
	local n=0 j=$((cmd_at + 1))
	while [ "$j" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[j]}
		if [[ $word == -* ]]; then
			_skiff_in "$word" "$(_skiff_valued_flags "$cmd")" && j=$((j + 1))
		else
			n=$((n + 1))
		fi
		j=$((j + 1))
	done

	case $cmd in
	help | h)
		[ "$n" -eq 0 ] && COMPREPLY=($(compgen -W "$_skiff_commands" -- "$cur")) ;;
	start | state | delete | exec | kill | pause | resume | ps | events | update | checkpoint)
		if [ "$n" -eq 0 ]; then
			COMPREPLY=($(compgen -W "$(_skiff_ids "$root")" -- "$cur"))
		elif [ "$cmd" = kill ] && [ "$n" -eq 1 ]; then
			COMPREPLY=($(compgen -W "$(_skiff_signals)" -- "$cur"))
		fi
		;;
	esac
	return 0
}

# The ids of the containers under a root (the default when empty).
_skiff_ids() {
	local skiff=${COMP_WORDS[0]}
	if [ -n "$1" ]; then
		"$skiff" --root "$1" list -q 2>/dev/null
	else
		"$skiff" list -q 2>/dev/null
	fi
}

# Signal names as kill takes them: KILL, TERM, RTMIN+1, ...
_skiff_signals() {
	compgen -A signal | sed 's/^SIG//' | grep -vx EXIT
}

_skiff_capabilities() {
	echo CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF \
		CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER \
		CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE \
		CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE \
		CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP \
		CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE \
		CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE \
		CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM
}

complete -F _skiff skiff
