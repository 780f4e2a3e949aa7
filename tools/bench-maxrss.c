/* bench-maxrss.c - peak RSS of a command and the children it waited for, as
 * /usr/bin/time -f %M reports it, from a launcher small enough not to hide
 * it: Linux keeps maxrss across exec, so the launcher's own pre-exec RSS is a
 * floor under every figure (1.3 MB for /usr/bin/time, glibc and dynamic).
 * Usage: bench-maxrss CMD [ARGS...]; prints the KB on stderr, exits with
 * the command's status. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int st;
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = vfork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return 1;
	fprintf(stderr, "%ld\n", ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
