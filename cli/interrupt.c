/* SPDX-License-Identifier: MIT */
#include "interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t caught;
static int depth;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
	caught = sig;
}

void cli_interrupt_catch(void)
{
	struct sigaction sa;

	if (depth++ > 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocking reads return EINTR */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	caught = 0;
}

void cli_interrupt_release(void)
{
	if (depth == 0 || --depth > 0)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
}

int cli_interrupted(void)
{
	return caught;
}

void cli_interrupt_clear(void)
{
	caught = 0;
}
