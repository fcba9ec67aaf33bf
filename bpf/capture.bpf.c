//go:build ignore

// Live capture programs. sys_enter/sys_exit emit one record per
// interesting syscall: a fixed header, the raw arguments and the blobs the
// Go side asked for in the per-syscall spec map. sched_process_exit and
// sched_switch emit fixed records. The scap encoding happens in Go.

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

// Set by the loader before the programs are loaded.
const volatile __u32 self_tgid = 0;
const volatile __u32 snaplen = 80;

#define SCRATCH_SZ 0x20000
#define REC_LIMIT 0x10000 // blob data never goes past this offset

#define TS_COMPAT 0x0002
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

// bound keeps the verifier informed of an upper bound that the compiler
// would otherwise drop as redundant.
#define bound(x, mask) asm volatile("%0 &= " #mask : "+r"(x))

#define MAX_DEPTH 32

struct scratch {
	__u8 buf[SCRATCH_SZ];
	// Path components of a walk (cwd, cgroups), deepest first. Kept here
	// rather than on the stack, which the verifier limits to 512 bytes
	// along a whole call chain.
	__u64 names[MAX_DEPTH];
	__u32 cut;
	// Cursors of the path walks. They live in map memory rather than on
	// the stack so that the verifier sees them as unknown values and the
	// bpf_loop callbacks converge after one pass.
	__u32 depth;    // path components found
	__u32 path_pos; // bytes written by path_put
	__u32 cg_pos;   // bytes written by cg_subsys
	__u32 iov_total, iov_copied; // of iov_one
};

struct ring_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); // one ring per possible CPU, set by the loader
	__type(key, __u32);
	__array(values, struct ring_map);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u8);
} interesting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct sc_spec);
} sc_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); // one per possible CPU, set by the loader
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} stats SEC(".maps");

// Older kernels name kernfs_node's parent "parent" (6.15 renamed it).
struct kernfs_node___old {
	struct kernfs_node___old *parent;
} __attribute__((preserve_access_index));

// Keep the record and spec types in the BTF so bpf2go can emit Go types.
const struct rec_hdr *unused_rec_hdr __attribute__((unused));
const struct blob_hdr *unused_blob_hdr __attribute__((unused));
const struct sc_spec *unused_sc_spec __attribute__((unused));
const struct sock_info *unused_sock_info __attribute__((unused));
const struct file_info *unused_file_info __attribute__((unused));
const struct pipe_info *unused_pipe_info __attribute__((unused));
const struct sockpair_info *unused_sockpair_info __attribute__((unused));
const struct task_info *unused_task_info __attribute__((unused));
const struct counters *unused_counters __attribute__((unused));

static __always_inline struct counters *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&stats, &zero);
}

static __always_inline void count_drop_buf(void)
{
	struct counters *c = counters();
	if (c)
		c->drop_buf++;
}

static __always_inline void count_event(void)
{
	struct counters *c = counters();
	if (c)
		c->events++;
}

// ---------------------------------------------------------------------
// Kernel state readers

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	if (fd < 0)
		return NULL;
	struct files_struct *files = BPF_CORE_READ(t, files);
	if (!files)
		return NULL;
	struct fdtable *fdt = BPF_CORE_READ(files, fdt);
	if (!fdt)
		return NULL;
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned long)fd >= max)
		return NULL;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct sock *file_sock(struct file *f)
{
	if (!f)
		return NULL;
	umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *so = BPF_CORE_READ(f, private_data);
	if (!so)
		return NULL;
	return BPF_CORE_READ(so, sk);
}

static __always_inline __u32 pid_nr_at(struct pid *p, unsigned int level)
{
	if (!p)
		return 0;
	// A pid made in an outer namespace has no number at deeper levels
	// (a process group led from outside a pid namespace): 0, as the
	// kernel's pid_nr_ns says.
	if (BPF_CORE_READ(p, level) < level)
		return 0;
	struct upid up = {};
	void *base = (void *)&p->numbers[0];
	bpf_probe_read_kernel(&up, sizeof(up), base + (level & 31) * bpf_core_type_size(struct upid));
	return up.nr;
}

