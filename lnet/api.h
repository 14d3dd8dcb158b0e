/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API that lnet.ko exports to its users (lustre.ko, lnet_selftest.ko):
 * plain C functions, so that the modules share no Rust ABI. The users' Rust
 * declarations are generated from this header by bindgen (rust/lnet_api
 * wraps them in safe types); lnet.ko implements it in Rust (lnet/api.rs) and
 * exports it from C (lnet/exports.c).
 *
 * The model is LNet's: a memory descriptor (MD) is a buffer and what may be
 * done to it. An MD attached to a portal with match bits receives the PUTs
 * and answers the GETs of peers that match; an MD bound alone is the source
 * of a PUT or the sink of a GET that this node starts. Every operation on an
 * MD ends in an event given to the MD's handler; the MD is unlinked when its
 * threshold of operations is used up or when lnet_md_unlink() is called,
 * and the last event it gives has @unlinked set. Until then lnet.ko may read
 * or write its memory, which the user must keep valid.
 *
 * LNET_API_VERSION changes whenever something here changes, and users
 * refuse to load against an lnet.ko of another version.
 */
#ifndef RUSTRE_LNET_API_H
#define RUSTRE_LNET_API_H

#define LNET_API_VERSION 3

/* Any PID, any NID: for the match_id of lnet_md_attach(). */
#define LNET_PID_ANY		0xffffffffU
#define LNET_NID_ANY		0xffffffffffffffffULL

/* lnet_md.options */
#define LNET_MD_OP_PUT		0x1	/* peers may PUT into it */
#define LNET_MD_OP_GET		0x2	/* peers may GET from it */
#define LNET_MD_MANAGE_REMOTE	0x4	/* use the offset the peer asks */
#define LNET_MD_TRUNCATE	0x8	/* take what fits of a larger PUT */
#define LNET_MD_ACK_DISABLE	0x10	/* never send ACKs for PUTs into it */
#define LNET_MD_KIOV		0x20	/* start is an array of struct lnet_kiov */

/* The most fragments of an LNET_MD_KIOV MD. */
#define LNET_MAX_IOV		256

/* lnet_md.threshold: no limit. */
#define LNET_MD_THRESH_INF	(-1)

/* lnet_event.type */
#define LNET_EVENT_GET		1	/* a peer got data from the MD */
#define LNET_EVENT_PUT		2	/* a peer put data into the MD */
#define LNET_EVENT_REPLY	3	/* the data of our GET arrived */
#define LNET_EVENT_ACK		4	/* the peer acknowledged our PUT */
#define LNET_EVENT_SEND		5	/* our PUT or GET was sent */
#define LNET_EVENT_UNLINK	6	/* the MD was unlinked by the user */

/**
 * struct lnet_process_id - a process on an LNet network
 * @nid: its NID (lnet_nid_t)
 * @pid: its PID (12345 for kernel Lustre)
 */
struct lnet_process_id {
	unsigned long long nid;
	unsigned int pid;
};

/**
 * struct lnet_event - what happened to an MD
 * @type: LNET_EVENT_*
 * @status: 0, or a negative errno when the operation failed
 * @unlinked: this is the MD's last event
 * @initiator: the process that started the operation
 * @match_bits: the operation's match bits
 * @hdr_data: the data of the PUT's header
 * @rlength: the length the operation asked for
 * @mlength: the length that was moved
 * @offset: where in the MD the data went or came from
 * @md_handle: the MD
 * @user_ptr: the MD's user_ptr
 */
struct lnet_event {
	int type;
	int status;
	int unlinked;
	struct lnet_process_id initiator;
	unsigned long long match_bits;
	unsigned long long hdr_data;
	unsigned int rlength;
	unsigned int mlength;
	unsigned int offset;
	unsigned long long md_handle;
	void *user_ptr;
};

struct page;

/**
 * struct lnet_kiov - a part of a page, for an LNET_MD_KIOV MD
 * @page: the page, which need not be mapped
 * @offset: where the part starts in it
 * @len: its length; @offset + @len is at most PAGE_SIZE
 */
