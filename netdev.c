/* netdev.c - linux.netDevices: moves named host interfaces into the container's
 * network namespace, renamed, with their permanent global addresses, and up;
 * and brings up the loopback of a new network namespace.
 * Owns a minimal NETLINK_ROUTE client (fixed buffers, no libnl; the
 * rtnetlink structs and constants are kernel.h's) and the undo that gives
 * moved interfaces back to the host when create fails.
 * Delete never moves them back: runtime-spec v1.3.0 forbids it; the kernel
 * returns physical devices to the host and destroys virtual ones. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fail.h"
#include "kernel.h"
#include "log.h"
#include "netdev.h"
#include "spec.h"
#include "util.h"

/* the flags RTM_NEWADDR takes from user space; the rest is state */
#define IFA_F_SETTABLE \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)
#define NL_ALIGN(n) (((n) + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1))

/* ---- a request, a socket, an exchange ---- */

struct nl_req {
	union {
		struct nlmsghdr h;
		char buf[512];
	} u;
};

struct nl {
	int fd;
	uint32_t seq;
};

static void *req_begin(struct nl_req *r, uint16_t type, uint16_t flags, size_t body)
{
	memset(r, 0, sizeof *r);
	r->u.h.nlmsg_len = NL_ALIGN(sizeof r->u.h + body);
	r->u.h.nlmsg_type = type;
	r->u.h.nlmsg_flags = NLM_F_REQUEST | flags;
	return r->u.buf + sizeof r->u.h;
}

/* Our attributes (a name, an fd, an address) always fit in the buffer. */
static void req_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr a = { (uint16_t)(sizeof a + len), type };

	memcpy(r->u.buf + r->u.h.nlmsg_len, &a, sizeof a);
	memcpy(r->u.buf + r->u.h.nlmsg_len + sizeof a, data, len);
	r->u.h.nlmsg_len += NL_ALIGN(sizeof a + len);
}

