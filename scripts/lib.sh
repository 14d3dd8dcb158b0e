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
CARGO_FUZZ=${CARGO_FUZZ:-$RUSTRE_TOOLS/bin/cargo-fuzz}
CARGO_FUZZ_VERSION=0.13.2

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# Print a progress line; scripts talk on stderr so that stdout stays data.
say() {
	echo "== $*" >&2
}

# Print, one per line, the variables that Kbuild needs to build external
# modules against the kernel tree $1: our toolchain, LLVM=1 for a clang-built
# tree, and the cross compiler for a powerpc one.
kbuild_vars() {
	local kdir=$1
	echo "RUSTC=$KERNEL_RUSTC"
	echo "CLIPPY_DRIVER=$KERNEL_CLIPPY_DRIVER"
	echo "BINDGEN=$BINDGEN"
	if grep -q '^CONFIG_CC_IS_CLANG=y' "$kdir/.config"; then
		echo LLVM=1
	fi
	if grep -q '^CONFIG_PPC64=y' "$kdir/.config"; then
		echo ARCH=powerpc
		echo CROSS_COMPILE=powerpc64le-linux-gnu-
	fi
}
