#!/usr/bin/env bats
# What `make install` gives (make check installs into $INST_DIR, a staging
# DESTDIR): the binary, the library with its SONAME and only the public
# symbols, <skiff/skiff.h> and <skiff/model.h>, skiff.pc, the manual pages
# and the bash completion; and examples/run-bundle, built from them alone
# through pkg-config, running a real container.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	[ -n "${INST_DIR:-}" ] || skip "run by make check, which installs into \$INST_DIR"
	BUILDDIR=$TESTS_BUILDDIR/..
	SRCDIR=$TESTS_SRCDIR/..
	EXAMPLE=$BUILDDIR/examples/run-bundle
}

@test "make install puts everything in its place" {
	[ -x "$INST_BINDIR/skiff" ]
	"$INST_BINDIR/skiff" --version | grep -q '^skiff version '
	[ -f "$INST_INCLUDEDIR/skiff/skiff.h" ]
	[ -f "$INST_INCLUDEDIR/skiff/model.h" ]
	[ -f "$INST_LIBDIR/pkgconfig/skiff.pc" ]
	[ -f "$INST_COMPLETIONDIR/skiff" ]
	local page
	for page in skiff skiff-check skiff-create skiff-delete skiff-exec skiff-kill skiff-list \
		skiff-run skiff-spec skiff-start skiff-state; do
		[ -f "$INST_MANDIR/man8/$page.8" ] || fail "no $page.8"
	done
	[ -f "$INST_MANDIR/man3/libskiff.3" ]
	# internal headers and the convenience library stay out
	assert_equal "$(ls "$INST_INCLUDEDIR/skiff")" "$(printf 'model.h\nskiff.h')"
	[ -z "$(find "$INST_DIR" -name 'libskiff-internal*')" ]
}

@test "the library has a SONAME and the CLI does not need it" {
	run objdump -p "$INST_LIBDIR/libskiff.so"
	assert_line --regexp '^ +SONAME +libskiff\.so\.[0-9]+$'
	local soname
	soname=$(objdump -p "$INST_LIBDIR/libskiff.so" | awk '$1 == "SONAME" {print $2}')
	[ -e "$INST_LIBDIR/$soname" ]
	# the CLI carries its own copy: nothing dynamic on the start path
	! objdump -p "$INST_BINDIR/skiff" | grep -q 'NEEDED.*libskiff'
}

@test "man finds the installed pages" {
	run env MANPATH="$INST_MANDIR" man -w skiff-run
	assert_success
	assert_output "$INST_MANDIR/man8/skiff-run.8"
	run env MANPATH="$INST_MANDIR" MANWIDTH=80 man skiff-run
	assert_success
	assert_line --regexp '^ +skiff-run - create and run a container'
	run env MANPATH="$INST_MANDIR" man -w 3 libskiff
	assert_output "$INST_MANDIR/man3/libskiff.3"
}

@test "pkg-config gives the installed headers and library" {
	local pc=(env PKG_CONFIG_PATH="$INST_LIBDIR/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$INST_DIR" "$PKG_CONFIG")
	# ours first; then those of Requires.private (yajl), which
	# pkg-config adds although skiff.h does not include their headers
	run "${pc[@]}" --cflags skiff
	[[ "$output" == "-I$INST_INCLUDEDIR"* ]] || fail "$output"
	run "${pc[@]}" --libs skiff
	assert_equal "$(echo $output)" "-L$INST_LIBDIR -lskiff"
	run "${pc[@]}" --modversion skiff
	assert_output "$("$SKIFF" --version | sed -n 's/^skiff version //p')"
	# static linking needs the libraries behind it
	run "${pc[@]}" --libs --static skiff
	# (libmount is not one: libskiff loads it with dlopen)
	for lib in -lseccomp -lcap -lyajl; do
		[[ "$output" == *"$lib"* ]] || fail "--static lacks $lib: $output"
	done
}

