# vbus_proxy.ko (the guest bus) loads, registers the vbus-proxy bus type and
# removes it on unload.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

[ ! -e /sys/bus/vbus-proxy ] || fail "/sys/bus/vbus-proxy exists before load"
vbus_insmod vbus_proxy
[ -d /sys/bus/vbus-proxy/devices ] || fail "/sys/bus/vbus-proxy missing after load"
rmmod vbus_proxy
[ ! -e /sys/bus/vbus-proxy ] || fail "/sys/bus/vbus-proxy still present after unload"
