// SPDX-License-Identifier: GPL-2.0
/*
 * Copies between lists of memory fragments (struct rustre_frag): kernel
 * virtual memory, or parts of pages that are mapped only for the copy. LNet's
 * loopback delivers a message with it, from the sender's memory descriptor
 * to the receiver's.
 */
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "compat_internal.h"

/* Where byte @at of fragment @f is, mapped if it is in a page. */
static void *frag_map(const struct rustre_frag *f, unsigned int at)
{
	if (f->page)
		return kmap_local_page(f->page) + f->offset + at;
	return f->addr + at;
}

static void frag_unmap(const struct rustre_frag *f, void *p)
{
	if (f->page)
		kunmap_local(p);
}

int rustre_frags_copy(const struct rustre_frag *dst, unsigned int ndst,
		      const struct rustre_frag *src, unsigned int nsrc,
		      unsigned long len)
{
	unsigned int d = 0, s = 0, doff = 0, soff = 0;

	while (len) {
		unsigned int n;
		void *from, *to;

		/* Skip the fragments used up (and any empty ones). */
		if (d < ndst && doff == dst[d].len) {
			d++;
			doff = 0;
			continue;
		}
		if (s < nsrc && soff == src[s].len) {
			s++;
			soff = 0;
			continue;
		}
		if (d == ndst || s == nsrc)
			return -EINVAL;
		n = min3(len, (unsigned long)(dst[d].len - doff),
			 (unsigned long)(src[s].len - soff));
		from = frag_map(&src[s], soff);
		to = frag_map(&dst[d], doff);
		memmove(to, from, n);
		frag_unmap(&dst[d], to);
		frag_unmap(&src[s], from);
		doff += n;
		soff += n;
		len -= n;
	}
	return 0;
}
