/* proto.h - the runtime <-> init protocol (proto.c): typed messages over a
 * SOCK_SEQPACKET pair, one record each, fds attached. */
#ifndef GRID_PROTO_H
#define GRID_PROTO_H

/* On the wire a message is its kind (one byte) and its text. */
enum msg_kind {
	MSG_MAPS = 'U',       /* stage 1: the user namespace exists, write its id maps */
	MSG_MAPS_DONE = 'u',  /* runtime: they are written */
	MSG_PID = 'P',        /* stage 1, exec's child: num is the process's host pid */
	MSG_TERMINAL = 'T',   /* init, exec's process: fd is the terminal's master */
	MSG_HOOKS = 'H',      /* init: before pivot_root; run prestart and createRuntime now */
	MSG_HOOKS_DONE = 'h', /* runtime: they ran */
	MSG_READY = 'K',      /* init: set up, waiting for start (layer helper: fd is the layer) */
	MSG_GO = 'G',         /* runtime: the state is recorded; num is the init's host pid */
	MSG_ERROR = 'E',      /* any: setup failed; text is the error */
};

struct msg {
	enum msg_kind kind;
	int fd;               /* passed with MSG_TERMINAL or MSG_READY, else -1 */
	long num;             /* MSG_PID, MSG_GO */
	char text[1024];      /* MSG_ERROR */
};

/* Sends kind with text (NULL: none) and fd (-1: none); -1 with the error recorded. */
int msg_send(int sock, enum msg_kind kind, const char *text, int fd);
int msg_send_num(int sock, enum msg_kind kind, long num);
/* Tells the peer our last error; the peer may be gone (nothing then to tell). */
void msg_send_error(int sock);
/* One message: 1, 0 at the peer's end, -1 on error; MSG_ERROR becomes our
 * error (-1). An fd on a kind that carries none is closed. */
int msg_recv(int sock, struct msg *m);
/* One message that must be `want`: 0, else -1 with the error recorded. */
int msg_expect(int sock, enum msg_kind want, struct msg *m);

#endif
