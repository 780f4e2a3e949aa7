/* kernel.h - the kernel ABI constants and structs Grid uses that musl's
 * headers lack (musl-gcc has no kernel headers), each with the name, value
 * and layout it has in the uapi header named above it. `make check-kernel`
 * (tools/check-kernel.py) compiles every one against that header and fails
 * with the name of any that differs. A struct whose opening line says
 * "prefix" holds only the first fields of the kernel's, which takes it with
 * its size. #ifndef keeps a libc's own definition where a libc may have one:
 * musl's, or glibc's for the unit tests (its <sys/mount.h> includes
 * <linux/mount.h>). Values are spelled as Grid always used them. */
#ifndef GRID_KERNEL_H
#define GRID_KERNEL_H

#include <stdint.h>

/* <linux/mount.h>: open_tree, move_mount, fsopen, fsconfig, fsmount, mount_setattr */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#define MOVE_MOUNT_F_EMPTY_PATH 0x4
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#define FSOPEN_CLOEXEC 1
#define FSMOUNT_CLOEXEC 1
#endif
/* enum fsconfig_command's (glibc's <sys/mount.h> has the enum: a macro after it is fine) */
#define FSCONFIG_SET_FLAG 0
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#define MOUNT_ATTR__ATIME 0x70
#define MOUNT_ATTR_RELATIME 0x0
#define MOUNT_ATTR_NOATIME 0x10
#define MOUNT_ATTR_STRICTATIME 0x20
#define MOUNT_ATTR_NODIRATIME 0x80
#define MOUNT_ATTR_IDMAP 0x100000
#define MOUNT_ATTR_NOSYMFOLLOW 0x200000
#endif
#ifndef MOUNT_ATTR_SIZE_VER0
struct mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#define MOUNT_ATTR_SIZE_VER0 32
#endif
#ifndef MS_NOSYMFOLLOW /* musl has it */
#define MS_NOSYMFOLLOW 256
#endif

/* <linux/openat2.h> */
struct open_how {
	uint64_t flags, mode, resolve;
};
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10

/* <linux/loop.h>: an image rootfs on a loop device (image.c) */
#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4
#define LOOP_CONFIGURE 0x4C0A
#define LOOP_CTL_GET_FREE 0x4C82
struct loop_info64 {
	uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
	uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	uint8_t lo_file_name[64], lo_crypt_name[64], lo_encrypt_key[32];
	uint64_t lo_init[2];
};
struct loop_config {
	uint32_t fd, block_size;
	struct loop_info64 info;
	uint64_t __reserved[8];
};

/* <linux/dm-ioctl.h>: a dm-verity device over an image's loop device (verity.c) */
#define DM_NAME_LEN 128
#define DM_UUID_LEN 129
#define DM_MAX_TYPE_NAME 16
#define DM_VERSION_MAJOR 4
#define DM_READONLY_FLAG 1
#define DM_DEFERRED_REMOVE 0x20000
#define DM_BUFFER_FULL_FLAG 0x100
struct dm_ioctl {
	uint32_t version[3], data_size, data_start, target_count;
	int32_t open_count;
	uint32_t flags, event_nr, padding;
	uint64_t dev;
	char name[DM_NAME_LEN], uuid[DM_UUID_LEN], data[7];
};
struct dm_target_spec {
	uint64_t sector_start, length;
	int32_t status;
	uint32_t next;
	char target_type[DM_MAX_TYPE_NAME];
};
/* DM_LIST_DEVICES fills the data with struct dm_name_list entries: u64 dev
 * (0: no device at all), u32 next (the offset of the next entry, 0 for the
 * last), the NUL-terminated name */
#define DM_LIST_DEVICES _IOWR(0xfd, 2, struct dm_ioctl)
#define DM_DEV_CREATE _IOWR(0xfd, 3, struct dm_ioctl)
#define DM_DEV_REMOVE _IOWR(0xfd, 4, struct dm_ioctl)
#define DM_DEV_SUSPEND _IOWR(0xfd, 6, struct dm_ioctl)
#define DM_TABLE_LOAD _IOWR(0xfd, 9, struct dm_ioctl)

/* <asm/unistd.h>, the x86 one for __X32_SYSCALL_BIT (SYS_x is libc's name for __NR_x) */
#ifndef SYS_openat2 /* musl has it */
#define SYS_openat2 437
#endif
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000u
#endif

/* <linux/magic.h>: statfs f_type */
#define CGROUP2_SUPER_MAGIC 0x63677270
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572

/* <linux/sched.h> (musl has them) */
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* <linux/close_range.h> */
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* <linux/nsfs.h> */
#define NS_GET_NSTYPE 0xb703 /* _IO(0xb7, 0x3), where _IOC_NONE is 0 (x86, arm, riscv) */

/* <linux/prctl.h> (musl has them) */
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* <linux/capability.h>: capget, capset */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
#define CAP_SYS_ADMIN 21
struct __user_cap_header_struct {
	uint32_t version;
	int pid;
};
struct __user_cap_data_struct {
	uint32_t effective, permitted, inheritable;
};

