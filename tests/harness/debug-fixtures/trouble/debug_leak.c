// SPDX-License-Identifier: GPL-2.0
/* Fixture: allocates a buffer and forgets it: a kmemleak leak. */
#include <linux/module.h>
#include <linux/slab.h>

static void *debug_leak_ptr;

static int __init debug_leak_init(void)
{
	debug_leak_ptr = kmalloc(256, GFP_KERNEL);
	if (!debug_leak_ptr)
		return -ENOMEM;
	/* Forget it: nothing references the buffer any more. */
	WRITE_ONCE(debug_leak_ptr, NULL);
	return 0;
}

static void __exit debug_leak_exit(void)
{
}

module_init(debug_leak_init);
module_exit(debug_leak_exit);
MODULE_LICENSE("GPL");
