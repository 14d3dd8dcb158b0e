// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel TCP sockets for LNet's socklnd: listen, accept, connect from a
 * chosen local port, and blocking send and receive of whole buffers.
 */
#include <linux/in.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat_internal.h"

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

int rustre_sock_send(struct socket *sock, const void *buf, unsigned long len)
{
	while (len) {
		struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
		struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
		int rc = kernel_sendmsg(sock, &msg, &iov, 1, len);

		if (rc < 0)
			return rc;
		if (rc == 0)
			return -ECONNRESET;
		buf += rc;
		len -= rc;
	}
	return 0;
}

int rustre_sock_recv(struct socket *sock, void *buf, unsigned long len)
{
	while (len) {
		struct kvec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr msg = { .msg_flags = 0 };
		int rc = kernel_recvmsg(sock, &msg, &iov, 1, len, MSG_WAITALL);

		if (rc < 0)
			return rc;
		if (rc == 0)
			return -ECONNRESET;
		buf += rc;
		len -= rc;
	}
	return 0;
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