/* <linux/ioprio.h> */
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

/* <linux/sched/types.h> */
struct sched_attr { /* prefix: SCHED_ATTR_SIZE_VER0, without the utilization clamps */
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

/* <linux/seccomp.h> */
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_FILTER_FLAG_TSYNC 1u
#define SECCOMP_FILTER_FLAG_LOG 2u
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW 4u
#define SECCOMP_FILTER_FLAG_NEW_LISTENER 8u
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH 16u
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV 32u
#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define SECCOMP_RET_KILL_THREAD 0x00000000u
#define SECCOMP_RET_TRAP 0x00030000u
#define SECCOMP_RET_ERRNO 0x00050000u
#define SECCOMP_RET_USER_NOTIF 0x7fc00000u
#define SECCOMP_RET_TRACE 0x7ff00000u
#define SECCOMP_RET_LOG 0x7ffc0000u
#define SECCOMP_RET_ALLOW 0x7fff0000u
#define SECCOMP_RET_ACTION_FULL 0xffff0000u
#define SECCOMP_RET_DATA 0x0000ffffu
struct seccomp_data {
	int nr;
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t args[6];
};

/* <linux/audit.h>: seccomp_data.arch */
#define AUDIT_ARCH_X86_64 0xc000003eu
#define AUDIT_ARCH_I386 0x40000003u
#define AUDIT_ARCH_AARCH64 0xc00000b7u
#define AUDIT_ARCH_ARM 0x40000028u
#define AUDIT_ARCH_RISCV64 0xc00000f3u

/* <linux/filter.h>: classic BPF, as seccomp runs it */
#define BPF_MAXINSNS 4096
struct sock_filter {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};

/* <linux/bpf_common.h>: an opcode is class | size or op | mode or source */
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_W 0x00
#define BPF_ABS 0x20
#define BPF_MEM 0x60
#define BPF_AND 0x50
#define BPF_RSH 0x70
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JGE 0x30
#define BPF_K 0x00
#define BPF_X 0x08

/* <linux/bpf.h>: eBPF, for the cgroup v2 device program */
#define BPF_ALU64 0x07
#define BPF_MOV 0xb0
#define BPF_JNE 0x50
#define BPF_EXIT 0x90
struct bpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4, src_reg : 4;
	int16_t off;
	int32_t imm;
};
#define BPF_PROG_LOAD 5
#define BPF_PROG_ATTACH 8
#define BPF_PROG_DETACH 9
#define BPF_PROG_GET_FD_BY_ID 13
#define BPF_PROG_QUERY 16
#define BPF_PROG_TYPE_CGROUP_DEVICE 15
#define BPF_CGROUP_DEVICE 6
#define BPF_F_ALLOW_MULTI 2u
#define BPF_DEVCG_DEV_BLOCK 1
#define BPF_DEVCG_DEV_CHAR 2
union bpf_attr { /* prefix: the fields of the commands above */
	struct { /* BPF_PROG_LOAD */
		uint32_t prog_type, insn_cnt;
		uint64_t insns, license;
		uint32_t log_level, log_size;
		uint64_t log_buf;
		uint32_t kern_version, prog_flags;
		char prog_name[16];
	};
	struct { /* BPF_PROG_ATTACH, BPF_PROG_DETACH */
		uint32_t target_fd, attach_bpf_fd, attach_type, attach_flags;
	};
	struct { /* BPF_PROG_QUERY */
		uint32_t target_fd, attach_type, query_flags, attach_flags;
		uint64_t prog_ids;
		uint32_t prog_cnt;
	} query;
	uint32_t prog_id; /* BPF_PROG_GET_FD_BY_ID */
};

/* <linux/netlink.h> */
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 0x1
#define NLM_F_ACK 0x4
#define NLM_F_EXCL 0x200
#define NLM_F_CREATE 0x400
#define NLM_F_DUMP 0x300
#define NLMSG_ALIGNTO 4u
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type, nlmsg_flags;
	uint32_t nlmsg_seq, nlmsg_pid;
};
struct sockaddr_nl {
	unsigned short nl_family, nl_pad;
	uint32_t nl_pid, nl_groups;
};

/* <linux/rtnetlink.h> */
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RT_SCOPE_UNIVERSE 0
struct ifinfomsg {
	unsigned char ifi_family, __ifi_pad;
	unsigned short ifi_type;
	int ifi_index;
	unsigned ifi_flags, ifi_change;
};
struct rtattr {
	uint16_t rta_len, rta_type;
};

/* <linux/if_link.h> */
#define IFLA_IFNAME 3
#define IFLA_NET_NS_FD 28

/* <linux/if_addr.h> */
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_BROADCAST 4
#define IFA_FLAGS 8
#define IFA_F_NODAD 0x02
#define IFA_F_HOMEADDRESS 0x10
#define IFA_F_PERMANENT 0x80
#define IFA_F_MANAGETEMPADDR 0x100
#define IFA_F_NOPREFIXROUTE 0x200
#define IFA_F_MCAUTOJOIN 0x400
struct ifaddrmsg {
	uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
	uint32_t ifa_index;
};

#endif
