/* SPDX-License-Identifier: MIT */
/*
 * holdconn: opens many TCP connections to a port on 127.0.0.1 and holds
 * them, for tests of the server's connection limits. Loopback only, at most
 * HOLD_MAX connections, for at most -t seconds.
 *
 *   holdconn -p PORT -n COUNT [-b 127.0.1.1] [-a ADDRS] [-f REQUEST-FILE]
 *            [-w TEXT] [-t SECONDS]
 *
 * Connections come from ADDRS source addresses from -b on (127.0.1.1,
 * 127.0.1.2, ..., carrying into the third byte), round robin, so a limit
 * per address is not what holds them back. With -f each connection sends
 * the file's bytes once connected (an HTTP request); with -w a connection
 * is "ready" once its first 4 KiB received contain TEXT. Whatever arrives is
 * read and dropped. A line "open=N ready=N closed=N failed=N" is printed
 * when the counts change (at most every 100 ms) and when it exits: open
 * connections are those connected and not closed by the server; failed
 * ones could not connect. Exits after -t seconds (default 60) or on
 * SIGTERM/SIGINT, 0 unless the arguments are wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define HOLD_MAX 20000
#define TIME_MAX 600
#define SEEN_MAX 4096

struct conn {
	int fd;
	bool ready;
	size_t seen_len;
	char seen[SEEN_MAX + 1];
};

struct counts {
	int open, ready, closed, failed;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr, "usage: holdconn -p PORT -n COUNT [-b 127.0.1.1] [-a ADDRS] "
			"[-f REQUEST-FILE] [-w TEXT] [-t SECONDS]\n");
	exit(2);
}

/* Reads path whole into *buf; exits on failure. */
static size_t slurp(const char *path, char **buf)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 4096, k;

	if (!f) {
		perror(path);
		exit(2);
	}
	*buf = malloc(cap);
	while (*buf && (k = fread(*buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap)
			*buf = realloc(*buf, cap *= 2);
	}
	fclose(f);
	if (!*buf)
		exit(2);
	return n;
}

/* One connection from src to 127.0.0.1:port; -1 when it fails. */
static int dial(struct in_addr src, unsigned short port)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_addr = src };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads what conn c has; closes it when the server did. */
static void drain(struct conn *c, const char *want, struct counts *n)
{
	char buf[8192];
	ssize_t k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t take;

	if (k < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (k <= 0) {
		close(c->fd);
		c->fd = -1;
		n->open--;
		n->closed++;
		return;
	}
	if (!want || c->ready || c->seen_len >= SEEN_MAX)
		return;
	take = (size_t)k < SEEN_MAX - c->seen_len ? (size_t)k : SEEN_MAX - c->seen_len;
	memcpy(c->seen + c->seen_len, buf, take);
	c->seen_len += take;
	c->seen[c->seen_len] = '\0';
	if (memmem(c->seen, c->seen_len, want, strlen(want))) {
		c->ready = true;
		n->ready++;
	}
}

static void report(const struct counts *n)
{
	printf("open=%d ready=%d closed=%d failed=%d\n", n->open, n->ready, n->closed, n->failed);
	fflush(stdout);
}

/* The soft limit on open files raised to the hard one, for COUNT connections. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Holds the count connections of cs (fd -1: none) until a signal or the time end (ms of
 * now_ms()), reading what arrives and reporting changed counts n at most every 100 ms; pfd
 * has room for count entries. */
static void hold(struct conn *cs, struct pollfd *pfd, long count, const char *want,
		 struct counts *n, long long end)
{
	struct counts shown = { -1, -1, -1, -1 };
	long long last_report = 0;

	while (!stop && now_ms() < end) {
		int m = 0, k;

		for (long i = 0; i < count; i++) {
			if (cs[i].fd < 0)
				continue;
			pfd[m].fd = cs[i].fd;
			pfd[m].events = POLLIN;
			m++;
		}
		k = poll(pfd, (nfds_t)m, 100);
		for (long i = 0, j = 0; k > 0 && i < count && j < m; i++) {
			if (cs[i].fd < 0 || cs[i].fd != pfd[j].fd)
				continue;
			if (pfd[j++].revents)
				drain(&cs[i], want, n);
		}
		if (memcmp(n, &shown, sizeof(*n)) != 0 && now_ms() - last_report >= 100) {
			report(n);
			shown = *n;
			last_report = now_ms();
		}
	}
}

int main(int argc, char **argv)
{
	const char *want = NULL, *reqfile = NULL, *first = "127.0.1.1";
	long port = 0, count = 0, addrs = 1, secs = 60;
	struct counts n = { 0 };
	struct in_addr base, src;
	struct pollfd *pfd;
	struct conn *cs;
	char *req = NULL;
	size_t reqlen = 0;
	long long end;
	int opt;

	while ((opt = getopt(argc, argv, "p:n:b:a:f:w:t:")) != -1) {
		switch (opt) {
		case 'p': port = strtol(optarg, NULL, 10); break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'b': first = optarg; break;
		case 'a': addrs = strtol(optarg, NULL, 10); break;
		case 'f': reqfile = optarg; break;
		case 'w': want = optarg; break;
		case 't': secs = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (port < 1 || port > 65535 || count < 1 || count > HOLD_MAX || addrs < 1 ||
	    addrs > 65000 || secs < 1 || secs > TIME_MAX || inet_pton(AF_INET, first, &base) != 1 ||
	    (ntohl(base.s_addr) >> 24) != 127 || ((ntohl(base.s_addr) + addrs) >> 24) != 127)
		usage();
	if (reqfile)
		reqlen = slurp(reqfile, &req);
	raise_nofile();
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	cs = calloc((size_t)count, sizeof(*cs));
	pfd = calloc((size_t)count, sizeof(*pfd));
	if (!cs || !pfd)
		return 1;
	end = now_ms() + secs * 1000;
	for (long i = 0; i < count && !stop && now_ms() < end; i++) {
		src.s_addr = htonl(ntohl(base.s_addr) + (uint32_t)(i % addrs));
		cs[i].fd = dial(src, (unsigned short)port);
		if (cs[i].fd < 0) {
			n.failed++;
			continue;
		}
		n.open++;
		if (req && send(cs[i].fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen)
			drain(&cs[i], want, &n);
	}
	hold(cs, pfd, count, want, &n, end);
	report(&n);
	for (long i = 0; i < count; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	free(cs);
	free(pfd);
	free(req);
	return 0;
}
