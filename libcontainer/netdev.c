/*
 * linux.netDevices (config-linux.md#network-devices, runc 1.3+): move
 * interfaces of the runtime's network namespace into the container's,
 * during create, before the init runs anything of the user's.
 *
 * For each entry: the host interface (the key) is moved and renamed (to
 * `name`, else its own name) in one RTM_NEWLINK (IFLA_NET_NS_FD +
 * IFLA_IFNAME), so a name taken in either namespace never leaves it half
 * done.  The kernel takes a moving interface down and drops its addresses;
 * as the spec asks, its permanent addresses of global scope (IPv4 and
 * IPv6, with their prefix lengths) are added again inside, and an
 * interface that was up is brought up again (MTU and hardware address move
 * with it).  Nothing else (routes, neighbours) is carried over.
 *
 * Afterwards the runtime leaves the interfaces alone, as the spec has it:
 * `delete` does not move them back.  When a network namespace the container
 * made dies, the kernel returns physical interfaces to the host's initial
 * namespace and destroys virtual ones (a veth with its peer); in one joined
 * by path they stay where they are.  A create that fails after the move
 * moves them back (netdev_return), so a failure leaves the host as it was.
 *
 * Only the runtime's side talks netlink: a socket in the container's
 * namespace is made by entering it on this thread for the socket() call
 * (a netlink socket belongs to the namespace it was made in).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "internal.h"

#define MAX_ADDRS 64

typedef struct {
	unsigned char family, prefixlen;
	unsigned int flags; /* those that say how it was added (nodad, ...) */
	unsigned char addr[16];
} netdev_addr;

#define KEPT_FLAGS (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE)

typedef struct {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[256];
} nl_req;

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = { .tv_sec = 10 };

	/* The kernel answers at once; never wait for ever on it. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A netlink socket of the network namespace nsfd. */
static int nl_open_in(int nsfd, skiff_error *err)
{
	int own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd, saved;

	if (own < 0)
		return skiff_fail(err, errno, "open the runtime's network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(own);
		return skiff_fail(err, saved, "enter the container's network namespace");
	}
	fd = nl_open();
	saved = errno;
	/* Back at once.  Failing that (the kernel gives no reason to: we hold
	 * a reference to our own namespace), this thread would go on in the
	 * container's namespace, whatever the caller does next: the one place
	 * the library stops the process rather than return. */
	if (setns(own, CLONE_NEWNET) < 0)
		abort();
	close(own);
	if (fd < 0)
		return skiff_fail(err, saved, "netlink socket");
	return fd;
}

