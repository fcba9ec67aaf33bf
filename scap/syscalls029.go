package scap

// syscallNames029 maps a PT_SYSCALLID value (a ppm_sc code) to the syscall
// name sysdig 0.29.3 prints for it. The spec's copy of this table is
// damaged, so the names were read back from sysdig 0.29.3 itself: a capture
// of generic events carrying every code (see TestSyscallNames029).
var syscallNames029 = [...]string{
	"<unknown>", "restart_syscall", "exit", "read", "write", "open", "close", "creat",
	"link", "unlink", "chdir", "time", "mknod", "chmod", "stat", "lseek", "getpid", "mount",
	"ptrace", "alarm", "fstat", "pause", "utime", "access", "sync", "kill", "rename",
	"mkdir", "rmdir", "dup", "pipe", "times", "brk", "acct", "ioctl", "fcntl", "setpgid",
	"umask", "chroot", "ustat", "dup2", "getppid", "getpgrp", "setsid", "sethostname",
	"setrlimit", "getrusage", "gettimeofday", "settimeofday", "symlink", "lstat",
	"readlink", "uselib", "swapon", "reboot", "mmap", "munmap", "truncate", "ftruncate",
	"fchmod", "getpriority", "setpriority", "statfs", "fstatfs", "syslog", "setitimer",
	"getitimer", "uname", "vhangup", "wait4", "swapoff", "sysinfo", "fsync",
	"setdomainname", "adjtimex", "mprotect", "init_module", "delete_module", "quotactl",
	"getpgid", "fchdir", "sysfs", "personality", "getdents", "select", "flock", "msync",
	"readv", "writev", "getsid", "fdatasync", "mlock", "munlock", "mlockall", "munlockall",
	"sched_setparam", "sched_getparam", "sched_setscheduler", "sched_getscheduler",
	"sched_yield", "sched_get_priority_max", "sched_get_priority_min",
	"sched_rr_get_interval", "nanosleep", "mremap", "poll", "prctl", "rt_sigaction",
	"rt_sigprocmask", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo",
	"rt_sigsuspend", "getcwd", "capget", "capset", "sendfile", "getrlimit", "lchown",
	"getuid", "getgid", "geteuid", "getegid", "setreuid", "setregid", "getgroups",
	"setgroups", "fchown", "setresuid", "getresuid", "setresgid", "getresgid", "chown",
	"setuid", "setgid", "setfsuid", "setfsgid", "pivot_root", "mincore", "madvise",
	"gettid", "setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr",
	"listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
	"tkill", "futex", "sched_setaffinity", "sched_getaffinity", "set_thread_area",
	"get_thread_area", "io_setup", "io_destroy", "io_getevents", "io_submit", "io_cancel",
	"exit_group", "epoll_create", "epoll_ctl", "epoll_wait", "remap_file_pages",
	"set_tid_address", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
	"timer_delete", "clock_settime", "clock_gettime", "clock_getres", "clock_nanosleep",
	"tgkill", "utimes", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
	"mq_notify", "mq_getsetattr", "kexec_load", "waitid", "add_key", "request_key",
	"keyctl", "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch",
	"inotify_rm_watch", "openat", "mkdirat", "mknodat", "fchownat", "futimesat", "unlinkat",
	"renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat", "pselect6",
	"ppoll", "unshare", "set_robust_list", "get_robust_list", "splice", "tee", "vmsplice",
	"getcpu", "epoll_pwait", "utimensat", "signalfd", "timerfd_create", "eventfd",
	"timerfd_settime", "timerfd_gettime", "signalfd4", "eventfd2", "epoll_create1", "dup3",
	"pipe2", "inotify_init1", "preadv", "pwritev", "rt_tgsigqueueinfo", "perf_event_open",
	"fanotify_init", "prlimit64", "clock_adjtime", "syncfs", "setns", "getdents64",
	"socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
	"socketpair", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg",
	"sendmmsg", "recvmsg", "recvmmsg", "accept4", "semop", "semget", "semctl", "msgsnd",
	"msgrcv", "msgget", "msgctl", "shmdt", "shmget", "shmctl", "statfs64", "fstatfs64",
	"fstatat64", "sendfile64", "ugetrlimit", "bdflush", "sigprocmask", "ipc", "socketcall",
	"stat64", "lstat64", "fstat64", "fcntl64", "mmap2", "newselect", "sgetmask", "ssetmask",
	"sigpending", "olduname", "umount", "signal", "nice", "stime", "llseek", "waitpid",
	"pread64", "pwrite64", "arch_prctl", "shmat", "sigreturn", "fallocate", "newfstatat",
	"process_vm_readv", "process_vm_writev", "fork", "vfork", "setuid", "getuid", "setgid",
	"geteuid", "getgid", "setresuid", "setresgid", "getresuid", "getresgid", "finit_module",
	"bpf", "seccomp", "sigaltstack", "getrandom", "fadvise64", "renameat2", "userfaultfd",
	"openat2", "umount2", "execve", "execveat", "copy_file_range", "clone", "clone3",
}

// NumSyscalls029 is the number of syscall codes 0.29.3 knows.
const NumSyscalls029 = len(syscallNames029)

// SyscallName029 returns the name 0.29.3 gives syscall code id.
func SyscallName029(id uint16) string {
	if int(id) >= len(syscallNames029) {
		return "<unknown>"
	}
	return syscallNames029[id]
}

// SyscallNameHead returns the name current libs gives syscall code id (the
// PT_SYSCALLID of generic events in current captures).
func SyscallNameHead(id uint16) string {
	if int(id) >= len(syscallNamesHead) || syscallNamesHead[id] == "" {
		return "<unknown>"
	}
	return syscallNamesHead[id]
}

// NumSyscallsHead bounds the syscall codes of current libs.
const NumSyscallsHead = len(syscallNamesHead)
