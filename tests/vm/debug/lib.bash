# Helpers of the debug-kernel tests (tests/vm/debug/): sourced after lib.sh.
# These tests run on the debug kernel only (tests/vm/run -k debug, make
# check-debug): on another kernel they would prove nothing they claim.

# require_debug_kernel: fail unless this kernel has KASAN, lockdep and kmemleak.
require_debug_kernel() {
	local cfg
	cfg=$(zcat /proc/config.gz 2>/dev/null) ||
		fail "no /proc/config.gz: not the debug kernel (run: tests/vm/run -k debug $0)"
	for opt in CONFIG_KASAN CONFIG_PROVE_LOCKING CONFIG_DEBUG_KMEMLEAK CONFIG_DEBUG_OBJECTS; do
		grep -qx "$opt=y" <<<"$cfg" ||
			fail "$opt is not set in $(uname -r): not the debug kernel (run: tests/vm/run -k debug)"
	done
	[ -w /sys/kernel/debug/kmemleak ] || fail "kmemleak is not active"
	grep -q '^ *debug_locks: *1' /proc/lockdep_stats ||
		fail "lockdep is off already (an earlier splat turned it off): $(grep debug_locks /proc/lockdep_stats)"
}

# lockdep_still_on: lockdep turns itself off after its first report; a test
# that ends with it off found something (the report is in its dmesg).
lockdep_still_on() {
	grep -q '^ *debug_locks: *1' /proc/lockdep_stats ||
		fail "lockdep turned itself off during the test (see its dmesg)"
}
