/* pause.c - the pod sandbox's program for tests/cri.bats (what Kubernetes' pause image does):
 * it holds the pod's namespaces, sleeps until SIGTERM or SIGINT (then exits 0), and, as pid 1 of
 * a pod that shares its PID namespace, reaps the orphans the containers leave to it.
 * Built static with musl-gcc: the image holds this one file. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void down(int sig)
{
	(void)sig;
	_exit(0);
}

static void reap(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = down;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = reap;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	for (;;)
		pause();
}
