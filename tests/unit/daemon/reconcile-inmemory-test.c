/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of vbusd's apply transaction (reconcile.c) against lib's
 * in-memory kernel (plan_apply_in_memory), with refusals injected: what is
 * applied, what a refusal rolls back, what a failed rollback says. No
 * kernel, no D-Bus. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reconcile.h"
#include "state.h"
#include "fabric-text.h"
#include "unit.h"

/* The in-memory kernel: refuses with -EIO from the operation numbered
 * REFUSE_FROM (counting from 1 over every call, rollback included) on, for
 * REFUSE_COUNT operations (0: none). */
struct fake_kernel {
	struct fabric *fabric;
	size_t calls, refuse_from, refuse_count;
	char error[64];
};

static int fake_read(void *userdata, struct fabric **actual)
{
	struct fake_kernel *kernel = userdata;

	*actual = state_copy(kernel->fabric);
	return *actual ? 0 : -ENOMEM;
}

static int fake_execute(void *userdata, const struct plan_operation *operation)
{
	struct fake_kernel *kernel = userdata;
	const struct plan one = { .operations = (struct plan_operation *)operation, .count = 1 };
	size_t executed;

	kernel->error[0] = '\0';
	kernel->calls++;
	if (kernel->refuse_count && kernel->calls >= kernel->refuse_from &&
	    kernel->calls < kernel->refuse_from + kernel->refuse_count) {
		snprintf(kernel->error, sizeof(kernel->error), "injected refusal");
		return -EIO;
	}
	return plan_apply_in_memory(&one, kernel->fabric, &executed);
}

static const char *fake_error(void *userdata)
{
	return ((struct fake_kernel *)userdata)->error;
}

/* A fabric as the desired state would be: parsed and checked. */
static struct fabric *checked(const char *text)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = parse(text);

	CU_ASSERT_EQUAL_FATAL(fabric_check(fabric, &errors), 0);
	return fabric;
}

static char *text_of(const struct fabric *fabric)
{
	char *text = NULL;

	CU_ASSERT_EQUAL_FATAL(fabric_to_json(fabric, &text), 0);
	return text;
}

/* The kernel before: one bus with one device on it. */
static const char before_text[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\",\"connector\":\"loop\"}],"
	"\"devices\":[{\"name\":\"old0\",\"type\":\"venet\",\"bus\":\"vm1\",\"mtu\":1500}]}";

/* What the apply wants: old0 changed, and a second bus with two devices. */
static const char desired_text[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\",\"connector\":\"loop\"},"
	"{\"name\":\"vm2\",\"connector\":\"loop\"}],"
	"\"devices\":[{\"name\":\"old0\",\"type\":\"venet\",\"bus\":\"vm1\",\"mtu\":9000},"
	"{\"name\":\"web0\",\"type\":\"venet\",\"bus\":\"vm2\"},"
	"{\"name\":\"db0\",\"type\":\"venet\",\"bus\":\"vm2\"}]}";

struct fixture {
	struct fake_kernel kernel;
	struct executor executor;
	struct fabric *desired;
	char *before;
};

static void setup(struct fixture *fixture)
{
	*fixture = (struct fixture){ 0 };
	fixture->kernel.fabric = checked(before_text);
	fixture->desired = checked(desired_text);
	fixture->before = text_of(fixture->kernel.fabric);
	fixture->executor = (struct executor){ fake_read, fake_execute, fake_error,
					       &fixture->kernel };
}

static void teardown(struct fixture *fixture)
{
	fabric_free(fixture->kernel.fabric);
	fabric_free(fixture->desired);
	free(fixture->before);
}

static void test_apply_takes_the_kernel_to_the_desired_state(void)
{
	struct fixture fixture;
	struct apply_outcome outcome;

	setup(&fixture);
	CU_ASSERT_FALSE(reconcile_in_sync(fixture.desired, fixture.kernel.fabric));
	CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
					&(struct apply_request){ .desired = fixture.desired,
								 .source = "test" },
					&outcome), 0);
	CU_ASSERT_EQUAL(outcome.result, APPLY_OK);
	CU_ASSERT_STRING_EQUAL(outcome.error, "");
	/* vm2, web0, db0, mtu of old0, two connects */
	CU_ASSERT_EQUAL(outcome.operations, 6);
	CU_ASSERT_EQUAL(fixture.kernel.calls, 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(outcome.json, "\"changed\":true"));
	CU_ASSERT_TRUE(reconcile_in_sync(fixture.desired, fixture.kernel.fabric));
	CU_ASSERT_EQUAL(fabric_find_device(fixture.kernel.fabric, "old0")->info.venet.mtu, 9000);
	CU_ASSERT_STRING_EQUAL(fabric_find_device(fixture.kernel.fabric, "db0")->info.bus, "vm2");
	apply_outcome_clear(&outcome);
	teardown(&fixture);
}

