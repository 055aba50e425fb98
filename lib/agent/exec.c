/* SPDX-License-Identifier: MIT */
/*
 * Running one command line without a shell: posix_spawnp with pipes for
 * stdin, stdout and stderr, a deadline, and the child's signals reset (the
 * agent blocks SIGTERM/SIGINT in its threads and ignores SIGPIPE; a child
 * such as wireguard-go must not inherit that).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/err.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

extern char **environ;

#define OUT_MAX (1024 * 1024) /* stdout kept; the rest is read and dropped */

struct sink {
	char *buf;
	size_t len, cap, max;
};

static void sink_put(struct sink *s, const char *p, size_t n)
{
	if (s->len + n > s->max)
		n = s->max > s->len ? s->max - s->len : 0;
	if (n == 0)
		return;
	if (s->len + n + 1 > s->cap) {
		s->cap = s->len + n + 1 > 2 * s->cap ? s->len + n + 1 : 2 * s->cap;
		s->buf = nc_xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

/* Reads what fd has now; closes it (and sets it to -1) at EOF or on error. */
static void drain(int *fd, struct sink *s)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		n = read(*fd, chunk, sizeof(chunk));
		if (n > 0) {
			sink_put(s, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(*fd);
		*fd = -1;
		return;
	}
}

/* Stderr as one line: trimmed, newlines as "; ", into r->err. */
static void flatten(const char *text, char *out, size_t n)
{
	size_t k = 0;
	bool gap = false;

	out[0] = '\0';
	for (const char *p = text ? text : ""; *p && k + 3 < n; p++) {
		if (*p == '\n' || *p == '\r') {
			gap = k > 0;
			continue;
		}
		if (gap) {
			out[k++] = ';';
			out[k++] = ' ';
			gap = false;
		}
		out[k++] = (*p == '\t') ? ' ' : *p;
	}
	while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == ';'))
		k--;
	out[k] = '\0';
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int spawn(pid_t *pid, char *const argv[], int in, int out, int err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int rc;

	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigdefault(&at, &dfl);
	rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/*
 * Writes input (NULL: none) to *in_w and reads *out_r into so and *err_r into
 * se (each -1 when not used) until pid exited and its pipes are done, or
 * deadline (monotonic ms) passed and it was killed. Closes the fds it is done
 * with. Returns whether it was killed; *wstatus is its wait status.
 */
static bool pump(pid_t pid, int64_t deadline, const char *input, int *in_w, int *out_r, int *err_r,
		 struct sink *so, struct sink *se, int *wstatus)
{
	size_t inoff = 0, inlen = input ? strlen(input) : 0;
	bool exited = false, killed = false;

	if (*in_w >= 0 && inlen == 0)
		close_fd(in_w);

	for (;;) {
		struct pollfd p[3];
		nfds_t n = 0;
		int pr;

		if (!exited && waitpid(pid, wstatus, WNOHANG) == pid)
			exited = true;
		if (!exited && nc_time_mono_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, wstatus, 0);
			exited = killed = true;
		}
		if (*in_w >= 0)
			p[n++] = (struct pollfd){.fd = *in_w, .events = POLLOUT};
		if (*out_r >= 0)
			p[n++] = (struct pollfd){.fd = *out_r, .events = POLLIN};
		if (*err_r >= 0)
			p[n++] = (struct pollfd){.fd = *err_r, .events = POLLIN};
		if (n == 0 && exited)
			break;
		/* Once it exited, take what is there: a daemon it forked may hold the pipes. */
		pr = poll(n ? p : NULL, n, exited ? 0 : 20);
		if (pr <= 0 && exited)
			break;
		for (nfds_t i = 0; pr > 0 && i < n; i++) {
			if (!p[i].revents)
				continue;
			if (p[i].fd == *in_w) {
				ssize_t w = write(*in_w, input + inoff, inlen - inoff);

				if (w > 0)
					inoff += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EINTR) || inoff == inlen)
					close_fd(in_w);
			} else if (p[i].fd == *out_r) {
				drain(out_r, so);
			} else {
				drain(err_r, se);
			}
		}
	}
	return killed;
}

int nc_agent_exec(char *const argv[], const char *input, bool want_out, int timeout_ms,
		  struct agent_exec *r)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	struct sink so = {.max = OUT_MAX}, se = {.max = 4 * NC_AGENT_ERR_MAX};
	int64_t deadline = nc_time_mono_ms() + timeout_ms;
	bool killed = false;
	int rc, wstatus = 0, ret = NC_ERR_IO;
	pid_t pid = -1;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe2(err, O_CLOEXEC) < 0 || (input && pipe2(in, O_CLOEXEC) < 0) ||
	    (want_out && pipe2(out, O_CLOEXEC) < 0)) {
		snprintf(r->err, sizeof(r->err), "cannot run `%s': %s", argv[0], strerror(errno));
		goto out;
	}
	rc = spawn(&pid, argv, in[0], out[1], err[1]);
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	if (rc != 0) {
		snprintf(r->err, sizeof(r->err), "cannot run `%s': %s", argv[0], strerror(rc));
		goto out;
	}
	for (size_t i = 0; i < 3; i++) {
		int fd = i == 0 ? in[1] : i == 1 ? out[0] : err[0];

		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	killed = pump(pid, deadline, input, &in[1], &out[0], &err[0], &so, &se, &wstatus);

	flatten(se.buf, r->err, sizeof(r->err));
	if (killed) {
		snprintf(r->err, sizeof(r->err), "`%s' did not finish within %d s: killed", argv[0],
			 timeout_ms / 1000);
	} else if (WIFEXITED(wstatus)) {
		r->status = WEXITSTATUS(wstatus);
		if (r->status == 0)
			ret = 0;
		else if (!r->err[0])
			snprintf(r->err, sizeof(r->err), "`%s' exited with status %d", argv[0],
				 r->status);
	} else if (WIFSIGNALED(wstatus)) {
		snprintf(r->err, sizeof(r->err), "`%s' was killed by signal %d", argv[0],
			 WTERMSIG(wstatus));
	}
	if (want_out) {
		r->out = so.buf ? so.buf : nc_xstrdup("");
		so.buf = NULL;
	}
out:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&err[0]);
	close_fd(&err[1]);
	free(so.buf);
	free(se.buf);
	return ret;
}