static __always_inline void fill_vm(struct vm_info *vm, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm) {
		vm->size_kb = 0;
		vm->rss_kb = 0;
		vm->swap_kb = 0;
		vm->pad = 0;
		return;
	}
	__u64 total = BPF_CORE_READ(mm, total_vm);
	__s64 file = BPF_CORE_READ(mm, rss_stat[0].count);
	__s64 anon = BPF_CORE_READ(mm, rss_stat[1].count);
	__s64 swap = BPF_CORE_READ(mm, rss_stat[2].count);
	__s64 shmem = BPF_CORE_READ(mm, rss_stat[3].count);
	__s64 rss = file + anon + shmem;
	if (rss < 0)
		rss = 0;
	if (swap < 0)
		swap = 0;
	vm->size_kb = total << 2;
	vm->rss_kb = rss << 2;
	vm->swap_kb = swap << 2;
	vm->pad = 0;
}

// ---------------------------------------------------------------------
// Blob writers. Each writes at most cap bytes at s->buf[doff] and returns
// how many it wrote; doff + cap never exceeds REC_LIMIT. All are global
// functions: the verifier checks each once, on its own, instead of once
// per caller state (as static functions it walked 160,000 instructions
// per syscall program, half a second of start-up; now about 4,000). So
// each checks s itself, and trusts no bound of its arguments it has not
// set.

static __always_inline void *at(struct scratch *s, __u32 off)
{
	bound(off, 0xffff);
	return &s->buf[off];
}

__noinline __u32 blob_str(struct scratch *s, __u32 doff, __u32 cap, __u64 ptr, int user)
{
	if (!s)
		return 0;
	if (!ptr)
		return 0;
	__u32 n = cap < STR_MAX ? cap : STR_MAX;
	bound(n, 0x1fff);
	long r;
	if (user)
		r = bpf_probe_read_user_str(at(s, doff), n, (void *)ptr);
	else
		r = bpf_probe_read_kernel_str(at(s, doff), n, (void *)ptr);
	if (r <= 0)
		return 0;
	return r;
}

__noinline __u32 blob_user(struct scratch *s, __u32 doff, __u32 cap, __u64 ptr, __u64 len)
{
	if (!s)
		return 0;
	if (!ptr || !len)
		return 0;
	if (len > cap) {
		len = cap;
		s->cut = 1;
	}
	__u32 n = len;
	bound(n, 0xffff);
	if (bpf_probe_read_user(at(s, doff), n, (void *)ptr))
		return 0;
	return n;
}

// iov_cap is the data budget of an iovec blob: the room left after its
// u32 total, the snaplen, and for reads the return value.
static __always_inline __u32 iov_cap(struct scratch *s, __u32 cap, __u8 flags)
{
	struct rec_hdr *h = (void *)s->buf;
	__u32 dcap = cap - 4;
	if (dcap > snaplen)
		dcap = snaplen;
	if (flags & CAP_RET) {
		__s64 r = h->ret > 0 ? h->ret : 0;
		if (r < dcap)
			dcap = r;
	}
	if (flags & NO_DATA)
		dcap = 0;
	return dcap;
}

// The iovec walk runs in a bpf_loop callback (checked once, not once per
// iteration); its cursors live in the scratch map (see struct scratch).
struct iov_walk {
	struct scratch *s;
	__u64 iovp;
	__u32 doff, dcap;
};

static long iov_one(__u32 i, void *ctx)
{
	struct iov_walk *w = ctx;
	struct scratch *s = w->s;
	struct iovec iv;
	if (bpf_probe_read_user(&iv, sizeof(iv), (void *)(w->iovp + i * sizeof(iv))))
		return 1;
	s->iov_total += iv.iov_len;
	__u32 copied = s->iov_copied;
	if (copied < w->dcap && iv.iov_len) {
		__u32 n = w->dcap - copied;
		if (n > iv.iov_len)
			n = iv.iov_len;
		bound(n, 0xffff);
		if (bpf_probe_read_user(at(s, w->doff + 4 + copied), n, iv.iov_base) == 0)
			s->iov_copied = copied + n;
	}
	return 0;
}

