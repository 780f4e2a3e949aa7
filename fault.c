/* fault.c - fault injection for the tests, and the second record that lets
 * `delete --force` find a container whose state file is gone or torn.
 * GRID_FAULT_STEP=N makes the runtime SIGKILL itself at the Nth fault point
 * it passes (create, start and delete mark theirs), as a crash or an OOM kill
 * would; it says which one on stderr first. Unset, a fault point costs one
 * getenv. Only the runtime's own paths have fault points, never the init. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "fail.h"
#include "fault.h"
#include "fs.h"
#include "state.h"

void fault_point(const char *name)
{
	static int passed;
	const char *step = getenv("GRID_FAULT_STEP");

	if (!step)
		return;
	if (++passed != atoi(step))
		return;
	fprintf(stderr, "grid: fault point %d (%s): killing myself\n", passed, name);
	kill(getpid(), SIGKILL);
}

/* <dir>/cgroup.path: the cgroup, written as soon as it exists, so that a
 * create killed before the state file, or a state file lost later, still
 * lets delete --force end the container's processes. */
int cgroup_record_write(const struct state *st, const char *path)
{
	return write_file_atomic(st->lockfd, "cgroup.path", path, strlen(path));
}

/* The cgroup of a container whose state does not name one: the record
 * above, else the default cgroup of this root and id when it exists (create
 * refuses a default cgroup that exists already, so it can only be this
 * container's). Fills st->cgroup; leaves it empty when there is none. */
void cgroup_record_find(struct state *st, const char *root)
{
	char path[4200], *text, cg[1024];
	size_t len;
	struct cgroup c;

	if (st->cgroup[0])
		return;
	if (path_fmt(path, sizeof path, "%s/cgroup.path", st->dir) == 0 &&
	    read_file(path, &text, &len, sizeof st->cgroup - 1) == 0) {
		if (len && text[0] == '/' && !memchr(text, 0, len))
			snprintf(st->cgroup, sizeof st->cgroup, "%.*s", (int)len, text);
		free(text);
		if (st->cgroup[0])
			return;
	}
	clear_error();
	if (cgroup_resolve(NULL, st->id, root, cg, sizeof cg) < 0 || cgroup_load(&c, cg) < 0) {
		clear_error();
		return;
	}
	for (int i = 0; i < c.n; i++)
		if (access(c.dir[i], F_OK) == 0) {
			snprintf(st->cgroup, sizeof st->cgroup, "%s", cg);
			return;
		}
}
