/* SPDX-License-Identifier: MIT */
/*
 * TCP_NODELAY for paho.mqtt.c, which never sets it: with Nagle's algorithm
 * and the peer's delayed ACK, each sequential QoS 1 round trip through the
 * broker costs ~44 ms instead of ~0.1 ms.
 *
 * The Makefile links paho statically with -Wl,--wrap=socket (and
 * -Wl,-u,__wrap_socket so this object is always pulled from the archive):
 * every socket() call in the statically linked objects (paho and ours) lands
 * here. Shared libraries (libcurl, libmicrohttpd, libc itself) are not
 * affected: --wrap rewrites references at static link time only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* Declared here, not in a header: only the linker calls them by these names. */
int __real_socket(int domain, int type, int protocol);
int __wrap_socket(int domain, int type, int protocol);

/* socket(2), then TCP_NODELAY on a TCP socket; best effort, errno kept. */
int __wrap_socket(int domain, int type, int protocol)
{
	int fd = __real_socket(domain, type, protocol);
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int saved = errno;
	int one = 1;

	if (fd >= 0 && (domain == AF_INET || domain == AF_INET6) && base == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP)) {
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		errno = saved;
	}
	return fd;
}