__noinline __u32 blob_iov(struct scratch *s, __u32 doff, __u32 dcap, __u64 iovp, __u64 cnt)
{
	if (!s)
		return 0;
	struct iov_walk w = {.s = s, .iovp = iovp, .doff = doff, .dcap = dcap};
	s->iov_total = 0;
	s->iov_copied = 0;
	if (cnt > MAX_IOVS)
		cnt = MAX_IOVS;
	bpf_loop(cnt, iov_one, &w, 0);
	*(__u32 *)at(s, doff) = s->iov_total;
	return 4 + s->iov_copied;
}

__noinline __u32 blob_sock(struct scratch *s, __u32 doff, __u32 cap, long fd)
{
	if (!s)
		return 0;
	if (cap < sizeof(struct sock_info))
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct sock *sk = file_sock(fd_file(t, fd));
	if (!sk)
		return 0;
	struct sock_info *si = at(s, doff);
	__builtin_memset(si, 0, sizeof(*si));
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->family = family;
	si->type = BPF_CORE_READ(sk, sk_type);
	si->sk = (__u64)sk;
	if (family == AF_INET) {
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(si->laddr, &l, 4);
		__builtin_memcpy(si->raddr, &r, 4);
		si->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		si->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	} else if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&si->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&si->raddr, sk, __sk_common.skc_v6_daddr);
		si->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		si->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	} else if (family == AF_UNIX) {
		struct unix_sock *us = (struct unix_sock *)sk;
		struct sock *peer = BPF_CORE_READ(us, peer);
		si->peer = (__u64)peer;
		struct unix_address *ua = BPF_CORE_READ(us, addr);
		if (!ua && peer) {
			struct unix_sock *up = (struct unix_sock *)peer;
			ua = BPF_CORE_READ(up, addr);
		}
		if (ua) {
			int len = BPF_CORE_READ(ua, len) - 2;
			if (len > 0) {
				if (len > 107)
					len = 107;
				bound(len, 0x7f);
				bpf_probe_read_kernel(si->path, len, &ua->name[0].sun_path);
			}
		}
	}
	return sizeof(*si);
}

__noinline __u32 blob_file(struct scratch *s, __u32 doff, __u32 cap, long fd)
{
	if (!s)
		return 0;
	if (cap < sizeof(struct file_info))
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct file *f = fd_file(t, fd);
	if (!f)
		return 0;
	struct file_info *fi = at(s, doff);
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	fi->ino = BPF_CORE_READ(ino, i_ino);
	fi->dev = BPF_CORE_READ(ino, i_sb, s_dev);
	fi->flags = BPF_CORE_READ(f, f_flags);
	fi->mode = BPF_CORE_READ(ino, i_mode);
	fi->pad = 0;
	return sizeof(*fi);
}

__noinline __u32 blob_pipe(struct scratch *s, __u32 doff, __u32 cap, __u64 ptr, int pair)
{
	if (!s)
		return 0;
	if (cap < sizeof(struct sockpair_info) || !ptr)
		return 0;
	__s32 fds[2];
	if (bpf_probe_read_user(fds, sizeof(fds), (void *)ptr))
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct file *f = fd_file(t, fds[0]);
	if (!pair) {
		struct pipe_info *pi = at(s, doff);
		pi->fds[0] = fds[0];
		pi->fds[1] = fds[1];
		pi->ino = f ? BPF_CORE_READ(f, f_inode, i_ino) : 0;
		return sizeof(*pi);
	}
	struct sockpair_info *sp = at(s, doff);
	sp->fds[0] = fds[0];
	sp->fds[1] = fds[1];
	struct sock *sk = file_sock(f);
	sp->sk = (__u64)sk;
	sp->peer = 0;
	if (sk) {
		struct unix_sock *us = (struct unix_sock *)sk;
		sp->peer = (__u64)BPF_CORE_READ(us, peer);
	}
	return sizeof(*sp);
}

