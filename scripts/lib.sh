# SPDX-License-Identifier: GPL-2.0
# Shared settings for the Rustre scripts (sourced, not run).
#
# RUSTRE_CACHE holds everything that is expensive to make again and must stay
# out of the repository: unpacked kernel trees, pinned tools, VM images.

RUSTRE_CACHE=${RUSTRE_CACHE:-/var/cache/rustre}
RUSTRE_TOOLS=$RUSTRE_CACHE/tools

# The Rust toolchain that builds the kernel and every module for it. Rust has
# no stable ABI, so the modules must use the rustc that built the tree.
KERNEL_RUSTC=${KERNEL_RUSTC:-/usr/bin/rustc}
KERNEL_CLIPPY_DRIVER=${KERNEL_CLIPPY_DRIVER:-/usr/bin/clippy-driver}
BINDGEN=${BINDGEN:-$RUSTRE_TOOLS/bin/bindgen}
BINDGEN_VERSION=0.73.2

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# Print a progress line; scripts talk on stderr so that stdout stays data.
say() {
	echo "== $*" >&2
}
