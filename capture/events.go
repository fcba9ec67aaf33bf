package capture

import (
	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// The syscalls with events of their own, each with the parameters of
// sysdig 0.29.3's event table (scap.Info(type).Params, checked by
// TestSpecsMatchEventTable) and the newest event version below 336.

// Shorthands for the direction specs.
func in(typ uint16, args bool, enc func(*pw, *record), blobs ...blobSpec) dirSpec {
	return dirSpec{typ: typ, args: args, blobs: blobs, enc: enc}
}

// out is in for the exit direction (same shape, named for readability).
var out = in

// Common encoders.
func encNone(*pw, *record)          {}
func encRes(p *pw, r *record)       { p.i64(r.ret) }
func encFD0(p *pw, r *record)       { p.i64(r.ai(0)) }
func encResPath0(p *pw, r *record)  { p.i64(r.ret); p.str(r.blob(0)) }
func encVMExit(p *pw, r *record)    { p.i64(r.ret); p.vm(parseVM(r.blob(0))) }
func encUintRes(p *pw, r *record)   { p.u64(uint64(r.ret)); p.vm(parseVM(r.blob(0))) }
func encUID(p *pw, r *record)       { p.u32(uint32(r.ret)) }
func encDataExit(p *pw, r *record)  { p.i64(r.ret); p.bytes(r.blob(0)) }
func encFDSize(p *pw, r *record)    { p.i64(r.ai(0)); p.u32(uint32(r.a(2))) }
func encFDSizePos(p *pw, r *record) { p.i64(r.ai(0)); p.u32(uint32(r.a(2))); p.u64(r.a(3)) }
func encIOVTotal(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return le.Uint32(b)
}
func iovData(b []byte) []byte {
	if len(b) < 4 {
		return nil
	}
	return b[4:]
}
func u64At(b []byte, def uint64) uint64 {
	if len(b) < 8 {
		return def
	}
	return le.Uint64(b)
}
func u32At(b []byte, off int) uint32 {
	if len(b) < off+4 {
		return 0
	}
	return le.Uint32(b[off:])
}
func timespecNs(b []byte, def uint64) uint64 {
	if len(b) < 16 {
		return def
	}
	return le.Uint64(b)*1e9 + le.Uint64(b[8:])
}

// openEnter/openExit are shared by open, openat and creat.
func openCommon(p *pw, r *record, name []byte, flagsArg, modeArg int) {
	p.str(name)
	f := r.a(flagsArg)
	p.u32(openFlags(f))
	p.u32(openMode(f, r.a(modeArg)))
}

// procExit writes the parameters shared by the execve exits.
func execveExit(p *pw, r *record) {
	t, _ := parseTaskInfo(r.blob(0))
	exe, args := splitArgs(r.blob(1))
	p.i64(r.ret)
	p.str(exe)
	p.bytes(args)
	p.i64(int64(t.tid))
	p.i64(int64(t.pid))
	p.i64(int64(t.ptid))
	p.str(r.blob(4)) // cwd
	p.u64(t.fdlimit)
	p.u64(t.pgftMaj)
	p.u64(t.pgftMin)
	p.vm(t.vm)
	p.str(t.comm)
	p.bytes(r.blob(3)) // cgroups
	p.bytes(r.blob(2)) // env
	p.i32(t.tty())
	p.i64(int64(t.vpgid))
	p.u32(t.loginuid)
	p.u32(0) // flags: EXE_WRITABLE is not computed
}

var execveExitBlobs = []blobSpec{bTask, bArgs, bEnv, bCgroups, bCwd}

// cloneExit writes the parameters shared by the clone/fork/vfork/clone3
// exits; flags are already converted.
func cloneExit(p *pw, r *record, flags uint32) {
	t, _ := parseTaskInfo(r.blob(0))
	exe, args := splitArgs(r.blob(1))
	p.i64(r.ret)
	p.str(exe)
	p.bytes(args)
	p.i64(int64(t.tid))
	p.i64(int64(t.pid))
	p.i64(int64(t.ptid))
	p.str(r.blob(3)) // cwd
	p.i64(int64(t.fdlimit))
	p.u64(t.pgftMaj)
	p.u64(t.pgftMin)
	p.vm(t.vm)
	p.str(t.comm)
	p.bytes(r.blob(2)) // cgroups
	p.u32(flags)
	p.u32(t.uid)
	p.u32(t.gid)
	p.i64(int64(t.vtid))
	p.i64(int64(t.vpid))
}

var cloneExitBlobs = []blobSpec{bTask, bArgs, bCgroups, bCwd}

// accept exits: fd, tuple, queue fill.
func acceptExit(p *pw, r *record) {
	p.i64(r.ret)
	p.tuple(r.blob(0), nil, true)
	q := r.blob(1)
	n, max := u32At(q, 0), u32At(q, 4)
	pct := uint8(0)
	if max > 0 {
		pct = uint8(uint64(n) * 100 / uint64(max))
	}
	p.u8(pct)
	p.u32(n)
	p.u32(max)
}

func rlimitPair(p *pw, b []byte) {
	if len(b) < 16 {
		p.i64(-1)
		p.i64(-1)
		return
	}
	p.i64(int64(le.Uint64(b)))
	p.i64(int64(le.Uint64(b[8:])))
}

// rlimitResource converts an rlimit resource (same numbering) or 255.
func rlimitResource(v uint64) uint8 {
	if v > 15 {
		return 255
	}
	return uint8(v)
}

func ptraceExit(p *pw, r *record) {
	req := r.a(0)
	p.i64(r.ret)
	p.dyn(0, 8, r.a(2)) // addr: PPM_PTRACE_IDX_UINT64
	if ptraceSignalData(req) {
		p.dyn(1, 1, r.a(3)) // data: PPM_PTRACE_IDX_SIGTYPE
	} else {
		p.dyn(0, 8, r.a(3))
	}
}

func bpfExit(p *pw, r *record) {
	cmd := r.a(0)
	if cmd == 0 || cmd == 5 { // BPF_MAP_CREATE, BPF_PROG_LOAD return an fd
		p.dyn(0, 8, uint64(r.ret)) // PPM_BPF_IDX_FD
	} else {
		p.dyn(1, 8, uint64(r.ret)) // PPM_BPF_IDX_RES
	}
}

func mountFlags(f uint64) uint32 {
	if f&0xffff0000 == 0xc0ed0000 { // MS_MGC_VAL
		f &^= 0xffff0000
	}
	return uint32(f)
}

var sysSpecs = []*sysSpec{
	// Files.
	{name: "open", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_OPEN_E, true, func(p *pw, r *record) { openCommon(p, r, r.blob(0), 1, 2) }, bStr(0)),
		out(scap.PPME_SYSCALL_OPEN_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			openCommon(p, r, r.blob(0), 1, 2)
			p.u32(newEncodeDev(parseFileInfo(r.blob(1)).dev))
		}, bStr(0), bFile(ret)),
	}},
	{name: "openat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_OPENAT_2_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); openCommon(p, r, r.blob(0), 2, 3) }, bStr(1)),
		out(scap.PPME_SYSCALL_OPENAT_2_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			openCommon(p, r, r.blob(0), 2, 3)
			p.u32(newEncodeDev(parseFileInfo(r.blob(1)).dev))
		}, bStr(1), bFile(ret)),
	}},
	{name: "openat2", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_OPENAT2_E, true, func(p *pw, r *record) { openat2Params(p, r) }, bStr(1), bMem(2, 24)),
		out(scap.PPME_SYSCALL_OPENAT2_X, true, func(p *pw, r *record) { p.i64(r.ret); openat2Params(p, r) }, bStr(1), bMem(2, 24)),
	}},
	{name: "creat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CREAT_E, true, func(p *pw, r *record) { p.str(r.blob(0)); p.u32(uint32(r.a(1) & 0o7777)) }, bStr(0)),
		out(scap.PPME_SYSCALL_CREAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.str(r.blob(0))
			p.u32(uint32(r.a(1) & 0o7777))
			p.u32(newEncodeDev(parseFileInfo(r.blob(1)).dev))
		}, bStr(0), bFile(ret)),
	}},
	{name: "close", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CLOSE_E, true, encFD0),
		out(scap.PPME_SYSCALL_CLOSE_X, false, encRes),
	}},
	{name: "read", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_READ_E, true, encFDSize),
		out(scap.PPME_SYSCALL_READ_X, true, encDataExit, bBuf(1, ret)),
	}},
	{name: "write", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_WRITE_E, true, encFDSize),
		out(scap.PPME_SYSCALL_WRITE_X, true, encDataExit, bBuf(1, 2)),
	}},
	{name: "pread64", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PREAD_E, true, encFDSizePos),
		out(scap.PPME_SYSCALL_PREAD_X, true, encDataExit, bBuf(1, ret)),
	}},
	{name: "pwrite64", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PWRITE_E, true, encFDSizePos),
		out(scap.PPME_SYSCALL_PWRITE_X, true, encDataExit, bBuf(1, 2)),
	}},
	{name: "readv", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_READV_E, true, encFD0),
		out(scap.PPME_SYSCALL_READV_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.u32(encIOVTotal(r.blob(0)))
			p.bytes(iovData(r.blob(0)))
		}, bIOV(1, 2, bpf.CapRet)),
	}},
	{name: "writev", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_WRITEV_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(encIOVTotal(r.blob(0))) }, bIOV(1, 2, bpf.NoData)),
		out(scap.PPME_SYSCALL_WRITEV_X, true, func(p *pw, r *record) { p.i64(r.ret); p.bytes(iovData(r.blob(0))) }, bIOV(1, 2, 0)),
	}},
	{name: "preadv", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PREADV_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(3)) }),
		out(scap.PPME_SYSCALL_PREADV_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.u32(encIOVTotal(r.blob(0)))
			p.bytes(iovData(r.blob(0)))
		}, bIOV(1, 2, bpf.CapRet)),
	}},
	{name: "pwritev", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PWRITEV_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(encIOVTotal(r.blob(0)))
			p.u64(r.a(3))
		}, bIOV(1, 2, bpf.NoData)),
		out(scap.PPME_SYSCALL_PWRITEV_X, true, func(p *pw, r *record) { p.i64(r.ret); p.bytes(iovData(r.blob(0))) }, bIOV(1, 2, 0)),
	}},
	{name: "sendfile", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SENDFILE_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.i64(r.ai(1))
			p.u64(u64At(r.blob(0), 0))
			p.u64(r.a(3))
		}, bMem(2, 8)),
		out(scap.PPME_SYSCALL_SENDFILE_X, true, func(p *pw, r *record) { p.i64(r.ret); p.u64(u64At(r.blob(0), 0)) }, bMem(2, 8)),
	}},
	{name: "copy_file_range", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_COPY_FILE_RANGE_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u64(u64At(r.blob(0), 0))
			p.u64(r.a(4))
		}, bMem(1, 8)),
		out(scap.PPME_SYSCALL_COPY_FILE_RANGE_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(2))
			p.u64(u64At(r.blob(0), 0))
		}, bMem(3, 8)),
	}},
	{name: "lseek", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_LSEEK_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(1)); p.u8(uint8(r.a(2))) }),
		out(scap.PPME_SYSCALL_LSEEK_X, false, encRes),
	}},
	{name: "stat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_STAT_E, false, encNone),
		out(scap.PPME_SYSCALL_STAT_X, true, encResPath0, bStr(0)),
	}},
	{name: "lstat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_LSTAT_E, false, encNone),
		out(scap.PPME_SYSCALL_LSTAT_X, true, encResPath0, bStr(0)),
	}},
	{name: "fstat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FSTAT_E, true, encFD0),
		out(scap.PPME_SYSCALL_FSTAT_X, false, encRes),
	}},
	{name: "access", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_ACCESS_E, true, func(p *pw, r *record) { p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SYSCALL_ACCESS_X, true, encResPath0, bStr(0)),
	}},
	{name: "getcwd", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETCWD_E, false, encNone),
		out(scap.PPME_SYSCALL_GETCWD_X, true, encResPath0, bStr(0)),
	}},
	{name: "getdents", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETDENTS_E, true, encFD0),
		out(scap.PPME_SYSCALL_GETDENTS_X, false, encRes),
	}},
	{name: "getdents64", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETDENTS64_E, true, encFD0),
		out(scap.PPME_SYSCALL_GETDENTS64_X, false, encRes),
	}},
	{name: "flock", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FLOCK_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SYSCALL_FLOCK_X, false, encRes),
	}},
	{name: "splice", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SPLICE_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.i64(r.ai(2))
			p.u64(r.a(4))
			p.u32(uint32(r.a(5)))
		}),
		out(scap.PPME_SYSCALL_SPLICE_X, false, encRes),
	}},
	{name: "unlink", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_UNLINK_2_E, false, encNone),
		out(scap.PPME_SYSCALL_UNLINK_2_X, true, encResPath0, bStr(0)),
	}},
	{name: "unlinkat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_UNLINKAT_2_E, false, encNone),
		out(scap.PPME_SYSCALL_UNLINKAT_2_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.u32(uint32(r.a(2)))
		}, bStr(1)),
	}},
	{name: "rename", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_RENAME_E, false, encNone),
		out(scap.PPME_SYSCALL_RENAME_X, true, func(p *pw, r *record) { p.i64(r.ret); p.str(r.blob(0)); p.str(r.blob(1)) }, bStr(0), bStr(1)),
	}},
	{name: "renameat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_RENAMEAT_E, false, encNone),
		out(scap.PPME_SYSCALL_RENAMEAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.i64(r.ai(2))
			p.str(r.blob(1))
		}, bStr(1), bStr(3)),
	}},
	{name: "renameat2", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_RENAMEAT2_E, false, encNone),
		out(scap.PPME_SYSCALL_RENAMEAT2_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.i64(r.ai(2))
			p.str(r.blob(1))
			p.u32(uint32(r.a(4)))
		}, bStr(1), bStr(3)),
	}},
	{name: "mkdir", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MKDIR_2_E, true, func(p *pw, r *record) { p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SYSCALL_MKDIR_2_X, true, encResPath0, bStr(0)),
	}},
	{name: "mkdirat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MKDIRAT_E, false, encNone),
		out(scap.PPME_SYSCALL_MKDIRAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.u32(uint32(r.a(2)))
		}, bStr(1)),
	}},
	{name: "rmdir", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_RMDIR_2_E, false, encNone),
		out(scap.PPME_SYSCALL_RMDIR_2_X, true, encResPath0, bStr(0)),
	}},
	{name: "symlink", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SYMLINK_E, false, encNone),
		out(scap.PPME_SYSCALL_SYMLINK_X, true, func(p *pw, r *record) { p.i64(r.ret); p.str(r.blob(0)); p.str(r.blob(1)) }, bStr(0), bStr(1)),
	}},
	{name: "symlinkat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SYMLINKAT_E, false, encNone),
		out(scap.PPME_SYSCALL_SYMLINKAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.str(r.blob(0))
			p.i64(r.ai(1))
			p.str(r.blob(1))
		}, bStr(0), bStr(2)),
	}},
	{name: "link", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_LINK_2_E, false, encNone),
		out(scap.PPME_SYSCALL_LINK_2_X, true, func(p *pw, r *record) { p.i64(r.ret); p.str(r.blob(0)); p.str(r.blob(1)) }, bStr(0), bStr(1)),
	}},
	{name: "linkat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_LINKAT_2_E, false, encNone),
		out(scap.PPME_SYSCALL_LINKAT_2_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.i64(r.ai(2))
			p.str(r.blob(1))
			p.u32(uint32(r.a(4)))
		}, bStr(1), bStr(3)),
	}},
	{name: "chmod", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CHMOD_E, false, encNone),
		out(scap.PPME_SYSCALL_CHMOD_X, true, func(p *pw, r *record) { p.i64(r.ret); p.str(r.blob(0)); p.u32(uint32(r.a(1) & 0o7777)) }, bStr(0)),
	}},
	{name: "fchmod", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FCHMOD_E, false, encNone),
		out(scap.PPME_SYSCALL_FCHMOD_X, true, func(p *pw, r *record) { p.i64(r.ret); p.i64(r.ai(0)); p.u32(uint32(r.a(1) & 0o7777)) }),
	}},
	{name: "fchmodat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FCHMODAT_E, false, encNone),
		out(scap.PPME_SYSCALL_FCHMODAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.u32(uint32(r.a(2) & 0o7777))
		}, bStr(1)),
	}},
	{name: "chdir", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CHDIR_E, false, encNone),
		out(scap.PPME_SYSCALL_CHDIR_X, true, encResPath0, bStr(0)),
	}},
	{name: "fchdir", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FCHDIR_E, true, encFD0),
		out(scap.PPME_SYSCALL_FCHDIR_X, false, encRes),
	}},
	{name: "chroot", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CHROOT_E, false, encNone),
		out(scap.PPME_SYSCALL_CHROOT_X, true, encResPath0, bStr(0)),
	}},
	{name: "mount", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MOUNT_E, true, func(p *pw, r *record) { p.u32(mountFlags(r.a(3))) }),
		out(scap.PPME_SYSCALL_MOUNT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.str(r.blob(0))
			p.str(r.blob(1))
			p.str(r.blob(2))
		}, bStr(0), bStr(1), bStr(2)),
	}},
	{name: "umount2", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_UMOUNT_E, true, func(p *pw, r *record) { p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SYSCALL_UMOUNT_X, true, encResPath0, bStr(0)),
	}},

	// Descriptors.
	{name: "pipe", dir: pipeDirs},
	{name: "pipe2", dir: pipeDirs},
	{name: "dup", dir: dupDirs},
	{name: "dup2", dir: dupDirs},
	{name: "dup3", dir: dupDirs},
	{name: "fcntl", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FCNTL_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(fcntlCmd(r.a(1))) }),
		out(scap.PPME_SYSCALL_FCNTL_X, false, encRes),
	}},
	{name: "ioctl", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_IOCTL_3_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(1)); p.u64(r.a(2)) }),
		out(scap.PPME_SYSCALL_IOCTL_3_X, false, encRes),
	}},
	{name: "eventfd", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_EVENTFD_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u32(0) }),
		out(scap.PPME_SYSCALL_EVENTFD_X, false, encRes),
	}},
	{name: "eventfd2", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_EVENTFD_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SYSCALL_EVENTFD_X, false, encRes),
	}},
	{name: "signalfd", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SIGNALFD_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(u32At(r.blob(0), 0)); p.u8(0) }, bMem(1, 8)),
		out(scap.PPME_SYSCALL_SIGNALFD_X, false, encRes),
	}},
	{name: "signalfd4", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SIGNALFD_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(u32At(r.blob(0), 0))
			p.u8(uint8(r.a(3)))
		}, bMem(1, 8)),
		out(scap.PPME_SYSCALL_SIGNALFD_X, false, encRes),
	}},
	{name: "timerfd_create", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_TIMERFD_CREATE_E, true, func(p *pw, r *record) { p.u8(uint8(r.a(0))); p.u8(uint8(r.a(1))) }),
		out(scap.PPME_SYSCALL_TIMERFD_CREATE_X, false, encRes),
	}},
	{name: "inotify_init", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_INOTIFY_INIT_E, false, func(p *pw, r *record) { p.u8(0) }),
		out(scap.PPME_SYSCALL_INOTIFY_INIT_X, false, encRes),
	}},
	{name: "inotify_init1", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_INOTIFY_INIT_E, true, func(p *pw, r *record) { p.u8(uint8(r.a(0))) }),
		out(scap.PPME_SYSCALL_INOTIFY_INIT_X, false, encRes),
	}},
	{name: "userfaultfd", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_USERFAULTFD_E, false, encNone),
		out(scap.PPME_SYSCALL_USERFAULTFD_X, true, func(p *pw, r *record) { p.i64(r.ret); p.u32(openFlags(r.a(0)) &^ 1) }),
	}},

	// Processes.
	{name: "execve", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_EXECVE_19_E, true, func(p *pw, r *record) { p.str(r.blob(0)) }, bStr(0)),
		out(scap.PPME_SYSCALL_EXECVE_19_X, false, execveExit, execveExitBlobs...),
	}},
	{name: "execveat", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_EXECVEAT_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.u32(execveatFlags(r.a(4)))
		}, bStr(1)),
		out(scap.PPME_SYSCALL_EXECVEAT_X, false, execveExit, execveExitBlobs...),
	}},
	{name: "clone", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CLONE_20_E, false, encNone),
		out(scap.PPME_SYSCALL_CLONE_20_X, true, func(p *pw, r *record) { cloneExit(p, r, cloneFlags(r.a(0))) }, cloneExitBlobs...),
	}},
	{name: "clone3", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_CLONE3_E, false, encNone),
		out(scap.PPME_SYSCALL_CLONE3_X, true, func(p *pw, r *record) {
			cloneExit(p, r, cloneFlags(u64At(r.blob(4), 0)))
		}, append(append([]blobSpec{}, cloneExitBlobs...), bMem(0, 8))...),
	}},
	{name: "fork", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FORK_20_E, false, encNone),
		out(scap.PPME_SYSCALL_FORK_20_X, false, func(p *pw, r *record) { cloneExit(p, r, 0) }, cloneExitBlobs...),
	}},
	{name: "vfork", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_VFORK_20_E, false, encNone),
		out(scap.PPME_SYSCALL_VFORK_20_X, false, func(p *pw, r *record) {
			cloneExit(p, r, cloneFlags(0x4000|0x100)) // CLONE_VFORK|CLONE_VM
		}, cloneExitBlobs...),
	}},
	{name: "kill", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_KILL_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(uint8(r.a(1))) }),
		out(scap.PPME_SYSCALL_KILL_X, false, encRes),
	}},
	{name: "tkill", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_TKILL_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(uint8(r.a(1))) }),
		out(scap.PPME_SYSCALL_TKILL_X, false, encRes),
	}},
	{name: "tgkill", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_TGKILL_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.i64(r.ai(1)); p.u8(uint8(r.a(2))) }),
		out(scap.PPME_SYSCALL_TGKILL_X, false, encRes),
	}},
	{name: "ptrace", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PTRACE_E, true, func(p *pw, r *record) { p.u16(ptraceRequest(r.a(0))); p.i64(r.ai(1)) }),
		out(scap.PPME_SYSCALL_PTRACE_X, true, ptraceExit),
	}},
	{name: "setuid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETUID_E, true, func(p *pw, r *record) { p.u32(uint32(r.a(0))) }),
		out(scap.PPME_SYSCALL_SETUID_X, false, encRes),
	}},
	{name: "setgid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETGID_E, true, func(p *pw, r *record) { p.u32(uint32(r.a(0))) }),
		out(scap.PPME_SYSCALL_SETGID_X, false, encRes),
	}},
	{name: "setresuid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETRESUID_E, true, encThreeIDs),
		out(scap.PPME_SYSCALL_SETRESUID_X, false, encRes),
	}},
	{name: "setresgid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETRESGID_E, true, encThreeIDs),
		out(scap.PPME_SYSCALL_SETRESGID_X, false, encRes),
	}},
	{name: "getuid", dir: [2]dirSpec{in(scap.PPME_SYSCALL_GETUID_E, false, encNone), out(scap.PPME_SYSCALL_GETUID_X, false, encUID)}},
	{name: "geteuid", dir: [2]dirSpec{in(scap.PPME_SYSCALL_GETEUID_E, false, encNone), out(scap.PPME_SYSCALL_GETEUID_X, false, encUID)}},
	{name: "getgid", dir: [2]dirSpec{in(scap.PPME_SYSCALL_GETGID_E, false, encNone), out(scap.PPME_SYSCALL_GETGID_X, false, encUID)}},
	{name: "getegid", dir: [2]dirSpec{in(scap.PPME_SYSCALL_GETEGID_E, false, encNone), out(scap.PPME_SYSCALL_GETEGID_X, false, encUID)}},
	{name: "getresuid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETRESUID_E, false, encNone),
		out(scap.PPME_SYSCALL_GETRESUID_X, false, encGetRes, bMem(0, 4), bMem(1, 4), bMem(2, 4)),
	}},
	{name: "getresgid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETRESGID_E, false, encNone),
		out(scap.PPME_SYSCALL_GETRESGID_X, false, encGetRes, bMem(0, 4), bMem(1, 4), bMem(2, 4)),
	}},
	{name: "setsid", dir: [2]dirSpec{in(scap.PPME_SYSCALL_SETSID_E, false, encNone), out(scap.PPME_SYSCALL_SETSID_X, false, encRes)}},
	{name: "setpgid", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETPGID_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.i64(r.ai(1)) }),
		out(scap.PPME_SYSCALL_SETPGID_X, false, encRes),
	}},
	{name: "getrlimit", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_GETRLIMIT_E, true, func(p *pw, r *record) { p.u8(rlimitResource(r.a(0))) }),
		out(scap.PPME_SYSCALL_GETRLIMIT_X, false, func(p *pw, r *record) { p.i64(r.ret); rlimitPair(p, r.blob(0)) }, bMem(1, 16)),
	}},
	{name: "setrlimit", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETRLIMIT_E, true, func(p *pw, r *record) { p.u8(rlimitResource(r.a(0))) }),
		out(scap.PPME_SYSCALL_SETRLIMIT_X, false, func(p *pw, r *record) { p.i64(r.ret); rlimitPair(p, r.blob(0)) }, bMem(1, 16)),
	}},
	{name: "prlimit64", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PRLIMIT_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(rlimitResource(r.a(1))) }),
		out(scap.PPME_SYSCALL_PRLIMIT_X, false, func(p *pw, r *record) {
			p.i64(r.ret)
			rlimitPair(p, r.blob(0))
			rlimitPair(p, r.blob(1))
		}, bMem(2, 16), bMem(3, 16)),
	}},
	{name: "setns", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SETNS_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(cloneFlags(r.a(1))) }),
		out(scap.PPME_SYSCALL_SETNS_X, false, encRes),
	}},
	{name: "unshare", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_UNSHARE_E, true, func(p *pw, r *record) { p.u32(cloneFlags(r.a(0))) }),
		out(scap.PPME_SYSCALL_UNSHARE_X, false, encRes),
	}},
	{name: "bpf", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_BPF_E, true, func(p *pw, r *record) { p.i64(int64(r.a(0))) }),
		out(scap.PPME_SYSCALL_BPF_X, true, bpfExit),
	}},
	{name: "seccomp", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SECCOMP_E, true, func(p *pw, r *record) { p.u64(r.a(0)) }),
		out(scap.PPME_SYSCALL_SECCOMP_X, false, encRes),
	}},

	// Memory.
	{name: "mmap", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MMAP_E, true, func(p *pw, r *record) {
			p.u64(r.a(0))
			p.u64(r.a(1))
			p.u32(protFlags(r.a(2)))
			p.u32(mmapFlags(r.a(3)))
			p.i64(r.ai(4))
			p.u64(r.a(5))
		}),
		out(scap.PPME_SYSCALL_MMAP_X, false, encUintRes, bVM),
	}},
	{name: "munmap", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MUNMAP_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u64(r.a(1)) }),
		out(scap.PPME_SYSCALL_MUNMAP_X, false, encVMExit, bVM),
	}},
	{name: "brk", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_BRK_4_E, true, func(p *pw, r *record) { p.u64(r.a(0)) }),
		out(scap.PPME_SYSCALL_BRK_4_X, false, encUintRes, bVM),
	}},
	{name: "mprotect", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_MPROTECT_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u64(r.a(1)); p.u32(protFlags(r.a(2))) }),
		out(scap.PPME_SYSCALL_MPROTECT_X, false, encRes),
	}},

	// Network.
	{name: "socket", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_SOCKET_E, true, encSocketArgs),
		out(scap.PPME_SOCKET_SOCKET_X, false, encRes),
	}},
	{name: "socketpair", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_SOCKETPAIR_E, true, encSocketArgs),
		out(scap.PPME_SOCKET_SOCKETPAIR_X, false, func(p *pw, r *record) {
			b := r.blob(0)
			p.i64(r.ret)
			if r.ret < 0 || len(b) < 24 {
				p.i64(-1)
				p.i64(-1)
				p.u64(0)
				p.u64(0)
				return
			}
			p.i64(int64(int32(le.Uint32(b))))
			p.i64(int64(int32(le.Uint32(b[4:]))))
			p.u64(le.Uint64(b[8:]))
			p.u64(le.Uint64(b[16:]))
		}, bSockpair(3)),
	}},
	{name: "bind", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_BIND_E, true, encFD0),
		out(scap.PPME_SOCKET_BIND_X, false, func(p *pw, r *record) { p.i64(r.ret); p.sockaddr(r.blob(0)) }, bSockaddr(1, 2)),
	}},
	{name: "listen", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_LISTEN_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(uint32(r.a(1))) }),
		out(scap.PPME_SOCKET_LISTEN_X, false, encRes),
	}},
	{name: "connect", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_CONNECT_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.sockaddr(r.blob(0)) }, bSockaddr(1, 2)),
		out(scap.PPME_SOCKET_CONNECT_X, false, func(p *pw, r *record) { p.i64(r.ret); p.tuple(r.blob(0), r.blob(1), false) }, bSock(0), bSockaddr(1, 2)),
	}},
	{name: "accept", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_ACCEPT_5_E, false, encNone),
		out(scap.PPME_SOCKET_ACCEPT_5_X, false, acceptExit, bSock(ret), bAcceptQ(0)),
	}},
	{name: "accept4", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_ACCEPT4_5_E, true, func(p *pw, r *record) { p.i32(int32(r.a(3))) }),
		out(scap.PPME_SOCKET_ACCEPT4_5_X, false, acceptExit, bSock(ret), bAcceptQ(0)),
	}},
	{name: "shutdown", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_SHUTDOWN_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(uint8(r.a(1))) }),
		out(scap.PPME_SOCKET_SHUTDOWN_X, false, encRes),
	}},
	{name: "sendto", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_SENDTO_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(uint32(r.a(2)))
			p.tuple(r.blob(0), r.blob(1), false)
		}, bSock(0), bSockaddr(4, 5)),
		out(scap.PPME_SOCKET_SENDTO_X, true, encDataExit, bBuf(1, 2)),
	}},
	{name: "recvfrom", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_RECVFROM_E, true, encFDSize),
		out(scap.PPME_SOCKET_RECVFROM_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.bytes(r.blob(0))
			p.tuple(r.blob(1), r.blob(2), true)
		}, bBuf(1, ret), bSock(0), bSockaddr(4, 5|bpf.LenPtr)),
	}},
	{name: "sendmsg", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_SENDMSG_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(encIOVTotal(r.blob(0)))
			p.tuple(r.blob(1), r.blob(2), false)
		}, bMsgIOV(1, bpf.NoData), bSock(0), bMsgName(1)),
		out(scap.PPME_SOCKET_SENDMSG_X, false, func(p *pw, r *record) { p.i64(r.ret); p.bytes(iovData(r.blob(0))) }, bMsgIOV(1, 0)),
	}},
	{name: "recvmsg", dir: [2]dirSpec{
		in(scap.PPME_SOCKET_RECVMSG_E, true, encFD0),
		out(scap.PPME_SOCKET_RECVMSG_X, false, func(p *pw, r *record) {
			p.i64(r.ret)
			p.u32(encIOVTotal(r.blob(0)))
			p.bytes(iovData(r.blob(0)))
			p.tuple(r.blob(1), r.blob(2), true)
		}, bMsgIOV(1, bpf.CapRet), bSock(0), bMsgName(1)),
	}},
	{name: "getsockname", dir: [2]dirSpec{in(scap.PPME_SOCKET_GETSOCKNAME_E, false, encNone), out(scap.PPME_SOCKET_GETSOCKNAME_X, false, encNone)}},
	{name: "getpeername", dir: [2]dirSpec{in(scap.PPME_SOCKET_GETPEERNAME_E, false, encNone), out(scap.PPME_SOCKET_GETPEERNAME_X, false, encNone)}},
	{name: "sendmmsg", dir: [2]dirSpec{in(scap.PPME_SOCKET_SENDMMSG_E, false, encNone), out(scap.PPME_SOCKET_SENDMMSG_X, false, encNone)}},
	{name: "recvmmsg", dir: [2]dirSpec{in(scap.PPME_SOCKET_RECVMMSG_E, false, encNone), out(scap.PPME_SOCKET_RECVMMSG_X, false, encNone)}},

	// Waiting.
	{name: "poll", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_POLL_E, true, func(p *pw, r *record) { p.fdlist(r.blob(0), false); p.i64(r.ai(2)) }, bPoll(0, 1)),
		out(scap.PPME_SYSCALL_POLL_X, false, func(p *pw, r *record) { p.i64(r.ret); p.fdlist(r.blob(0), true) }, bPoll(0, 1)),
	}},
	{name: "ppoll", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_PPOLL_E, true, func(p *pw, r *record) {
			p.fdlist(r.blob(0), false)
			p.u64(timespecNs(r.blob(1), ^uint64(0)))
			p.u32(u32At(r.blob(2), 0))
		}, bPoll(0, 1), bMem(2, 16), bMem(3, 8)),
		out(scap.PPME_SYSCALL_PPOLL_X, false, func(p *pw, r *record) { p.i64(r.ret); p.fdlist(r.blob(0), true) }, bPoll(0, 1)),
	}},
	{name: "select", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_SELECT_E, false, encNone),
		out(scap.PPME_SYSCALL_SELECT_X, false, encRes),
	}},
	{name: "epoll_wait", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_EPOLLWAIT_E, true, func(p *pw, r *record) { p.i64(r.ai(2)) }),
		out(scap.PPME_SYSCALL_EPOLLWAIT_X, false, encRes),
	}},
	{name: "nanosleep", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_NANOSLEEP_E, true, func(p *pw, r *record) { p.u64(timespecNs(r.blob(0), 0)) }, bMem(0, 16)),
		out(scap.PPME_SYSCALL_NANOSLEEP_X, false, encRes),
	}},
	{name: "futex", dir: [2]dirSpec{
		in(scap.PPME_SYSCALL_FUTEX_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u16(uint16(r.a(1) & 0x1ff)); p.u64(r.a(2)) }),
		out(scap.PPME_SYSCALL_FUTEX_X, false, encRes),
	}},
}