__noinline __u32 blob_acceptq(struct scratch *s, __u32 doff, __u32 cap, long fd)
{
	if (!s)
		return 0;
	if (cap < 8)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct sock *sk = file_sock(fd_file(t, fd));
	if (!sk)
		return 0;
	__u32 *q = at(s, doff);
	q[0] = BPF_CORE_READ(sk, sk_ack_backlog);
	q[1] = BPF_CORE_READ(sk, sk_max_ack_backlog);
	return 8;
}

__noinline __u32 blob_task(struct scratch *s, __u32 doff, __u32 cap)
{
	if (!s)
		return 0;
	if (cap < sizeof(struct task_info))
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct task_info *ti = at(s, doff);
	__builtin_memset(ti, 0, sizeof(*ti));
	ti->tid = BPF_CORE_READ(t, pid);
	ti->pid = BPF_CORE_READ(t, tgid);
	ti->ptid = BPF_CORE_READ(t, real_parent, pid);
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(tp, level);
	ti->vtid = pid_nr_at(tp, level);
	ti->vpid = pid_nr_at(BPF_CORE_READ(t, group_leader, thread_pid), level);
	ti->vpgid = pid_nr_at(BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID]), level);
	ti->uid = BPF_CORE_READ(t, cred, euid.val);
	ti->gid = BPF_CORE_READ(t, cred, egid.val);
	if (bpf_core_field_exists(t->loginuid))
		ti->loginuid = BPF_CORE_READ(t, loginuid.val);
	else
		ti->loginuid = (__u32)-1;
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (tty) {
		ti->tty_index = BPF_CORE_READ(tty, index);
		ti->tty_major = BPF_CORE_READ(tty, driver, major);
		ti->tty_minor_start = BPF_CORE_READ(tty, driver, minor_start);
	}
	ti->fdlimit = BPF_CORE_READ(t, signal, rlim[7].rlim_cur); // RLIMIT_NOFILE
	ti->pgft_maj = BPF_CORE_READ(t, maj_flt);
	ti->pgft_min = BPF_CORE_READ(t, min_flt);
	fill_vm(&ti->vm, t);
	bpf_get_current_comm(ti->comm, sizeof(ti->comm));
	return sizeof(*ti);
}

__noinline __u32 blob_mm_area(struct scratch *s, __u32 doff, __u32 cap, int env)
{
	if (!s)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm)
		return 0;
	__u64 start, end;
	if (env) {
		start = BPF_CORE_READ(mm, env_start);
		end = BPF_CORE_READ(mm, env_end);
	} else {
		start = BPF_CORE_READ(mm, arg_start);
		end = BPF_CORE_READ(mm, arg_end);
	}
	if (end <= start)
		return 0;
	__u64 len = end - start;
	if (len > ARGS_MAX)
		len = ARGS_MAX;
	if (len > cap) {
		len = cap;
		s->cut = 1;
	}
	__u32 n = len;
	bound(n, 0x1fff);
	if (bpf_probe_read_user(at(s, doff), n, (void *)start))
		return 0;
	return n;
}

// Path walks run in bpf_loop callbacks: the verifier checks a callback
// once instead of following every iteration of every branch.

struct cwd_walk {
	struct dentry *d, *root_d;
	struct vfsmount *vm, *root_m;
	struct mount *m;
	struct scratch *s;
};

