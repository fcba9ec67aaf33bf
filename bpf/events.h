//go:build ignore

// Record layouts shared by the BPF programs and the Go decoder in
// ../capture. Every record starts with struct rec_hdr, followed by nargs
// 64-bit syscall arguments and then zero or more blobs, each a struct
// blob_hdr plus len bytes. All fields are little-endian and packed only by
// natural alignment (no implicit padding in these structs).

#ifndef TRACE_EVENTS_H
#define TRACE_EVENTS_H

#define MAX_SYSCALLS 512
#define MAX_BLOBS 6

// Record kinds.
#define REC_ENTER 1
#define REC_EXIT 2
#define REC_PROCEXIT 3
#define REC_SWITCH 4

struct rec_hdr {
	__u64 ts;   // bpf_ktime_get_boot_ns()
	__u32 tid;  // thread id (kernel pid)
	__u32 pid;  // thread group id
	__s64 ret;  // syscall return value (exit), exit code (procexit)
	__u32 len;  // whole record, header included
	__u16 nr;   // x86_64 syscall number
	__u8 kind;  // REC_*
	__u8 nargs; // 64-bit words that follow the header
};

struct blob_hdr {
	__u16 len;  // data bytes after this header
	__u8 kind;  // B_* of the spec that produced it
	__u8 slot;  // index of the spec in the syscall's blob list
};

// Blob kinds: what a blob_spec asks the program to copy.
#define B_NONE 0
#define B_STR 1      // user C string at arg
#define B_BUF 2      // user buffer at arg, length from len_arg, cut to the snaplen
#define B_IOV 3      // iovec array at arg, count in len_arg: u32 total length, then data
#define B_SOCKADDR 4 // user sockaddr at arg, length in len_arg (or *len_arg with LEN_PTR)
#define B_SOCK 5     // kernel socket behind fd arg: struct sock_info
#define B_FILE 6     // kernel file behind fd arg: struct file_info
#define B_MEM 7      // size bytes of user memory at arg
#define B_TASK 8     // struct task_info of the current task
#define B_ARGS 9     // the current mm's argument area
#define B_ENV 10     // the current mm's environment area
#define B_PIPE 11    // int[2] at arg, then the inode of the first: struct pipe_info
#define B_SOCKPAIR 12 // int[2] at arg, then their sockets: struct sockpair_info
#define B_ACCEPTQ 13 // accept queue of the listening socket behind fd arg: u32 len, u32 max
#define B_MSGNAME 14 // msg_name of the user_msghdr at arg
#define B_MSGIOV 15  // data of the user_msghdr at arg: u32 total length, then data
#define B_VM 16      // struct vm_info of the current mm
#define B_POLL 17    // pollfd array at arg, count in len_arg (at most MAX_POLLFDS)
#define B_CGROUPS 18 // NUL-separated "subsys=path" of the current task
#define B_CWD 19     // working directory of the current task

// Argument selectors of blob_spec.arg / blob_spec.len_arg.
#define ARG_RET 6    // the return value instead of an argument
#define ARG_NONE 7
#define LEN_PTR 0x80 // len_arg: the argument points to an int holding the length

// blob_spec.size flags for B_IOV / B_MSGIOV / B_BUF.
#define CAP_RET 1    // copy at most ret bytes (reads)
#define NO_DATA 2    // only the total length (B_IOV at enter)

struct blob_spec {
	__u8 kind;
	__u8 arg;
	__u8 len_arg;
	__u8 size;
};

struct sc_spec {
	__u8 nargs[2]; // arguments to send at enter [0] and exit [1]
	__u8 pad[2];
	struct blob_spec blobs[2][MAX_BLOBS];
};

// Interesting-syscall bits.
#define WANT_ENTER 1
#define WANT_EXIT 2

struct sock_info {
	__u16 family;
	__u16 type;
	__u16 lport; // host order
	__u16 rport; // host order
	__u8 laddr[16];
	__u8 raddr[16];
	__u64 sk;   // kernel address of the sock (unix sockets)
	__u64 peer; // kernel address of the peer sock (unix sockets)
	char path[108];
	__u8 pad[4];
};

struct file_info {
	__u64 ino;
	__u32 dev;   // kernel dev_t of the superblock
	__u32 flags; // f_flags
	__u32 mode;  // i_mode
	__u32 pad;
};

struct pipe_info {
	__s32 fds[2];
	__u64 ino;
};

struct sockpair_info {
	__s32 fds[2];
	__u64 sk;
	__u64 peer;
};

struct vm_info {
	__u32 size_kb;
	__u32 rss_kb;
	__u32 swap_kb;
	__u32 pad;
};

struct task_info {
	__u32 tid, pid, ptid;
	__u32 vtid, vpid, vpgid;
	__u32 uid, gid; // effective
	__u32 loginuid;
	__u32 tty_major, tty_minor_start, tty_index; // tty_major == 0: no tty
	__u64 fdlimit;
	__u64 pgft_maj, pgft_min;
	struct vm_info vm;
	char comm[16];
};

struct counters {
	__u64 events;     // records written
	__u64 drop_buf;   // ring buffer full
	__u64 drop_big;   // record would not fit, blobs cut
	__u64 drop_compat; // ia32 syscalls skipped
};

#define MAX_POLLFDS 32
#define MAX_IOVS 16
#define STR_MAX 4096
#define ARGS_MAX 4096
#define SOCKADDR_MAX 128

#endif