static int nl_open(struct nl *n)
{
	struct sockaddr_nl sa = { AF_NETLINK, 0, 0, 0 };

	n->seq = 0;
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (n->fd >= 0 && bind(n->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		close_fdp(&n->fd); /* keeps errno */
	return n->fd < 0 ? -1 : 0;
}

static void nl_close(struct nl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

typedef int nl_cb(const struct nlmsghdr *h, void *ctx);

/* One message of our request: -1 with errno for an error, 1 when the exchange is over. */
static int nl_one(const struct nlmsghdr *h, nl_cb *cb, void *ctx, int *cb_ret)
{
	if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
		int e = 0;
		if (h->nlmsg_len >= sizeof *h + sizeof e)
			memcpy(&e, h + 1, sizeof e);
		if (e < 0) {
			errno = -e;
			return -1;
		}
		return 1;
	}
	if (cb && *cb_ret == 0)
		*cb_ret = cb(h, ctx);
	return 0;
}

/* Sends the request and reads until its ACK, error or end of dump, passing
 * every other message to cb. 0, or -1 with errno (the kernel's). */
static int nl_talk(struct nl *n, struct nl_req *r, nl_cb *cb, void *ctx)
{
	static const struct sockaddr_nl kernel = { AF_NETLINK, 0, 0, 0 };
	char buf[32768] __attribute__((aligned(4)));
	int cb_ret = 0, done = 0;

	r->u.h.nlmsg_seq = ++n->seq;
	if (sendto(n->fd, r->u.buf, r->u.h.nlmsg_len, 0, (const struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -1;
	while (!done) {
		ssize_t len = recv(n->fd, buf, sizeof buf, MSG_TRUNC);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -1;
		if ((size_t)len > sizeof buf) {
			errno = EMSGSIZE;
			return -1;
		}
		for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)len && !done;) {
			const struct nlmsghdr *h = (const void *)(buf + off);
			if (h->nlmsg_len < sizeof *h || off + h->nlmsg_len > (size_t)len)
				break;
			if (h->nlmsg_seq == n->seq && (done = nl_one(h, cb, ctx, &cb_ret)) < 0)
				return -1;
			off += NL_ALIGN(h->nlmsg_len);
		}
	}
	return cb_ret;
}

/* Calls fn(type, data, len, ctx) for each attribute after a body of size body. */
static void each_attr(const struct nlmsghdr *h, size_t body, void (*fn)(int, const void *, size_t, void *), void *ctx)
{
	const char *p = (const char *)(h + 1) + NL_ALIGN(body), *end = (const char *)h + h->nlmsg_len;

	while (p + sizeof(struct rtattr) <= end) {
		struct rtattr a;
		memcpy(&a, p, sizeof a);
		if (a.rta_len < sizeof a || p + a.rta_len > end)
			break;
		fn(a.rta_type & 0x3fff, p + sizeof a, a.rta_len - sizeof a, ctx);
		p += NL_ALIGN(a.rta_len);
	}
}

/* ---- links ---- */

struct link {
	int index;
	unsigned flags;
	char name[IFNAMSIZ];
};

static void link_attr(int type, const void *data, size_t len, void *ctx)
{
	struct link *l = ctx;

	if (type == IFLA_IFNAME && len > 0 && len <= sizeof l->name) {
		memcpy(l->name, data, len);
		l->name[len - 1] = '\0';
	}
}

static int link_msg(const struct nlmsghdr *h, void *ctx)
{
	struct link *l = ctx;
	struct ifinfomsg ifi;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < sizeof *h + sizeof ifi)
		return 0;
	memcpy(&ifi, h + 1, sizeof ifi);
	l->index = ifi.ifi_index;
	l->flags = ifi.ifi_flags;
	each_attr(h, sizeof ifi, link_attr, l);
	return 0;
}

/* The link with this index (name NULL) or this name. -1 with errno (ENODEV). */
static int link_get(struct nl *n, int index, const char *name, struct link *out)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_GETLINK, NLM_F_ACK, sizeof *ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = name ? 0 : index;
	if (name)
		req_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	memset(out, 0, sizeof *out);
	if (nl_talk(n, &r, link_msg, out) < 0)
		return -1;
	if (out->index <= 0) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}

/* Moves link index (of n's namespace) into the namespace ns_fd as name. */
static int link_move(struct nl *n, int index, int ns_fd, const char *name)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);
	uint32_t fd = ns_fd;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	req_attr(&r, IFLA_NET_NS_FD, &fd, sizeof fd);
	if (name)
		req_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(n, &r, NULL, NULL);
}

static int link_up(struct nl *n, int index)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_talk(n, &r, NULL, NULL);
}

/* ---- addresses ---- */

#define NETDEV_ADDRS 64

struct addr {
	struct ifaddrmsg ifa;
	uint32_t flags; /* IFA_FLAGS, the 32-bit version of ifa.ifa_flags */
	unsigned char local[16], address[16], broadcast[16];
	uint8_t nlocal, naddress, nbroadcast;
};

struct addrs {
	int index; /* whose addresses */
	size_t n;
	bool overflow;
	struct addr a[NETDEV_ADDRS];
};

static void addr_attr(int type, const void *data, size_t len, void *ctx)
{
	struct addr *a = ctx;

	if (len > 16)
		return;
	if (type == IFA_LOCAL) {
		memcpy(a->local, data, len);
		a->nlocal = len;
	} else if (type == IFA_ADDRESS) {
		memcpy(a->address, data, len);
		a->naddress = len;
	} else if (type == IFA_BROADCAST) {
		memcpy(a->broadcast, data, len);
		a->nbroadcast = len;
	} else if (type == IFA_FLAGS && len == 4) {
		memcpy(&a->flags, data, 4);
	}
}

