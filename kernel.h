/* kernel.h - the kernel ABI constants and structs Grid uses that musl's
 * headers lack (musl-gcc has no kernel headers), each with the name, value
 * and layout it has in the uapi header named above it. A struct whose
 * opening line says "prefix" holds only the first fields of the kernel's,
 * which takes it with its size. #ifndef keeps a libc's own definition where
 * a libc may have one: musl's, or glibc's for the unit tests (its
 * <sys/mount.h> includes <linux/mount.h>). Values are spelled as Grid always
 * used them. */
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
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10

/* <asm/unistd.h> (SYS_x is libc's name for __NR_x) */
#ifndef SYS_openat2 /* musl has it */
#define SYS_openat2 437
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

#endif