struct lnet_kiov {
	struct page *page;
	unsigned int offset;
	unsigned int len;
};

/**
 * struct lnet_md - a buffer and what may be done to it
 * @start: the buffer: @length bytes of kernel memory; with LNET_MD_KIOV, an
 *	array of @length struct lnet_kiov (at most LNET_MAX_IOV), whose pages
 *	make the buffer in order (the array itself is copied)
 * @length: its length, at most 1 MiB (LNET_MTU) in all
 * @threshold: the operations it takes before it is unlinked, or
 *	LNET_MD_THRESH_INF
 * @options: LNET_MD_*
 * @handler: called with each event, from a thread of lnet.ko that must not
 *	sleep long; never called again after the event with @unlinked set
 * @user_ptr: given back in the events
 */
struct lnet_md {
	void *start;
	unsigned int length;
	int threshold;
	unsigned int options;
	void (*handler)(const struct lnet_event *ev);
	void *user_ptr;
};

/**
 * lnet_api_version() - the LNET_API_VERSION that lnet.ko was built with
 */
unsigned int lnet_api_version(void);

/**
 * lnet_md_attach() - receive PUTs and answer GETs on @portal
 * @portal: the portal (0 is LNet's own)
 * @match_id: the peers that may match (LNET_NID_ANY, LNET_PID_ANY: all)
 * @match_bits: the match bits, compared except where @ignore_bits are set
 * @ignore_bits: the bits not compared
 * @md: the buffer
 * @handle: where the MD's handle is written
 *
 * Return: 0, -EINVAL for a bad MD, -ENETDOWN, -ENOMEM.
 */
int lnet_md_attach(unsigned int portal, struct lnet_process_id match_id,
		   unsigned long long match_bits,
		   unsigned long long ignore_bits, const struct lnet_md *md,
		   unsigned long long *handle);

/**
 * lnet_md_bind() - an MD for lnet_put() or lnet_get()
 * @md: the buffer
 * @handle: where the MD's handle is written
 *
 * Return: 0, -EINVAL for a bad MD, -ENETDOWN, -ENOMEM.
 */
int lnet_md_bind(const struct lnet_md *md, unsigned long long *handle);

/**
 * lnet_md_unlink() - unlink an MD
 * @handle: the MD
 *
 * Its handler gets LNET_EVENT_UNLINK once no operation uses it any more.
 * Return: 0, or -ENOENT when it is already unlinked.
 */
int lnet_md_unlink(unsigned long long handle);

/**
 * lnet_put() - send the whole MD @handle to @target
 * @handle: the MD
 * @ack: ask the target for an ACK
 * @target: the receiving process
 * @portal: its portal
 * @match_bits: the match bits
 * @offset: the offset asked in the target's MD
 * @hdr_data: data for the target's event
 *
 * The PUT is queued: this never waits for the network, only for a
 * connection to @target when there is none yet. The MD gets
 * LNET_EVENT_SEND once it has gone (its status says when it could not),
 * then with @ack LNET_EVENT_ACK.
 * Return: 0, or a negative errno when nothing was queued (and no event
 * comes).
 */
int lnet_put(unsigned long long handle, int ack, struct lnet_process_id target,
	     unsigned int portal, unsigned long long match_bits,
	     unsigned int offset, unsigned long long hdr_data);

/**
 * lnet_get() - fetch up to the MD's length from @target into MD @handle
 * @handle: the MD
 * @target: the process that has the data
 * @portal: its portal
 * @match_bits: the match bits
 * @offset: the offset in the target's MD
 *
 * The GET is queued, as by lnet_put(). The MD gets LNET_EVENT_SEND, then
 * LNET_EVENT_REPLY with the data.
 * Return: 0, or a negative errno when nothing was queued (and no event
 * comes).
 */
int lnet_get(unsigned long long handle, struct lnet_process_id target,
	     unsigned int portal, unsigned long long match_bits,
	     unsigned int offset);

#endif /* RUSTRE_LNET_API_H */