static long cwd_up(__u32 i, void *ctx)
{
	struct cwd_walk *w = ctx;
	// Copy the cursor to locals: a CO-RE read through w-> would relocate
	// the local struct against kernel BTF.
	struct dentry *d = w->d;
	struct vfsmount *vm = w->vm;
	struct mount *m = w->m;
	if (d == w->root_d && vm == w->root_m)
		return 1;
	struct dentry *mroot = BPF_CORE_READ(vm, mnt_root);
	if (d == mroot) {
		// At the root of a mount: continue from its mountpoint.
		struct mount *pm = BPF_CORE_READ(m, mnt_parent);
		if (pm == m)
			return 1;
		w->d = BPF_CORE_READ(m, mnt_mountpoint);
		w->m = pm;
		w->vm = (void *)pm + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	struct dentry *p = BPF_CORE_READ(d, d_parent);
	struct scratch *s = w->s;
	__u32 k = s->depth;
	if (p == d || k >= MAX_DEPTH)
		return 1;
	bound(k, 0x1f);
	s->names[k] = (__u64)BPF_CORE_READ(d, d_name.name);
	s->depth = k + 1;
	w->d = p;
	return 0;
}

// path_out writes "/" + names[n-1] + "/" + ... + names[0] into a blob.
struct path_out {
	struct scratch *s;
	__u32 doff, cap;
	int n;
};

static long path_put(__u32 i, void *ctx)
{
	struct path_out *o = ctx;
	int j = o->n - 1 - (int)i;
	if (j < 0)
		return 1;
	struct scratch *s = o->s;
	__u32 pos = s->path_pos;
	if (pos + 2 + 256 > o->cap) {
		s->cut = 1;
		return 1;
	}
	__u32 k = j;
	bound(k, 0x1f);
	const unsigned char *name = (const void *)s->names[k];
	bound(pos, 0xffff);
	*(char *)at(s, o->doff + pos) = '/';
	pos++;
	long r = bpf_probe_read_kernel_str(at(s, o->doff + pos), 256, name);
	if (r > 1)
		pos += r - 1;
	s->path_pos = pos;
	return 0;
}

static __always_inline __u32 path_write(struct path_out *o)
{
	o->s->path_pos = 0;
	bpf_loop(MAX_DEPTH, path_put, o, 0);
	__u32 pos = o->s->path_pos;
	bound(pos, 0xffff);
	if (pos + 2 > o->cap)
		return pos;
	if (pos == 0) {
		*(char *)at(o->s, o->doff) = '/';
		pos = 1;
	}
	*(char *)at(o->s, o->doff + pos) = 0;
	return pos + 1;
}

__noinline __u32 blob_cwd(struct scratch *s, __u32 doff, __u32 cap)
{
	if (!s)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	if (!fs || cap < 2)
		return 0;
	struct cwd_walk w = {.s = s};
	s->depth = 0;
	w.d = BPF_CORE_READ(fs, pwd.dentry);
	w.vm = BPF_CORE_READ(fs, pwd.mnt);
	w.root_d = BPF_CORE_READ(fs, root.dentry);
	w.root_m = BPF_CORE_READ(fs, root.mnt);
	w.m = (void *)w.vm - bpf_core_field_offset(struct mount, mnt);
	bpf_loop(MAX_DEPTH * 2, cwd_up, &w, 0);
	struct path_out o = {.s = s, .doff = doff, .cap = cap, .n = s->depth};
	return path_write(&o);
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(kn->__parent))
		return BPF_CORE_READ(kn, __parent);
	struct kernfs_node___old *o = (void *)kn;
	return (void *)BPF_CORE_READ(o, parent);
}

#define MAX_SUBSYS 16

struct cg_walk {
	struct scratch *s;
	struct css_set *cs;
	__u32 doff, cap;
	int count;
};

static long cg_name_up(__u32 i, void *ctx)
{
	struct cg_walk *w = ctx;
	struct scratch *s = w->s;
	struct kernfs_node *kn = (void *)s->names[MAX_DEPTH - 1];
	if (!kn)
		return 1;
	struct kernfs_node *p = kn_parent(kn);
	if (!p || i >= MAX_DEPTH - 1)
		return 1;
	__u32 k = i;
	bound(k, 0x1f);
	s->names[k] = (__u64)BPF_CORE_READ(kn, name);
	s->names[MAX_DEPTH - 1] = (__u64)p;
	s->depth = k + 1;
	return 0;
}

