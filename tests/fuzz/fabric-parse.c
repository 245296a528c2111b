/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the fabric parser and checks on any bytes; for what they
 * accept, the serialiser round trip and the plan's idempotence and rollback
 * on the in-memory fake kernel. A broken promise aborts (a crash to libFuzzer). */
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric.h"
#include "plan.h"

#define NAME "fuzz.json"

static void require(bool condition, const char *what)
{
	if (condition)
		return;
	fprintf(stderr, "fabric-parse: broken: %s\n", what);
	abort();
}

/* An error result comes with errors, each naming the file; success with none. */
static void check_errors(int r, struct fabric_errors *errors)
{
	size_t i;

	require(r == 0 || r == -EINVAL || r == -ENOMEM, "a parse or check result is 0 or -EINVAL");
	require((r == 0) == (errors->count == 0), "errors are reported exactly when refused");
	for (i = 0; i < errors->count; i++) {
		require(!strncmp(errors->lines[i], NAME, strlen(NAME)), "an error names the file");
		require(strncmp(errors->lines[i], NAME ": cannot parse: ",
				strlen(NAME ": cannot parse: ")),
			"json-c builds a tree from all the syntax check accepts");
	}
	fabric_errors_clear(errors);
}

static char *serialise(const struct fabric *fabric)
{
	char *text = NULL;

	require(fabric_to_json(fabric, &text) == 0, "a parsed fabric serialises");
	return text;
}

/* The text of FABRIC parses back and serialises to the same text. */
static void check_round_trip(const struct fabric *fabric)
{
	_cleanup_(fabric_freep) struct fabric *again = NULL;
	_cleanup_free_ char *text = serialise(fabric), *second = NULL;
	struct fabric_errors errors = { 0 };

	require(fabric_parse(text, strlen(text), NAME, &again, &errors) == 0,
		"the serialised fabric parses");
	fabric_errors_clear(&errors);
	second = serialise(again);
	require(!strcmp(text, second), "parse -> serialise -> parse -> serialise is stable");
}

/* From FROM (a kernel's report: every attribute set), the plan to DESIRED runs
 * on the fake kernel, leaves nothing to do, and its inverse undoes it. */
static void check_plan(const struct fabric *desired, const struct fabric *from, bool prune)
{
	_cleanup_(fabric_freep) struct fabric *kernel = fabric_new();
	_cleanup_(plan_freep) struct plan *plan = NULL, *again = NULL, *inverse = NULL;
	_cleanup_free_ char *before = NULL, *after = NULL, *text = NULL;
	struct json_object *json;
	size_t executed;
	int r;

	require(kernel && fabric_merge(kernel, from) == 0, "a fabric copies");
	before = serialise(kernel);
	require(plan_compute(desired, kernel, prune, &plan) == 0, "a checked fabric has a plan");
	require(plan_to_text(plan, &text) == 0, "a plan renders");
	json = plan_to_json(plan);
	require(json != NULL, "a plan renders as JSON");
	json_object_put(json);
	r = plan_apply_in_memory(plan, kernel, &executed);
	/* devices FROM keeps without prune may fill a bus beyond 256 */
	if (r == -ENOSPC && !prune && from->device_count)
		return;
	require(r == 0, "the fake kernel takes the plan");
	require(plan_compute(desired, kernel, prune, &again) == 0 && again->count == 0,
		"a plan applied leaves nothing to do");
	require(plan_inverse(plan, plan->count, &inverse) == 0 &&
		plan_apply_in_memory(inverse, kernel, &executed) == 0, "the fake kernel takes the inverse");
	after = serialise(kernel);
	require(!strcmp(before, after), "the inverse restores the kernel");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char kernel_text[] =
		"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"loop\","
		" \"region_size\": 1048576}], \"devices\": ["
		" {\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\", \"mac\": \"02:00:00:00:00:01\","
		" \"mtu\": 1500, \"zcthresh\": 256, \"wmem\": 1048576, \"txqlen\": 1000,"
		" \"ifname\": \"vbt-web0\", \"bridge\": \"br0\"},"
		" {\"name\": \"old0\", \"type\": \"venet\", \"mac\": \"02:00:00:00:00:02\", \"mtu\": 9000,"
		" \"zcthresh\": 0, \"wmem\": 2097152, \"txqlen\": 1000, \"ifname\": \"vbt-old0\"}]}";
	_cleanup_(fabric_freep) struct fabric *fabric = NULL, *kernel = NULL, *empty = fabric_new();
	struct fabric_errors errors = { 0 };
	int r;

	r = fabric_parse((const char *)data, size, NAME, &fabric, &errors);
	check_errors(r, &errors);
	if (r < 0)
		return 0;
	check_round_trip(fabric);
	/* a fuzzed file alone: its devices' buses are its own (nothing besides) */
	r = fabric_check(fabric, &errors);
	if (r != -ENOMEM)
		r = fabric_check_references(fabric, NULL, &errors) ?: r;
	check_errors(r, &errors);
	if (r < 0)
		return 0;
	require(fabric_parse(kernel_text, strlen(kernel_text), "kernel.json", &kernel, &errors) == 0,
		"the fixed kernel fabric parses");
	check_plan(fabric, empty, false);
	check_plan(fabric, kernel, false);
	check_plan(fabric, kernel, true);
	return 0;
}