static void add_attr(nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send a request and read its ACK: 0, or -errno. */
static int nl_call(int fd, nl_req *r)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;

	r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->h.nlmsg_seq++;
	if (send(fd, r, r->h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
}

static void link_req(nl_req *r, unsigned short type, int index)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->h.nlmsg_type = type;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = index;
}

/* The permanent addresses of global scope of interface `index`. */
static int list_addrs(int fd, int index, netdev_addr *out, size_t *n_out)
{
	nl_req r = { 0 };
	char buf[32768] __attribute__((aligned(8))); /* a dump skb can be up to 32 KiB: a smaller buffer truncates it */
	ssize_t n;

	*n_out = 0;
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.h.nlmsg_type = RTM_GETADDR;
	r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.h.nlmsg_seq = 1;
	r.ifa.ifa_family = AF_UNSPEC;
	if (send(fd, &r, r.h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			struct ifaddrmsg *ifa = NLMSG_DATA(h);
			unsigned int flags;
			const void *addr = NULL;
			int len;

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != index ||
			    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
				continue;
			flags = ifa->ifa_flags;
			len = (int)IFA_PAYLOAD(h);
			for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				if (a->rta_type == IFA_FLAGS)
					memcpy(&flags, RTA_DATA(a), sizeof(flags));
				/* IFA_LOCAL is the interface's own address where
				 * it differs from IFA_ADDRESS (point-to-point). */
				else if (a->rta_type == IFA_LOCAL ||
					 (a->rta_type == IFA_ADDRESS && !addr))
					addr = RTA_DATA(a);
			}
			if (!(flags & IFA_F_PERMANENT) || !addr || *n_out >= MAX_ADDRS ||
			    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
				continue;
			out[*n_out].family = ifa->ifa_family;
			out[*n_out].prefixlen = ifa->ifa_prefixlen;
			out[*n_out].flags = flags & KEPT_FLAGS;
			memcpy(out[*n_out].addr, addr, ifa->ifa_family == AF_INET ? 4 : 16);
			(*n_out)++;
		}
	}
}

/* Move interface `index` of the socket's namespace into nsfd as `name`. */
static int move_link(int fd, int index, int nsfd, const char *name)
{
	nl_req r;

	link_req(&r, RTM_NEWLINK, index);
	add_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_call(fd, &r);
}

/* An interface by name in the socket's namespace: index and IFF_UP. */
static int link_by_name(int fd, const char *name, int *index, bool *up)
{
	nl_req r;
	char buf[8192] __attribute__((aligned(8)));
	ssize_t got;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;

	link_req(&r, RTM_GETLINK, 0);
	add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	r.h.nlmsg_flags = NLM_F_REQUEST;
	r.h.nlmsg_seq = 3;
	if (send(fd, &r, r.h.nlmsg_len, 0) < 0)
		return -errno;
	got = recv(fd, buf, sizeof(buf), 0);
	if (got < 0)
		return -errno;
	if (!NLMSG_OK(h, (size_t)got))
		return -EPROTO;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	*index = ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	*up = ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_flags & IFF_UP;
	return 0;
}

/* Inside the container's namespace: its addresses back, and up if it was. */
static int restore_link(int fd, const char *name, bool up, const netdev_addr *addrs, size_t n)
{
	bool now_up;
	int index, rc;
	nl_req r;

	if ((rc = link_by_name(fd, name, &index, &now_up)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		memset(&r, 0, sizeof(r));
		r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
		r.h.nlmsg_type = RTM_NEWADDR;
		r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
		r.ifa.ifa_family = addrs[i].family;
		r.ifa.ifa_prefixlen = addrs[i].prefixlen;
		r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
		r.ifa.ifa_index = (unsigned int)index;
		add_attr(&r, IFA_LOCAL, addrs[i].addr, addrs[i].family == AF_INET ? 4 : 16);
		add_attr(&r, IFA_ADDRESS, addrs[i].addr, addrs[i].family == AF_INET ? 4 : 16);
		if (addrs[i].flags)
			add_attr(&r, IFA_FLAGS, &addrs[i].flags, sizeof(addrs[i].flags));
		rc = nl_call(fd, &r);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	if (!up || now_up)
		return 0;
	link_req(&r, RTM_NEWLINK, index);
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	return nl_call(fd, &r);
}

static const char *inside_name(const spec_net_device *d)
{
	return d->name && d->name[0] ? d->name : d->key;
}

/* Move interface `name` of the namespace of socket `from` into the one of
 * socket `to` (fd to_ns) as `to_name`, with its addresses and link state:
 * 0 or -errno, *moved telling whether it left `from`.  The name is checked
 * free there first: the kernel renames after the move, and a rename that
 * fails would leave the interface moved under its old name. */
static int move_one(int from, int to, int to_ns, const char *name, const char *to_name,
		    bool *moved)
{
	netdev_addr addrs[MAX_ADDRS];
	int index, other, e;
	bool up, other_up;
	size_t n;

	*moved = false;
	if ((e = link_by_name(from, name, &index, &up)) < 0)
		return e;
	if (link_by_name(to, to_name, &other, &other_up) == 0)
		return -EEXIST;
	if ((e = list_addrs(from, index, addrs, &n)) < 0)
		return e;
	trace("netDevices: move %s as %s (%s, %zu addresses)", name, to_name, up ? "up" : "down", n);
	if ((e = move_link(from, index, to_ns, to_name)) < 0)
		return e;
	*moved = true;
	return restore_link(to, to_name, up, addrs, n);
}

/* The namespaces' fds and sockets: the runtime's and the one of `init`. */
typedef struct {
	int host_ns, ns, host, inside;
} netdev_socks;

static void socks_close(netdev_socks *s)
{
	int *fds[] = { &s->host_ns, &s->ns, &s->host, &s->inside };

	for (size_t i = 0; i < 4; i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
}

/* The container's network namespace: the one the init was born in, or
 * the one its config joins by path (the init joins it only later, after
 * GO), which must not be the runtime's own. */
static int socks_open(const spec_config *cfg, pid_t init, netdev_socks *s, skiff_error *err)
{
	const spec_namespace *ns = spec_namespace_find(cfg, "network");
	struct stat a, b;
	char path[64];

	*s = (netdev_socks){ -1, -1, -1, -1 };
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)init);
	if (ns && ns->path && ns->path[0]) {
		if ((s->ns = open(ns->path, O_RDONLY | O_CLOEXEC)) < 0)
			return skiff_fail(err, errno, "open %s", ns->path);
	} else if ((s->ns = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return skiff_fail(err, errno, "open %s", path);
	}
	if ((s->host_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return skiff_fail(err, errno, "open the runtime's network namespace");
	if (fstat(s->ns, &a) == 0 && fstat(s->host_ns, &b) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		return skiff_fail_code_at(err, EINVAL, ".linux.netDevices",
					  ".linux.netDevices: the container's network namespace is the runtime's own: nothing to move the devices into");
	if ((s->host = nl_open()) < 0)
		return skiff_fail(err, errno, "netlink socket");
	s->inside = nl_open_in(s->ns, err);
	return s->inside < 0 ? -1 : 0;
}

/* Back to the runtime's namespace under their own names, the first n. */
static void move_back(const spec_linux *l, size_t n, const netdev_socks *s)
{
	for (size_t i = n; i-- > 0;) {
		const spec_net_device *d = &l->net_devices[i];
		bool moved;

		/* Under its old name if only the rename failed. */
		if (move_one(s->inside, s->host, s->host_ns, inside_name(d), d->key, &moved) == -ENODEV)
			move_one(s->inside, s->host, s->host_ns, d->key, d->key, &moved);
	}
}

int netdev_move(const spec_config *cfg, pid_t init, skiff_error *err)
{
	const spec_linux *l = cfg->linux_;
	netdev_socks s;
	size_t i = 0;
	int rc = -1;

	if (!l || !l->net_devices_len)
		return 0;
	if (socks_open(cfg, init, &s, err) < 0)
		goto out;
	for (; i < l->net_devices_len; i++) {
		const spec_net_device *d = &l->net_devices[i];
		char path[64];
		bool moved;
		int e = move_one(s.host, s.inside, s.ns, d->key, inside_name(d), &moved);

		if (e == 0)
			continue;
		snprintf(path, sizeof(path), ".linux.netDevices[\"%.20s\"]", d->key);
		skiff_fail_at(err, -e, path, "%s: move %s into the container's network namespace as %s%s",
			      path, d->key, inside_name(d),
			      e == -ENODEV ? ": no such interface on the host" :
			      e == -EEXIST ? ": the name is taken there" : "");
		i += moved;
		goto out;
	}
	rc = 0;
out:
	if (rc < 0 && s.inside >= 0)
		move_back(l, i, &s);
	socks_close(&s);
	return rc;
}

void netdev_return(const spec_config *cfg, pid_t init)
{
	const spec_linux *l = cfg->linux_;
	netdev_socks s;

	if (!l || !l->net_devices_len)
		return;
	if (socks_open(cfg, init, &s, NULL) == 0)
		move_back(l, l->net_devices_len, &s);
	socks_close(&s);
}

int netdev_check(const spec_config *cfg, skiff_error *err)
{
	const spec_linux *l = cfg->linux_;
	char path[64];

	/* What create would find first: an interface the runtime's namespace
	 * does not have.  (A name taken in the container's is only known once
	 * it exists.) */
	for (size_t i = 0; l && i < l->net_devices_len; i++) {
		if (if_nametoindex(l->net_devices[i].key))
			continue;
		snprintf(path, sizeof(path), ".linux.netDevices[\"%.20s\"]", l->net_devices[i].key);
		return skiff_fail_code_at(err, ENODEV, path, "network device %s: no such interface on the host",
					  l->net_devices[i].key);
	}
	return 0;
}
