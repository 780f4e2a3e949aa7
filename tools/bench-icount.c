/* bench-icount.c - counts the user-space instructions a command executes, by
 * single-stepping it with ptrace: the command and every process it forks,
 * until a process execs while in a mount namespace other than ours (the
 * container's own program, which is not the runtime's work). Execs in our
 * namespace (crun re-executing itself, runc's init) are counted on.
 *
 * Why: this VM has no hardware counters (perf stat -e instructions: not
 * supported), and valgrind 3.19 returns ENOSYS for fsopen/open_tree/
 * move_mount, so Grid cannot run under it unchanged. Stepping runs the real
 * binary on the real kernel; each trap is one instruction (each iteration of
 * a rep-prefixed string instruction traps too, as valgrind counts them).
 *
 * Usage: bench-icount CMD [ARGS...]; prints "instructions N processes P
 * status S" on stderr and exits with the command's status. With
 * ICOUNT_PROFILE=FILE, also writes "address count" lines there (for nm). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static char own_ns[64];

/* ICOUNT_PROFILE: instructions per address, open addressing */
#define PROF_SLOTS (1u << 20)
static unsigned long long *prof_addr, *prof_n;

static void profile(pid_t pid)
{
	struct user_regs_struct r;
	unsigned long long a;
	size_t i;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &r) < 0)
		return;
	a = r.rip;
	for (i = (a * 0x9e3779b97f4a7c15ull) >> 44; prof_addr[i] && prof_addr[i] != a; i = (i + 1) & (PROF_SLOTS - 1))
		;
	prof_addr[i] = a;
	prof_n[i]++;
}

static int foreign_mount_ns(pid_t pid)
{
	char path[64], ns[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
	n = readlink(path, ns, sizeof ns - 1);
	if (n < 0)
		return 0;
	ns[n] = 0;
	return strcmp(ns, own_ns) != 0;
}

int main(int argc, char **argv)
{
	unsigned long long count = 0;
	int live = 1, procs = 1, code = 0;
	pid_t first;
	ssize_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	n = readlink("/proc/self/ns/mnt", own_ns, sizeof own_ns - 1);
	if (n < 0) {
		perror("bench-icount: /proc/self/ns/mnt");
		return 1;
	}
	own_ns[n] = 0;
	if (getenv("ICOUNT_PROFILE")) {
		prof_addr = calloc(PROF_SLOTS, sizeof *prof_addr);
		prof_n = calloc(PROF_SLOTS, sizeof *prof_n);
		if (!prof_addr || !prof_n)
			return 1;
	}
	first = fork();
	if (first < 0) {
		perror("bench-icount: fork");
		return 1;
	}
	if (first == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	while (live > 0) {
		int st, sig, ev;
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == first)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			live--;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (pid == first && sig == SIGSTOP && count == 0 && !ev) {
			ptrace(PTRACE_SETOPTIONS, pid, NULL,
			       (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
					      PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
			sig = 0;
		} else if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK || ev == PTRACE_EVENT_CLONE) {
			live++; /* the new process reports a SIGSTOP of its own */
			procs++;
			sig = 0;
		} else if (ev == PTRACE_EVENT_EXEC) {
			if (foreign_mount_ns(pid)) {
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
				live--;
				continue;
			}
			sig = 0;
		} else if (ev) {
			sig = 0;
		} else if (sig == SIGTRAP) {
			count++; /* one instruction stepped */
			if (prof_addr)
				profile(pid);
			sig = 0;
		} else if (sig == SIGSTOP) {
			sig = 0; /* a new child's first stop, or ours */
		}
		ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(long)sig);
	}
	if (prof_addr) {
		FILE *f = fopen(getenv("ICOUNT_PROFILE"), "w");
		for (size_t i = 0; f && i < PROF_SLOTS; i++)
			if (prof_addr[i])
				fprintf(f, "%llx %llu\n", prof_addr[i], prof_n[i]);
		if (f)
			fclose(f);
	}
	fprintf(stderr, "instructions %llu processes %d status %d\n", count, procs, code);
	return code;
}
