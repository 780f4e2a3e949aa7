/* exec.h - a new process in a running container (exec.c). */
#ifndef GRID_EXEC_H
#define GRID_EXEC_H

#include <stdbool.h>
#include <stddef.h>

struct exec_opts {
	const char *root, *id, *process, *console_socket, *pid_file, *cwd, *user;
	bool tty, detach, no_new_privs;
	int preserve_fds;
	const char **env, **caps; /* --env K=V, --cap CAP, as given */
	size_t nenv, ncaps;
	char **args;               /* the command after the id; nargs 0: the config's */
	size_t nargs;
};
int container_exec(const struct exec_opts *o);

#endif
