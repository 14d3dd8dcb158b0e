# Both modules load and unload 50 times; lnet.ko exposes its version and is
# a dependency of lustre.ko.
. /rustre/lib.sh

for i in $(seq 50); do
	must modprobe lustre
	grep -q '^lnet ' /proc/modules || fail "modprobe lustre did not load lnet (round $i)"
	[ -n "$(cat /sys/module/lnet/version)" ] || fail "lnet has no version"
	must rmmod lustre
	must rmmod lnet
done
grep -Eq '^(lnet|lustre) ' /proc/modules && fail "modules still loaded"
exit 0
