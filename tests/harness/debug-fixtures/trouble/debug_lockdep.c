// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture: takes two mutexes in both orders (one thread, so no deadlock):
 * lockdep reports a possible circular locking dependency.
 */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(debug_lockdep_a);
static DEFINE_MUTEX(debug_lockdep_b);

static int __init debug_lockdep_init(void)
{
	mutex_lock(&debug_lockdep_a);
	mutex_lock(&debug_lockdep_b);
	mutex_unlock(&debug_lockdep_b);
	mutex_unlock(&debug_lockdep_a);

	mutex_lock(&debug_lockdep_b);
	mutex_lock(&debug_lockdep_a);
	mutex_unlock(&debug_lockdep_a);
	mutex_unlock(&debug_lockdep_b);
	return 0;
}

static void __exit debug_lockdep_exit(void)
{
}

module_init(debug_lockdep_init);
module_exit(debug_lockdep_exit);
MODULE_LICENSE("GPL");
