/* The kick: a signal that ends a host call's interruptible sleep.
 *
 * The program can make some of the sentry's host calls sleep: a TCP
 * socket's close lingers (SO_LINGER), an open or a truncate waits for a
 * lease it breaks to be let go (F_SETLEASE, up to lease-break-time). Each
 * such sleep ends at a signal. Between kick_begin() and kick_end() the
 * calling thread gets KICK_SIGNAL every KICK_MS from a timer of its own,
 * and has it unblocked: a sleeping call returns within a tick (EINTR; a
 * close has closed all the same). The handler does nothing and has no
 * SA_RESTART. Outside, the signal stays blocked on that thread, so a tick
 * that comes after kick_end() stays pending and is taken, harmlessly, at
 * the next kick_begin(). Nothing else of veil's uses KICK_SIGNAL.
 *
 * A child forked by a thread between the two calls inherits neither the
 * timer nor a pending tick. */
#ifndef VEIL_BASE_KICK_H
#define VEIL_BASE_KICK_H

#include <signal.h>
#include <stdbool.h>

#define KICK_SIGNAL SIGRTMIN
#define KICK_MS 5

/* Installs the handler (process-wide, once): false if it cannot be. */
bool kick_install(void);
/* Arms the calling thread's timer and unblocks the signal: false (and
 * nothing armed) if the thread cannot have one; the call that follows is
 * then not bounded. */
bool kick_begin(void);
/* After kick_begin() returned true. */
void kick_end(void);

#endif
