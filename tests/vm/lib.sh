# Helpers for VM tests: source "$VBUS_SRCDIR/tests/vm/lib.sh" at the top.
# A test is a bash script under tests/vm/<component>/; it passes by exiting 0,
# fails with any other status, and runs as root in the test VM with
# VBUS_SRCDIR, VBUS_BUILDDIR, VBUS_KVER and VBUS_MODULES set.
set -euo pipefail

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A test that cannot run says why and exits 77; the tier counts it as a skip,
# never as a pass.
skip() {
	echo "SKIP: $*"
	exit 77
}

# vbus_insmod MODULE [PARAM=VALUE...]: load a module built for this kernel,
# e.g. "vbus_insmod vbus" (kmod/vbus.ko) or "vbus_insmod vbus_proxy".
vbus_insmod() {
	local name=$1 ko
	shift
	ko=$(find "$VBUS_MODULES" -name "$name.ko" -print -quit)
	[ -n "$ko" ] || fail "module $name.ko was not built for $VBUS_KVER under $VBUS_MODULES"
	insmod "$ko" "$@"
}

# wait_seconds SECONDS DESCRIPTION CMD...: runs CMD every 0.1 s until it
# succeeds; fails the test once SECONDS have passed (wall time: under TCG one
# call of CMD may itself take seconds, so a count of polls bounds nothing).
wait_seconds() {
	local limit=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + limit))
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
		sleep 0.1
	done
}

# expect_fail CMD...: run CMD, which must fail.
expect_fail() {
	if "$@"; then
		fail "expected failure: $*"
	fi
}
