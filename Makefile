# SPDX-License-Identifier: GPL-2.0
#
# Rustre: a Lustre client in Rust for Linux.
#
#   make                 lnet.ko and lustre.ko for the provisioned test kernel,
#                        and the userspace programs (rustre-server,
#                        rustre-client, lctl); ARCH=powerpc for ppc64le
#   make KDIR=...        the modules for another Rust-enabled kernel tree
#   make demo            build everything, boot the test VM and show it working
#   make check           every test; ends with "N passed, N failed"
#   make check-ppc64le   every kernel test on every ppc64le tree
#   make bench           the server's ceiling over loopback (RPCs/s, MB/s)
#   make fuzz            every fuzz target of the wire crate for 5 minutes
#                        (make check runs each for 10 seconds)
#   make vm-run SCRIPT=/path/to/script [FILES=dir] [CONFIG=test|debug]
#               [ARCH=powerpc [PAGES=4k|64k]]
#   make clippy          the modules with Kbuild's CLIPPY=1
#   make fmt             format all Rust code (kernel and userspace)
#   make kernel          provision the x86_64 test and debug kernel trees
#
# Kernel trees and pinned tools are cached in $(RUSTRE_CACHE)
# (default /var/cache/rustre); module builds go to build/<tree>/.

CONFIG ?= test
export RUSTRE_CACHE ?= /var/cache/rustre

# ARCH=powerpc (or ppc64le) selects the ppc64le trees, PAGES their page size.
vm_arch = $(if $(filter powerpc ppc64le,$(ARCH)),ppc64le,x86_64)
tree_args = --arch $(vm_arch) $(if $(PAGES),--pages $(PAGES))
modules_args = $(if $(KDIR),--kdir $(KDIR),$(tree_args) --config $(CONFIG))

.PHONY: all deps kernel modules clippy fmt userspace demo check check-ppc64le bench fuzz vm-run clean

all: modules userspace

deps:
	scripts/deps

kernel: deps
	scripts/kernel test
	scripts/kernel debug

modules: deps
	scripts/modules $(modules_args)

clippy: deps
	scripts/modules $(modules_args) CLIPPY=1 RUSTRE_WERROR=1

fmt:
	scripts/fmt

userspace: deps
	scripts/userspace --arch $(vm_arch)

demo: deps
	scripts/demo

check: deps
	scripts/check

check-ppc64le: deps
	scripts/check --ppc64le

bench: deps
	cargo run --release -p rustre-bench

fuzz: deps
	scripts/fuzz --time 300

vm-run: deps
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=/path/to/script [FILES=dir] [CONFIG=test|debug] [ARCH=powerpc [PAGES=4k|64k]]"; exit 2; }
	scripts/vm $(tree_args) --config $(CONFIG) --script $(SCRIPT) $(if $(FILES),--files $(FILES))

clean:
	rm -rf build target
