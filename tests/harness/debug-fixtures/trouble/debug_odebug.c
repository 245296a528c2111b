// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture: frees a pending timer: DEBUG_OBJECTS reports "ODEBUG: free
 * active" (and deactivates the timer, so nothing runs after the free).
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timer.h>

static void debug_odebug_fn(struct timer_list *t)
{
}

static int __init debug_odebug_init(void)
{
	struct timer_list *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	timer_setup(t, debug_odebug_fn, 0);
	mod_timer(t, jiffies + 3600 * HZ);
	kfree(t);
	return 0;
}

static void __exit debug_odebug_exit(void)
{
}

module_init(debug_odebug_init);
module_exit(debug_odebug_exit);
MODULE_LICENSE("GPL");