@test "the installed header stands alone, in C99 and C++" {
	echo '#include <skiff/skiff.h>
int main(void) { skiff_error e; return skiff_id_validate("x", &e); }' >"$BATS_TEST_TMPDIR/t.c"
	run cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$INST_INCLUDEDIR" -fsyntax-only "$BATS_TEST_TMPDIR/t.c"
	assert_success
	if command -v g++ >/dev/null; then
		run g++ -std=c++11 -Wall -Wextra -Werror -I"$INST_INCLUDEDIR" -fsyntax-only -x c++ "$BATS_TEST_TMPDIR/t.c"
		assert_success
	fi
}

@test "the example was built from the installed files alone" {
	[ -x "$EXAMPLE" ] || fail "no $EXAMPLE: make check builds it"
	# its libskiff is the installed one
	run ldd "$EXAMPLE"
	assert_line --regexp "libskiff\.so\.[0-9]+ => $INST_LIBDIR/libskiff\.so\.[0-9]+ "
}

@test "the example runs a busybox bundle and prints its exit status" {
	setup_bundle sh -c 'echo hello from the example; exit 3'
	run --separate-stderr "$EXAMPLE" "$BUNDLE" ex1 "$ROOT"
	assert_success
	assert_equal "${lines[0]}" "hello from the example"
	assert_equal "${lines[1]}" "ex1 exited with status 3"
	[ -z "$("$SKIFF" --root "$ROOT" list -q)" ] || fail "the container was not deleted"
}

@test "the example shows every error of a bad bundle and runs nothing" {
	setup_bundle true
	update_config '.process.cwd = "rel" | .process.terminal = "no"'
	run --separate-stderr "$EXAMPLE" "$BUNDLE" ex2 "$ROOT"
	assert_failure 1
	[[ "$stderr" == *'error: .process.terminal: expected a boolean, got "no"'* ]] || fail "$stderr"
	[[ "$stderr" == *'error: .process.cwd: must be an absolute path, got "rel"'* ]] || fail "$stderr"
	[ ! -e "$ROOT/ex2" ]
}

# The functions skiff.h declares, sorted.
header_functions() {
	grep -oE '\bskiff_[a-z_]+\(' "$SRCDIR/libcontainer/skiff.h" | tr -d '(' | sort -u
}

@test "libskiff.so exports exactly the functions of skiff.h, as libskiff.sym lists" {
	local exported listed
	exported=$(nm -D --defined-only "$INST_LIBDIR/libskiff.so" | awk '$2 == "T" {print $3}' |
		sed 's/@.*//' | sort -u)
	listed=$(sed -n 's/^\t\(skiff_[a-z_]*\);$/\1/p' "$SRCDIR/libcontainer/libskiff.sym" | sort -u)
	assert_equal "$listed" "$(header_functions)"
	assert_equal "$exported" "$(header_functions)"
	# each under the version node
	run nm -D --defined-only "$INST_LIBDIR/libskiff.so"
	assert_line --regexp ' T skiff_container_create@@SKIFF_[0-9]+\.[0-9]+$'
}

@test "the CLI uses only the public API" {
	# what cmd/ includes of the project: its own headers, skiff.h, config.h
	run grep -hoE '^#include "[^"]+"' "$SRCDIR"/cmd/*.c "$SRCDIR"/cmd/*.h
	local inc
	for inc in $(echo "$output" | sed 's/#include //; s/"//g' | sort -u); do
		case $inc in
		skiff.h | config.h) ;;
		*) [ -f "$SRCDIR/cmd/$inc" ] || fail "cmd/ includes $inc" ;;
		esac
	done
	# and every library symbol its objects reach is a public one
	local lib_defined used
	lib_defined=$(nm --defined-only "$BUILDDIR/.libs/libskiff-internal.a" 2>/dev/null |
		awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u)
	[ -n "$lib_defined" ] || fail "no symbols in libskiff-internal.a"
	used=$(nm -u "$BUILDDIR"/cmd/*.o | awk '{print $2}' | sort -u)
	local private
	private=$(comm -12 <(echo "$lib_defined") <(echo "$used") | grep -vxF -f <(header_functions) || true)
	[ -z "$private" ] || fail "the CLI calls internal functions: $private"
}
