// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.5 replaced sendpage with the MSG_SPLICE_PAGES flag of sendmsg: the
 * pages of a bio_vec iterator are then sent by reference (zero-copy), where
 * the device allows.
 */
#include <linux/socket.h>

int probe_flag = MSG_SPLICE_PAGES;