static long cg_subsys(__u32 i, void *ctx)
{
	struct cg_walk *w = ctx;
	if ((int)i >= w->count)
		return 1;
	struct css_set *cs = w->cs;
	struct cgroup_subsys_state *css = NULL;
	__u32 k = i;
	bound(k, 0xf);
	bpf_probe_read_kernel(&css, sizeof(css), &cs->subsys[k]);
	if (!css)
		return 0;
	__u32 pos = w->s->cg_pos;
	bound(pos, 0xffff);
	if (pos + 64 + 2 > w->cap) {
		w->s->cut = 1;
		return 1;
	}
	const char *name = BPF_CORE_READ(css, ss, name);
	long r = bpf_probe_read_kernel_str(at(w->s, w->doff + pos), 64, name);
	if (r <= 1)
		return 0;
	pos += r - 1;
	bound(pos, 0xffff);
	*(char *)at(w->s, w->doff + pos) = '=';
	pos++;
	// Collect the names from the cgroup up to (not including) the root;
	// the walk keeps its cursor in the last slot.
	w->s->names[MAX_DEPTH - 1] = (__u64)BPF_CORE_READ(css, cgroup, kn);
	w->s->depth = 0;
	bpf_loop(MAX_DEPTH, cg_name_up, w, 0);
	int n = w->s->depth;
	if (n > MAX_DEPTH - 1)
		n = MAX_DEPTH - 1;
	struct path_out o = {.s = w->s, .doff = w->doff + pos, .cap = w->cap - pos, .n = n};
	if (pos + 2 > w->cap)
		return 1;
	pos += path_write(&o);
	w->s->cg_pos = pos;
	return 0;
}

__noinline __u32 blob_cgroups(struct scratch *s, __u32 doff, __u32 cap)
{
	if (!s)
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	struct cg_walk w = {.s = s, .doff = doff, .cap = cap};
	w.cs = BPF_CORE_READ(t, cgroups);
	if (!w.cs)
		return 0;
	w.count = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
	s->cg_pos = 0;
	bpf_loop(MAX_SUBSYS, cg_subsys, &w, 0);
	__u32 pos = s->cg_pos;
	if (pos > cap)
		return 0;
	return pos;
}

static __always_inline __u64 argval(struct scratch *s, __u8 i)
{
	struct rec_hdr *h = (void *)s->buf;
	if (i == ARG_RET)
		return h->ret;
	if (i > 5)
		return 0;
	__u64 *a = (void *)(s->buf + sizeof(struct rec_hdr));
	return a[i];
}

__noinline __u32 put_blob(struct scratch *s, __u32 off, __u32 spec, __u32 slot)
{
	if (!s)
		return 0;
	struct blob_spec bs;
	__builtin_memcpy(&bs, &spec, sizeof(bs));
	if (off > REC_LIMIT - 8) {
		s->cut = 1;
		return off;
	}
	__u32 doff = off + sizeof(struct blob_hdr);
	__u32 cap = REC_LIMIT - doff;
	__u64 a = argval(s, bs.arg);
	__u32 n = 0;
	switch (bs.kind) {
	case B_STR:
		n = blob_str(s, doff, cap, a, 1);
		break;
	case B_BUF: {
		__s64 len = argval(s, bs.len_arg);
		if (len <= 0)
			break;
		if (len > snaplen)
			len = snaplen;
		n = blob_user(s, doff, cap, a, len);
		break;
	}
	case B_IOV:
		n = blob_iov(s, doff, iov_cap(s, cap, bs.size), a, argval(s, bs.len_arg));
		break;
	case B_SOCKADDR: {
		__u64 len;
		if (bs.len_arg & LEN_PTR) {
			__s32 l = 0;
			__u64 p = argval(s, bs.len_arg & 7);
			if (!p || bpf_probe_read_user(&l, sizeof(l), (void *)p))
				break;
			len = l < 0 ? 0 : l;
		} else {
			len = argval(s, bs.len_arg);
		}
		if (len > SOCKADDR_MAX)
			len = SOCKADDR_MAX;
		n = blob_user(s, doff, cap, a, len);
		break;
	}
	case B_MSGNAME:
	case B_MSGIOV: {
		struct user_msghdr mh;
		if (!a || bpf_probe_read_user(&mh, sizeof(mh), (void *)a))
			break;
		if (bs.kind == B_MSGNAME) {
			__u64 len = mh.msg_namelen;
			if (len > SOCKADDR_MAX)
				len = SOCKADDR_MAX;
			n = blob_user(s, doff, cap, (__u64)mh.msg_name, len);
		} else {
			n = blob_iov(s, doff, iov_cap(s, cap, bs.size), (__u64)mh.msg_iov, mh.msg_iovlen);
		}
		break;
	}
	case B_MEM:
		n = blob_user(s, doff, cap, a, bs.size);
		break;
	case B_POLL: {
		__u64 cnt = argval(s, bs.len_arg);
		if (cnt > MAX_POLLFDS)
			cnt = MAX_POLLFDS;
		n = blob_user(s, doff, cap, a, cnt * 8);
		break;
	}
	case B_SOCK:
		n = blob_sock(s, doff, cap, a);
		break;
	case B_FILE:
		n = blob_file(s, doff, cap, a);
		break;
	case B_PIPE:
		n = blob_pipe(s, doff, cap, a, 0);
		break;
	case B_SOCKPAIR:
		n = blob_pipe(s, doff, cap, a, 1);
		break;
	case B_ACCEPTQ:
		n = blob_acceptq(s, doff, cap, a);
		break;
	case B_TASK:
		n = blob_task(s, doff, cap);
		break;
	case B_ARGS:
		n = blob_mm_area(s, doff, cap, 0);
		break;
	case B_ENV:
		n = blob_mm_area(s, doff, cap, 1);
		break;
	case B_VM:
		if (cap >= sizeof(struct vm_info)) {
			fill_vm(at(s, doff), bpf_get_current_task_btf());
			n = sizeof(struct vm_info);
		}
		break;
	case B_CWD:
		n = blob_cwd(s, doff, cap);
		break;
	case B_CGROUPS:
		n = blob_cgroups(s, doff, cap);
		break;
	}
	if (n > cap)
		n = 0;
	struct blob_hdr *bh = at(s, off);
	bh->len = n;
	bh->kind = bs.kind;
	bh->slot = slot;
	return doff + n;
}

