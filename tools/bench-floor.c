/* bench-floor ROOTFS [--no-net]: the kernel's own cost of a container, the
 * floor of `make bench`. Clones the namespaces of the bench's config.json
 * (pid, mount, uts, ipc and, without --no-net, network), pivots into ROOTFS
 * and execs /bin/true, waiting for it. No config, no state, no cgroups, no
 * mounts besides the pivot: what a runtime adds is what it costs above this. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));
static const char *rootfs;

static int child(void *arg)
{
	(void)arg;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0 || chdir(rootfs) < 0 ||
	    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		perror("bench-floor: pivot");
		return 127;
	}
	char *argv[] = { "/bin/true", NULL };
	char *envp[] = { "PATH=/bin", NULL };
	execve(argv[0], argv, envp);
	perror("bench-floor: exec /bin/true");
	return 127;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s ROOTFS [--no-net]\n", argv[0]);
		return 2;
	}
	rootfs = argv[1];
	int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	if (!(argc > 2 && !strcmp(argv[2], "--no-net")))
		flags |= CLONE_NEWNET;
	pid_t pid = clone(child, stack + sizeof stack, flags, NULL);
	if (pid < 0) {
		perror("bench-floor: clone");
		return 127;
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