/* Keeps the permanent addresses of global scope, of any family (runtime-spec). */
static int addr_msg(const struct nlmsghdr *h, void *ctx)
{
	struct addrs *as = ctx;
	struct addr a = { 0 };

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < sizeof *h + sizeof a.ifa)
		return 0;
	memcpy(&a.ifa, h + 1, sizeof a.ifa);
	if ((int)a.ifa.ifa_index != as->index || a.ifa.ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	a.flags = a.ifa.ifa_flags;
	each_attr(h, sizeof a.ifa, addr_attr, &a);
	if (!(a.flags & IFA_F_PERMANENT))
		return 0;
	if (as->n == NETDEV_ADDRS)
		as->overflow = true;
	else
		as->a[as->n++] = a;
	return 0;
}

static int addrs_read(struct nl *n, int index, struct addrs *out)
{
	struct nl_req r;
	struct ifaddrmsg *ifa = req_begin(&r, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);

	ifa->ifa_family = AF_UNSPEC;
	out->index = index;
	out->n = 0;
	out->overflow = false;
	return nl_talk(n, &r, addr_msg, out);
}

static int addr_add(struct nl *n, int index, const struct addr *a)
{
	struct nl_req r;
	struct ifaddrmsg *ifa = req_begin(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
	uint32_t flags = a->flags & IFA_F_SETTABLE;

	*ifa = a->ifa;
	ifa->ifa_index = index;
	ifa->ifa_flags = flags & 0xff;
	if (a->nlocal)
		req_attr(&r, IFA_LOCAL, a->local, a->nlocal);
	if (a->naddress)
		req_attr(&r, IFA_ADDRESS, a->address, a->naddress);
	if (a->nbroadcast)
		req_attr(&r, IFA_BROADCAST, a->broadcast, a->nbroadcast);
	if (flags > 0xff)
		req_attr(&r, IFA_FLAGS, &flags, sizeof flags);
	return nl_talk(n, &r, NULL, NULL);
}

/* The address for an error text: IPv6 in full (no "::"), which is valid
 * and spares musl's inet_ntop. */
static const char *addr_text(const struct addr *a, char *out, size_t size)
{
	const unsigned char *p = a->nlocal ? a->local : a->address;
	size_t n = 0;

	if (a->ifa.ifa_family == AF_INET)
		n = (size_t)snprintf(out, size, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
	for (int i = 0; a->ifa.ifa_family == AF_INET6 && i < 16 && n < size; i += 2)
		n += (size_t)snprintf(out + n, size - n, "%s%x", i ? ":" : "", p[i] << 8 | p[i + 1]);
	if (n < size)
		snprintf(out + n, size - n, "%s/%u", n ? "" : "?", a->ifa.ifa_prefixlen);
	return out;
}

/* ---- the two namespaces ---- */

struct nets {
	int host_ns, ctr_ns;  /* /proc/self/ns/net and /proc/<init>/ns/net */
	struct nl host, ctr;  /* a netlink socket in each */
};

static void nets_close(struct nets *x)
{
	nl_close(&x->host);
	nl_close(&x->ctr);
	if (x->host_ns >= 0)
		close(x->host_ns);
	if (x->ctr_ns >= 0)
		close(x->ctr_ns);
}

/* A netlink socket lives in the namespace it was created in: enter the
 * container's to create one there, then come back to our own. */
static int nets_open(struct nets *x, pid_t pid)
{
	char path[64];

	x->host.fd = x->ctr.fd = -1;
	x->ctr_ns = -1;
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	x->host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (x->host_ns < 0)
		return fail(errno, "linux.netDevices: open /proc/self/ns/net");
	x->ctr_ns = open(path, O_RDONLY | O_CLOEXEC);
	if (x->ctr_ns < 0) {
		fail(errno, "linux.netDevices: open %s", path);
		goto bad;
	}
	if (nl_open(&x->host) < 0) {
		fail(errno, "linux.netDevices: netlink socket");
		goto bad;
	}
	if (setns(x->ctr_ns, CLONE_NEWNET) < 0) {
		fail(errno, "linux.netDevices: enter the container's network namespace");
		goto bad;
	}
	if (nl_open(&x->ctr) < 0)
		fail(errno, "linux.netDevices: netlink socket in the container's network namespace");
	if (setns(x->host_ns, CLONE_NEWNET) < 0) {
		fail(errno, "linux.netDevices: return to the runtime's network namespace");
		goto bad;
	}
	if (x->ctr.fd < 0)
		goto bad;
	return 0;
bad:
	nets_close(x);
	return -1;
}

/* ---- moving one device, and giving it back ---- */

static int add_all(struct nl *n, int index, const struct addrs *as, const char *dev, const char *where)
{
	char text[64];

	for (size_t i = 0; i < as->n; i++)
		if (addr_add(n, index, &as->a[i]) < 0)
			return fail(errno, "linux.netDevices.%s: add address %s %s", dev,
				    addr_text(&as->a[i], text, sizeof text), where);
	return 0;
}

/* Moves a device of the container back to the host under its host name, with
 * the addresses given (NULL: those it has in the container) and up if it was.
 * Called on a failed create only; problems are warnings, the error stays
 * the one that made create fail. */
static void give_back(struct nets *x, const struct netdev *d, const struct netdev_moved *m, const struct addrs *saved)
{
	struct addrs as;
	char err[1024];
	int index;

	snprintf(err, sizeof err, "%s", last_error());
	if (!saved && addrs_read(&x->ctr, m->index, &as) == 0)
		saved = &as;
	if (link_move(&x->ctr, m->index, x->host_ns, d->host_name) < 0) {
		warn("linux.netDevices.%s: move back to the host: %s", d->host_name, errtext(errno));
		return;
	}
	index = if_nametoindex(d->host_name);
	if (index > 0 && saved && add_all(&x->host, index, saved, d->host_name, "back on the host") < 0)
		warn("%s", last_error());
	if (index > 0 && m->was_up && link_up(&x->host, index) < 0)
		warn("linux.netDevices.%s: set up again on the host: %s", d->host_name, errtext(errno));
	set_error_text(err);
}

/* After a failed move request: did the kernel move the device anyway (it
 * moves first and renames after, so a taken name fails after the move)? */
static void find_half_moved(struct nets *x, const struct netdev *d, int host_index, struct netdev_moved *m)
{
	struct link l;

	if ((int)if_nametoindex(d->host_name) == host_index)
		return;
	if (link_get(&x->ctr, 0, d->host_name, &l) == 0)
		m->index = l.index;
}

/* Where the moved device is in the container: by its name, or for a %d
 * template (the kernel chose the number) by its index, which the kernel keeps
 * unless the container already uses it. */
static int find_moved(struct nets *x, const struct netdev *d, int host_index, struct link *l)
{
	const char *name = d->name ? d->name : d->host_name;
	const char *pct = strchr(name, '%');

	if (!pct)
		return link_get(&x->ctr, 0, name, l);
	if (link_get(&x->ctr, host_index, NULL, l) == 0 && !strncmp(l->name, name, pct - name))
		return 0;
	errno = ENODEV;
	return -1;
}

static int move_one(struct nets *x, const struct netdev *d, struct netdev_moved *m)
{
	struct addrs saved;
	struct link host, moved;
	const char *dev = d->host_name;

	if (link_get(&x->host, 0, dev, &host) < 0)
		return fail(errno, "linux.netDevices.%s: move into the container's network namespace", dev);
	if (addrs_read(&x->host, host.index, &saved) < 0)
		return fail(errno, "linux.netDevices.%s: read its addresses", dev);
	if (saved.overflow)
		return failx("linux.netDevices.%s: more than %d permanent addresses", dev, NETDEV_ADDRS);
	m->was_up = host.flags & IFF_UP;
	if (link_move(&x->host, host.index, x->ctr_ns, d->name) < 0) {
		if (d->name)
			fail(errno, "linux.netDevices.%s: move into the container's network namespace as \"%s\"",
			     dev, d->name);
		else
			fail(errno, "linux.netDevices.%s: move into the container's network namespace", dev);
		goto undo;
	}
	if (find_moved(x, d, host.index, &moved) < 0) {
		fail(errno, "linux.netDevices.%s: find it in the container's network namespace", dev);
		goto undo;
	}
	m->index = moved.index;
	debug("linux.netDevices.%s: moved in as %s (index %d), %zu addresses", dev, moved.name, moved.index,
	      saved.n);
	if (add_all(&x->ctr, moved.index, &saved, dev, "in the container") < 0)
		goto undo;
	if (link_up(&x->ctr, moved.index) < 0) {
		fail(errno, "linux.netDevices.%s: set up in the container", dev);
		goto undo;
	}
	return 0;
undo:
	if (!m->index)
		find_half_moved(x, d, host.index, m);
	if (m->index)
		give_back(x, d, m, &saved);
	m->index = 0;
	return -1;
}

/* ---- what create calls ---- */

/* A new network namespace has lo down; runc and crun bring it up. Called by
 * the init, in the namespace, where lo is the first link: index 1, the
 * kernel's LOOPBACK_IFINDEX (not uapi, so not in kernel.h). */
int netdev_lo_up(void)
{
	struct nl n;
	int r = nl_open(&n);

	if (r == 0) {
		r = link_up(&n, 1);
		nl_close(&n);
	}
	return r < 0 ? fail(errno, "bring lo up in the container's network namespace: RTM_NEWLINK") : 0;
}

int netdev_check(const struct spec *s)
{
	if (s->nnetdevs == 0)
		return 0;
	if (!s->ns[NS_NET].wanted)
		return failx("linux.netDevices: needs a network namespace of the container (linux.namespaces has no "
			     "\"network\" entry)");
	if (s->ns[NS_NET].path)
		return failx("linux.netDevices: needs a new network namespace of the container, not the one at %s",
			     s->ns[NS_NET].path);
	/* a typo fails here, before anything was changed */
	for (size_t i = 0; i < s->nnetdevs; i++)
		if (if_nametoindex(s->netdevs[i].host_name) == 0)
			return fail(errno == ENXIO ? ENODEV : errno,
				    "linux.netDevices.%s: move into the container's network namespace",
				    s->netdevs[i].host_name);
	return 0;
}

int netdev_move(const struct spec *s, pid_t pid, struct netdev_moved *moved)
{
	struct nets x;
	size_t i, done;

	for (i = 0; i < s->nnetdevs; i++)
		moved[i] = (struct netdev_moved){ 0, false };
	if (s->nnetdevs == 0)
		return 0;
	if (nets_open(&x, pid) < 0)
		return -1;
	for (done = 0; done < s->nnetdevs; done++)
		if (move_one(&x, &s->netdevs[done], &moved[done]) < 0)
			break;
	if (done < s->nnetdevs)
		for (i = done; i-- > 0;) {
			give_back(&x, &s->netdevs[i], &moved[i], NULL);
			moved[i].index = 0;
		}
	nets_close(&x);
	return done == s->nnetdevs ? 0 : -1;
}

void netdev_give_back(const struct spec *s, pid_t pid, struct netdev_moved *moved)
{
	struct nets x;
	bool any = false;

	for (size_t i = 0; i < s->nnetdevs; i++)
		any |= moved[i].index != 0;
	if (!any)
		return;
	if (nets_open(&x, pid) < 0) {
		warn("%s", last_error());
		return;
	}
	for (size_t i = s->nnetdevs; i-- > 0;)
		if (moved[i].index) {
			give_back(&x, &s->netdevs[i], &moved[i], NULL);
			moved[i].index = 0;
		}
	nets_close(&x);
}
