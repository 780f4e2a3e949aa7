/* seccomp.h - linux.seccomp compiled to classic BPF, installed, notified (seccomp.c). */
#ifndef GRID_SECCOMP_H
#define GRID_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "caps.h"
#include "kernel.h"
#include "spec.h"
#include "state.h"

/* How long the runtime waits for listenerPath to accept, and then to read
 * the container process state, before it fails instead of hanging. */
#define LISTENER_TIMEOUT 10

struct sc_prog {
	struct sock_filter *insn; /* NULL: no filter */
	size_t len;
	unsigned flags;        /* for seccomp(2), NEW_LISTENER included when notify */
	bool notify;
};

const char *seccomp_native_arch(void);  /* its SCMP_ARCH_* name */
enum sc_names { SC_ACTIONS, SC_OPERATORS, SC_ARCHS, SC_FLAGS };
const char *seccomp_name(enum sc_names kind, size_t i);
/* Compiles for a kernel of architecture `native` (an SCMP_ARCH_* name); linear:
 * a chain of compares instead of a binary search (for comparison only). */
int seccomp_compile(const struct seccomp *sc, const char *native, bool linear, struct sc_prog *out);
void seccomp_prog_free(struct sc_prog *p);
/* Runs the program over seccomp_data fields; returns its SECCOMP_RET_* and counts the steps. */
uint32_t seccomp_run(const struct sc_prog *p, uint32_t nr, uint32_t arch, const uint64_t *args, size_t *steps);
int seccomp_lookup(const char *name, const char *arch, uint32_t *nr); /* -1, no error recorded: unknown */
void seccomp_dump(const struct sc_prog *p, struct buf *b);
/* `grid debug seccomp`: the program of a bundle's config, one instruction a
 * line; with a syscall name, what it returns for it and in how many steps. */
int seccomp_debug(const char *bundle, const char *arch, bool linear, const char *syscall_name);
/* In the init: whether the filter must go in before the capabilities are dropped. */
bool seccomp_early(const struct spec *s, const struct caps *c);
/* Installs the filter; with notify, *notify_fd is the listener's fd (else -1). */
int seccomp_install(const struct sc_prog *p, int *notify_fd);
/* Sends the listener fd and the container process state on listener, a
 * connection to listenerPath, and closes it. */
int seccomp_send_listener(int listener, int fd, const struct spec *s, const struct state *st, enum status status,
			  pid_t pid);

#endif
