// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture: a might_sleep() with preemption disabled: DEBUG_ATOMIC_SLEEP
 * reports "BUG: sleeping function called from invalid context".
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>

static int __init debug_sleep_init(void)
{
	preempt_disable();
	might_sleep();
	preempt_enable();
	return 0;
}

static void __exit debug_sleep_exit(void)
{
}

module_init(debug_sleep_init);
module_exit(debug_sleep_exit);
MODULE_LICENSE("GPL");
