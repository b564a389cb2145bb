#!/usr/bin/env bats
# `skiff check` and `create` give one verdict on every config.  Each error
# case of tests/unit/spec_cases.h (parse_errors, validation_errors: the
# helper tests/helpers/spec-cases prints them, so a case added there is
# run here with no edit) is laid over a bundle that runs, as jq's `*` lays
# one object over another (a case that is no JSON object is config.json as
# it is).  check and create must both refuse the result, with create
# saying check's first error, or both take it.  This found check calling
# "valid" what create refused: the seccomp and idmapped-mount rules of the
# runtime, a missing rootfs or bind source, an LSM that is not there.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template true
}

setup() {
	setup_bundle_copy
}

# create, then delete whatever it made, in mount, UTS, IPC and network
# namespaces of their own: should a rule fail to refuse a case, what the
# container does to those stays out of the host's.
create_and_delete() {
	unshare --mount --uts --ipc --net --propagation private sh -c '
		"$0" --root "$1" create "$2"; rc=$?
		"$0" --root "$1" delete --force "$2" >/dev/null 2>&1
		exit $rc' "$SKIFF" "$ROOT" "$1"
}

@test "every error case of spec_cases.h: check's verdict is create's, and so is its first error" {
	local cases=$TESTS_BUILDDIR/helpers/spec-cases table index json n=0 differ= want
	[ -x "$cases" ] || fail "no $cases: make check builds it"
	cp config.json "$BATS_TEST_TMPDIR/base.json"
	while IFS= read -r -d '' table && IFS= read -r -d '' index && IFS= read -r -d '' json; do
		n=$((n + 1))
		if jq -se 'length == 1 and (.[0] | type) == "object"' <<<"$json" >/dev/null 2>&1; then
			jq -s '.[0] * .[1]' "$BATS_TEST_TMPDIR/base.json" - <<<"$json" > config.json
		else
			printf '%s' "$json" > config.json
		fi
		run --separate-stderr "$SKIFF" check --format json
		local check_status=$status
		want=$(jq -r '.errors[0] // empty | if .path == "" then .message else .path + ": " + .message end' <<<"$output")
		run --separate-stderr create_and_delete "case$n"
		if [ "$check_status" -eq 0 ] && [ "$status" -ne 0 ]; then
			differ+="$table[$index]: check says valid, create refuses: $stderr"$'\n'
		elif [ "$check_status" -ne 0 ] && [ "$status" -eq 0 ]; then
			differ+="$table[$index]: create takes it, check says: $want"$'\n'
		elif [[ "$want" =~ ^config\.json:[0-9] ]] && [ "$stderr" != "skiff: $want" ]; then
			# a syntax error names the file itself, with its line and column
			differ+="$table[$index]: create says \"$stderr\", check first \"$want\""$'\n'
		elif [[ ! "$want" =~ ^config\.json:[0-9] ]] && [ "$status" -ne 0 ] && [ "$stderr" != "skiff: config.json: $want" ]; then
			differ+="$table[$index]: create says \"$stderr\", check first \"$want\""$'\n'
		fi
	done < <("$cases")
	[ "$n" -gt 100 ] || fail "only $n cases from $cases"
	[ -z "$differ" ] || fail "$(printf 'of %d cases:\n%s' "$n" "$differ")"
	[ -z "$("$SKIFF" --root "$ROOT" list -q)" ] || fail "containers left: $("$SKIFF" --root "$ROOT" list -q)"
}
