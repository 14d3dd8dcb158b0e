# Loading lustre.ko registers the "lustre" file system type; unloading it
# unregisters it.
. /rustre/lib.sh

grep -qw lustre /proc/filesystems && fail "lustre registered before loading"
must modprobe lustre
grep -q '^nodev	lustre$' /proc/filesystems || fail "lustre not in /proc/filesystems"
must rmmod lustre
must rmmod lnet
grep -qw lustre /proc/filesystems && fail "lustre still registered after unloading"
exit 0
