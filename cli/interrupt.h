/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_INTERRUPT_H
#define NC_CLI_INTERRUPT_H

/*
 * Ctrl-C (SIGINT) and SIGTERM for long commands (tail, sync now --wait)
 * and the shell: while caught, a signal only sets a flag and interrupts
 * blocking calls (no SA_RESTART); the loops poll the flag. Catching nests:
 * the handlers are restored when the outermost catch is released.
 */

#include <stdbool.h>

void cli_interrupt_catch(void);
void cli_interrupt_release(void);
/* The signal caught since the last clear (SIGINT or SIGTERM), or 0. */
int cli_interrupted(void);
void cli_interrupt_clear(void);

#endif
