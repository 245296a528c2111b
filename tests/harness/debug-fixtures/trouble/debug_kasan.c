// SPDX-License-Identifier: GPL-2.0
/* Fixture: writes one byte past a kmalloc'ed buffer: a KASAN report. */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init debug_kasan_init(void)
{
	size_t size = 16;
	char *p;

	OPTIMIZER_HIDE_VAR(size);
	p = kmalloc(size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p[size] = 1;
	kfree(p);
	return 0;
}

static void __exit debug_kasan_exit(void)
{
}

module_init(debug_kasan_init);
module_exit(debug_kasan_exit);
MODULE_LICENSE("GPL");