var pipeDirs = [2]dirSpec{
	in(scap.PPME_SYSCALL_PIPE_E, false, encNone),
	out(scap.PPME_SYSCALL_PIPE_X, false, func(p *pw, r *record) {
		b := r.blob(0)
		p.i64(r.ret)
		if r.ret < 0 || len(b) < 16 {
			p.i64(-1)
			p.i64(-1)
			p.u64(0)
			return
		}
		p.i64(int64(int32(le.Uint32(b))))
		p.i64(int64(int32(le.Uint32(b[4:]))))
		p.u64(le.Uint64(b[8:]))
	}, bPipe(0)),
}

var dupDirs = [2]dirSpec{
	in(scap.PPME_SYSCALL_DUP_E, true, encFD0),
	out(scap.PPME_SYSCALL_DUP_X, false, encRes),
}

func encThreeIDs(p *pw, r *record) {
	p.u32(uint32(r.a(0)))
	p.u32(uint32(r.a(1)))
	p.u32(uint32(r.a(2)))
}

func encGetRes(p *pw, r *record) {
	p.i64(r.ret)
	for i := 0; i < 3; i++ {
		p.u32(u32At(r.blob(i), 0))
	}
}

func encSocketArgs(p *pw, r *record) {
	p.u32(uint32(r.a(0)))
	p.u32(uint32(r.a(1)))
	p.u32(uint32(r.a(2)))
}

func openat2Params(p *pw, r *record) {
	how := r.blob(1)
	var flags, mode, resolve uint64
	if len(how) >= 24 {
		flags, mode, resolve = le.Uint64(how), le.Uint64(how[8:]), le.Uint64(how[16:])
	}
	p.i64(r.ai(0))
	p.str(r.blob(0))
	p.u32(openFlags(flags))
	p.u32(openMode(flags, mode))
	p.u32(resolveFlags(resolve))
}