// ---------------------------------------------------------------------
// Programs

// cpu_ring returns the ring of cpu, counting a drop when there is none.
static __always_inline void *cpu_ring(__u32 cpu)
{
	void *rb = bpf_map_lookup_elem(&rings, &cpu);
	if (!rb)
		count_drop_buf();
	return rb;
}

// reserve reserves size bytes of rb, counting a drop when it is full.
static __always_inline void *reserve(void *rb, __u64 size)
{
	void *p = bpf_ringbuf_reserve(rb, size, 0);
	if (!p)
		count_drop_buf();
	return p;
}

// send submits a reserved record and counts the event.
static __always_inline void send(void *p)
{
	bpf_ringbuf_submit(p, BPF_RB_NO_WAKEUP);
	count_event();
}

struct rec_args {
	struct rec_hdr h;
	__u64 a[6];
};

// set_hdr fills a record header; len is the whole record's.
static __always_inline void set_hdr(struct rec_hdr *h, __u64 ts, __u32 tid, __u32 pid, __s64 ret,
				    __u32 len, __u16 nr, __u8 kind, __u8 nargs)
{
	h->ts = ts;
	h->tid = tid;
	h->pid = pid;
	h->ret = ret;
	h->len = len;
	h->nr = nr;
	h->kind = kind;
	h->nargs = nargs;
}

// set_syscall_args copies the six syscall arguments of regs to a.
static __always_inline void set_syscall_args(__u64 *a, struct pt_regs *regs)
{
	a[0] = regs->di;
	a[1] = regs->si;
	a[2] = regs->dx;
	a[3] = regs->r10;
	a[4] = regs->r8;
	a[5] = regs->r9;
}

