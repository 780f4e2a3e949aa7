/* notify-send MESSAGE - sends MESSAGE to $NOTIFY_SOCKET ('@' for an abstract name) as one
 * datagram, as sd_notify(3) does: the program of tests/sdnotify.bats's containers. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
int main(int argc, char **argv)
{
	const char *p = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (!p || argc < 2 || strlen(p) >= sizeof a.sun_path) return 2;
	strcpy(a.sun_path, p);
	if (a.sun_path[0] == '@') a.sun_path[0] = 0;
	return sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + strlen(p)) < 0;
}
