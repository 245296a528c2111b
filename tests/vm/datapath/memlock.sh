# A region's pinned pages count against the attaching process's
# RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, and show as its VmPin
# (include/uapi/linux/vbus_dev.h; issue 10 item 5).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
size=1048576

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
"$nl" bus-new vm2 region=$size

out=$("$va" memlock vm1 $size vm2 $((size / 2)))
echo "limit $((size / 2)): $out"
[ "$out" = "memlock first=ENOMEM pinned_kb=0 second=ENOMEM pinned_kb=0" ] ||
	fail "a region above RLIMIT_MEMLOCK: $out"
out=$("$va" memlock vm1 $size vm2 $((size * 3 / 2)))
echo "limit $((size * 3 / 2)): $out"
[ "$out" = "memlock first=ok pinned_kb=1024 second=ENOMEM pinned_kb=1024" ] ||
	fail "two regions against one limit: $out"
out=$("$va" memlock vm1 $size vm2 cap)
echo "CAP_IPC_LOCK: $out"
[ "$out" = "memlock first=ok pinned_kb=1024 second=ok pinned_kb=2048" ] ||
	fail "with CAP_IPC_LOCK: $out"
rmmod vbus