static __always_inline int on_syscall(struct pt_regs *regs, long id, long ret, int dir)
{
	__u64 pidtgid = bpf_get_current_pid_tgid();
	__u32 tgid = pidtgid >> 32;
	if (tgid == self_tgid)
		return 0;
	if ((unsigned long)id >= MAX_SYSCALLS)
		return 0;
	__u32 key = id;
	__u8 *want = bpf_map_lookup_elem(&interesting, &key);
	if (!want || !(*want & (dir ? WANT_EXIT : WANT_ENTER)))
		return 0;
	struct task_struct *t = bpf_get_current_task_btf();
	if (t->thread_info.status & TS_COMPAT) {
		struct counters *c = counters();
		if (c)
			c->drop_compat++;
		return 0;
	}
	struct sc_spec *sp = bpf_map_lookup_elem(&sc_specs, &key);
	if (!sp)
		return 0;
	__u32 cpu = bpf_get_smp_processor_id();
	void *rb = cpu_ring(cpu);
	if (!rb)
		return 0;
	__u64 ts = bpf_ktime_get_boot_ns();
	__u8 nargs = sp->nargs[dir & 1];
	__u8 kind = dir ? REC_EXIT : REC_ENTER;

	if (sp->blobs[dir & 1][0].kind == B_NONE) {
		if (nargs == 0) {
			struct rec_hdr *h = reserve(rb, sizeof(*h));
			if (!h)
				return 0;
			set_hdr(h, ts, (__u32)pidtgid, tgid, ret, sizeof(*h), id, kind, 0);
			send(h);
		} else {
			struct rec_args *r = reserve(rb, sizeof(*r));
			if (!r)
				return 0;
			set_hdr(&r->h, ts, (__u32)pidtgid, tgid, ret, sizeof(*r), id, kind, 6);
			set_syscall_args(r->a, regs);
			send(r);
		}
		return 0;
	}

	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &cpu);
	if (!s)
		return 0;
	struct rec_args *r = (void *)s->buf;
	// len is set once the blobs are in.
	set_hdr(&r->h, ts, (__u32)pidtgid, tgid, ret, 0, id, kind, 6);
	set_syscall_args(r->a, regs);
	s->cut = 0;
	__u32 off = sizeof(*r);
	for (int i = 0; i < MAX_BLOBS; i++) {
		__u32 spec;
		__builtin_memcpy(&spec, &sp->blobs[dir & 1][i], sizeof(spec));
		if ((spec & 0xff) == B_NONE)
			break;
		off = put_blob(s, off, spec, i);
		if (off > REC_LIMIT + 0x100)
			return 0;
	}
	bound(off, 0x1ffff);
	r->h.len = off;
	if (s->cut) {
		struct counters *c = counters();
		if (c)
			c->drop_big++;
	}
	if (off < sizeof(*r))
		return 0;
	if (bpf_ringbuf_output(rb, s->buf, off, BPF_RB_NO_WAKEUP)) {
		count_drop_buf();
		return 0;
	}
	count_event();
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(trace_sys_enter, struct pt_regs *regs, long id)
{
	return on_syscall(regs, id, 0, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(trace_sys_exit, struct pt_regs *regs, long ret)
{
	return on_syscall(regs, regs->orig_ax, ret, 1);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(trace_sched_process_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	if (tgid == self_tgid)
		return 0;
	void *rb = cpu_ring(bpf_get_smp_processor_id());
	if (!rb)
		return 0;
	struct rec_hdr *h = reserve(rb, sizeof(*h));
	if (!h)
		return 0;
	set_hdr(h, bpf_ktime_get_boot_ns(), p->pid, tgid, p->exit_code, sizeof(*h), 0, REC_PROCEXIT, 0);
	send(h);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(trace_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 tgid = prev->tgid;
	if (tgid == self_tgid)
		return 0;
	void *rb = cpu_ring(bpf_get_smp_processor_id());
	if (!rb)
		return 0;
	struct rec_args *r = reserve(rb, sizeof(*r));
	if (!r)
		return 0;
	struct vm_info vm;
	fill_vm(&vm, prev);
	set_hdr(&r->h, bpf_ktime_get_boot_ns(), prev->pid, tgid, 0, sizeof(*r), 0, REC_SWITCH, 6);
	r->a[0] = next->pid;
	r->a[1] = prev->maj_flt;
	r->a[2] = prev->min_flt;
	r->a[3] = vm.size_kb;
	r->a[4] = vm.rss_kb;
	r->a[5] = vm.swap_kb;
	send(r);
	return 0;
}
