/*
 * run-bundle: run an OCI bundle as a container with libskiff and print
 * its exit status.  Checks the bundle first, so that every problem of its
 * config.json is shown at once (creating would stop at the first).
 *
 *   usage: run-bundle [-d] BUNDLE [ID [STATE-ROOT]]     (as root)
 *   -d: detach, as `skiff run -d`: return once the program runs
 *   build: cc -o run-bundle run-bundle.c $(pkg-config --cflags --libs skiff)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <skiff/skiff.h>

int main(int argc, char **argv)
{
	skiff_context ctx = { 0 };
	skiff_diagnostics *diags;
	skiff_error err;
	size_t i;
	int status;
	bool detach = argc > 1 && !strcmp(argv[1], "-d");

	if (detach) {
		argv++;
		argc--;
	}
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s [-d] BUNDLE [ID [STATE-ROOT]]\n", argv[0]);
		return 2;
	}
	ctx.bundle = argv[1];
	ctx.id = argc > 2 ? argv[2] : "run-bundle";
	ctx.root = argc > 3 ? argv[3] : NULL; /* NULL: SKIFF_DEFAULT_ROOT */

	if (skiff_bundle_check(ctx.bundle, &diags, &err) < 0) {
		fprintf(stderr, "run-bundle: %s\n", err.message);
		return 1;
	}
	for (i = 0; i < diags->len; i++)
		fprintf(stderr, "run-bundle: %s: %s%s%s\n",
			diags->items[i].severity == SKIFF_SEVERITY_ERROR ? "error" : "warning",
			diags->items[i].path, diags->items[i].path[0] ? ": " : "",
			diags->items[i].message);
	if (diags->errors) {
		skiff_diagnostics_free(diags);
		return 1;
	}
	skiff_diagnostics_free(diags);

	/* create + start; unless detached, wait for the process and delete
	 * the container. */
	if (skiff_container_run(&ctx, NULL, detach, &status, &err) < 0) {
		fprintf(stderr, "run-bundle: %s\n", err.message);
		return 1;
	}
	if (detach)
		printf("%s started\n", ctx.id);
	else
		printf("%s exited with status %d\n", ctx.id, status);
	return 0;
}