static void test_refusal_rolls_every_operation_back(void)
{
	_cleanup_free_ char *after = NULL;
	struct fixture fixture;
	struct apply_outcome outcome;
	size_t refused;

	/* refused at each operation in turn: the kernel is always as before */
	for (refused = 1; refused <= 6; refused++) {
		setup(&fixture);
		fixture.kernel.refuse_from = refused;
		fixture.kernel.refuse_count = 1;
		CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
						&(struct apply_request){ .desired = fixture.desired,
									 .source = "test" },
						&outcome), -EIO);
		CU_ASSERT_EQUAL(outcome.result, APPLY_ROLLED_BACK);
		CU_ASSERT_PTR_NOT_NULL(strstr(outcome.error, "injected refusal; rolled back"));
		after = text_of(fixture.kernel.fabric);
		CU_ASSERT_STRING_EQUAL(after, fixture.before);
		free(after);
		after = NULL;
		apply_outcome_clear(&outcome);
		teardown(&fixture);
	}
}

static void test_refusal_says_which_operation(void)
{
	struct fixture fixture;
	struct apply_outcome outcome;

	setup(&fixture);
	fixture.kernel.refuse_from = 3;
	fixture.kernel.refuse_count = 1;
	reconcile_apply(&fixture.executor,
			&(struct apply_request){ .desired = fixture.desired, .source = "test" },
			&outcome);
	CU_ASSERT_PTR_NOT_NULL(strstr(outcome.error, "operation 3 of 6: "));
	/* two done, one refused, two undone */
	CU_ASSERT_EQUAL(fixture.kernel.calls, 5);
	apply_outcome_clear(&outcome);
	teardown(&fixture);
}

static void test_failed_rollback_is_said(void)
{
	struct fixture fixture;
	struct apply_outcome outcome;

	setup(&fixture);
	/* the fourth operation is refused, and so is the first undo */
	fixture.kernel.refuse_from = 4;
	fixture.kernel.refuse_count = 2;
	CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
					&(struct apply_request){ .desired = fixture.desired,
								 .source = "test" },
					&outcome), -EIO);
	CU_ASSERT_EQUAL(outcome.result, APPLY_FAILED);
	CU_ASSERT_PTR_NOT_NULL(strstr(outcome.error, "rollback failed at "));
	apply_outcome_clear(&outcome);
	teardown(&fixture);
}

static void test_dry_run_changes_nothing(void)
{
	_cleanup_free_ char *after = NULL;
	struct fixture fixture;
	struct apply_outcome outcome;

	setup(&fixture);
	CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
					&(struct apply_request){ .desired = fixture.desired,
								 .dry_run = true },
					&outcome), 0);
	CU_ASSERT_EQUAL(outcome.result, APPLY_NOT_RUN);
	CU_ASSERT_EQUAL(outcome.operations, 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(outcome.json, "\"dry_run\":true"));
	CU_ASSERT_EQUAL(fixture.kernel.calls, 0);
	after = text_of(fixture.kernel.fabric);
	CU_ASSERT_STRING_EQUAL(after, fixture.before);
	apply_outcome_clear(&outcome);
	teardown(&fixture);
}

static void test_pending_state_is_gone_after_a_rollback(void)
{
	char directory[] = "/tmp/vbus-reconcile-XXXXXX", path[64];
	struct fixture fixture;
	struct apply_outcome outcome;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(directory));
	snprintf(path, sizeof(path), "%s/pending.json", directory);
	setup(&fixture);
	fixture.kernel.refuse_from = 2;
	fixture.kernel.refuse_count = 1;
	reconcile_apply(&fixture.executor,
			&(struct apply_request){ .desired = fixture.desired, .pending_file = path },
			&outcome);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	apply_outcome_clear(&outcome);
	/* kept after a success: the caller persists, then removes it */
	fixture.kernel.refuse_count = 0;
	CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
					&(struct apply_request){ .desired = fixture.desired,
								 .pending_file = path },
					&outcome), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	apply_outcome_clear(&outcome);
	teardown(&fixture);
	unlink(path);
	rmdir(directory);
}

static void test_nothing_to_do_runs_nothing(void)
{
	struct fixture fixture;
	struct apply_outcome outcome;
	struct fabric *same;

	setup(&fixture);
	same = checked(before_text);
	CU_ASSERT_EQUAL(reconcile_apply(&fixture.executor,
					&(struct apply_request){ .desired = same },
					&outcome), 0);
	CU_ASSERT_EQUAL(outcome.result, APPLY_OK);
	CU_ASSERT_EQUAL(outcome.operations, 0);
	CU_ASSERT_EQUAL(fixture.kernel.calls, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(outcome.json, "\"changed\":false"));
	fabric_free(same);
	apply_outcome_clear(&outcome);
	teardown(&fixture);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "apply takes the in-memory kernel to the desired state",
		  test_apply_takes_the_kernel_to_the_desired_state },
		{ "a refusal at any operation rolls every operation back",
		  test_refusal_rolls_every_operation_back },
		{ "a refusal says which operation", test_refusal_says_which_operation },
		{ "a failed rollback is said", test_failed_rollback_is_said },
		{ "a dry run changes nothing", test_dry_run_changes_nothing },
		{ "the pending state is gone after a rollback",
		  test_pending_state_is_gone_after_a_rollback },
		{ "nothing to do runs nothing", test_nothing_to_do_runs_nothing },
	};

	return unit_run("vbusd reconcile (in-memory kernel)", UNIT_TESTS(tests));
}
