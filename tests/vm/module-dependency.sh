# lustre.ko needs lnet.ko through a real exported symbol: depmod records the
# dependency, lustre.ko alone does not load, and lnet.ko cannot be removed
# while lustre.ko uses it.
. /rustre/lib.sh

kver=$(uname -r)
grep -q 'extra/lustre.ko: extra/lnet.ko' /lib/modules/$kver/modules.dep ||
	fail "modules.dep does not list lnet.ko as a dependency of lustre.ko"

dmesg_mark
insmod /lib/modules/$kver/extra/lustre.ko 2>/dev/null && fail "lustre.ko loaded without lnet.ko"
dmesg_has 'lustre: Unknown symbol lnet_api_version' || fail "no unknown-symbol message"

must modprobe lustre
rmmod lnet 2>/dev/null && fail "lnet.ko was removed while lustre.ko uses it"
must rmmod lustre
must rmmod lnet
exit 0
