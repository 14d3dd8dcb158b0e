// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel TCP sockets for LNet's socklnd: listen, accept, connect from a
 * chosen local port, and blocking send and receive of whole buffers and of
 * lists of fragments (kernel memory or pages).
 */
#include <linux/bvec.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat_internal.h"

#ifndef ITER_DEST
/* Before 6.1 the directions of an iov_iter were READ and WRITE. */
#define ITER_SOURCE WRITE
#define ITER_DEST READ
#endif

static int sock_new(struct socket **sockp)
{
	int rc = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
				  sockp);

	if (rc)
		return rc;
	/* Ports are reused at once after a restart, as in Lustre. */
	(*sockp)->sk->sk_reuse = SK_CAN_REUSE;
	return 0;
}

static void sockaddr_in_set(struct sockaddr_in *sin, unsigned int ip,
			    unsigned short port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
	sin->sin_port = htons(port);
}

int rustre_sock_listen(struct socket **sockp, unsigned int ip,
		       unsigned short port, int backlog)
{
	struct sockaddr_in sin;
	int rc = sock_new(sockp);

	if (rc)
		return rc;
	sockaddr_in_set(&sin, ip, port);
	rc = kernel_bind(*sockp, (struct sockaddr *)&sin, sizeof(sin));
	if (!rc)
		rc = kernel_listen(*sockp, backlog);
	if (rc) {
		sock_release(*sockp);
		*sockp = NULL;
	}
	return rc;
}

int rustre_sock_accept(struct socket *lsock, struct socket **sockp)
{
	return kernel_accept(lsock, sockp, 0);
}

int rustre_sock_connect(struct socket **sockp, unsigned short local_port,
			unsigned int ip, unsigned short port,
			unsigned int timeout_ms)
{
	struct sockaddr_in sin;
	int rc = sock_new(sockp);

	if (rc)
		return rc;
	/* A blocking connect waits for at most the send timeout. */
	(*sockp)->sk->sk_sndtimeo = msecs_to_jiffies(timeout_ms);
	if (local_port) {
		sockaddr_in_set(&sin, 0, local_port);
		rc = kernel_bind(*sockp, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (!rc) {
		sockaddr_in_set(&sin, ip, port);
		rc = kernel_connect(*sockp, (struct sockaddr *)&sin, sizeof(sin), 0);
	}
	if (rc) {
		sock_release(*sockp);
		*sockp = NULL;
		return rc;
	}
	(*sockp)->sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
	return 0;
}

/*
 * Moves one fragment: its memory as a kvec, or its page as a bio_vec, which
 * the network stack maps itself. With @flags MSG_SPLICE_PAGES, a page is
 * sent by reference where the device allows (the stack copies otherwise).
 */
static int sock_frag(struct socket *sock, const struct rustre_frag *f,
		     bool send, int flags)
{
	unsigned int done = 0;

	while (done < f->len) {
		struct msghdr msg = {
			.msg_flags = send ? MSG_NOSIGNAL | flags : 0,
		};
		unsigned int len = f->len - done;
		struct kvec kv = { .iov_base = f->addr + done, .iov_len = len };
		struct bio_vec bv = {
			.bv_page = f->page,
			.bv_offset = f->offset + done,
			.bv_len = len,
		};
		int rc;

		if (f->page)
			iov_iter_bvec(&msg.msg_iter, send ? ITER_SOURCE : ITER_DEST,
				      &bv, 1, len);
		else
			iov_iter_kvec(&msg.msg_iter, send ? ITER_SOURCE : ITER_DEST,
				      &kv, 1, len);
		rc = send ? sock_sendmsg(sock, &msg) :
			    sock_recvmsg(sock, &msg, MSG_WAITALL);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -ECONNRESET;
		done += rc;
	}
	return 0;
}

static int sock_frags(struct socket *sock, const struct rustre_frag *frags,
		      unsigned int nr, bool send, int flags)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		int rc = sock_frag(sock, &frags[i], send,
				   frags[i].page ? flags : 0);

		if (rc)
			return rc;
	}
	return 0;
}

/*
 * With @zerocopy, pages are sent by reference: the caller must not change
 * them until the peer has them all (socklnd's zero-copy acknowledgment).
 * Kernels before 6.5 have no MSG_SPLICE_PAGES: their pages are copied.
 */
int rustre_sock_send_frags(struct socket *sock,
			   const struct rustre_frag *frags, unsigned int nr,
			   int zerocopy)
{
#ifdef HAVE_MSG_SPLICE_PAGES
	int flags = zerocopy ? MSG_SPLICE_PAGES : 0;
#else
	int flags = 0;
#endif

	return sock_frags(sock, frags, nr, true, flags);
}

int rustre_sock_recv_frags(struct socket *sock,
			   const struct rustre_frag *frags, unsigned int nr)
{
	return sock_frags(sock, frags, nr, false, 0);
}

void rustre_sock_set_rcvtimeo(struct socket *sock, unsigned int timeout_ms)
{
	lock_sock(sock->sk);
	sock->sk->sk_rcvtimeo = timeout_ms ? msecs_to_jiffies(timeout_ms) :
					     MAX_SCHEDULE_TIMEOUT;
	release_sock(sock->sk);
}

/*
 * TCP keepalive probes after @idle_s seconds of silence, every @interval_s,
 * @count of them, and at most @user_timeout_ms for sent data to be
 * acknowledged: a peer that went away without a word is noticed, and the
 * connection fails with ETIMEDOUT.
 */
void rustre_sock_set_keepalive(struct socket *sock, int idle_s, int interval_s,
			       int count, unsigned int user_timeout_ms)
{
	sock_set_keepalive(sock->sk);
	tcp_sock_set_keepidle(sock->sk, idle_s);
	tcp_sock_set_keepintvl(sock->sk, interval_s);
	tcp_sock_set_keepcnt(sock->sk, count);
	tcp_sock_set_user_timeout(sock->sk, user_timeout_ms);
}

void rustre_sock_peer(struct socket *sock, unsigned int *ip,
		      unsigned short *port)
{
	struct inet_sock *inet = inet_sk(sock->sk);

	*ip = ntohl(inet->inet_daddr);
	*port = ntohs(inet->inet_dport);
}

void rustre_sock_shutdown(struct socket *sock)
{
	kernel_sock_shutdown(sock, SHUT_RDWR);
}

void rustre_sock_release(struct socket *sock)
{
	sock_release(sock);
}
