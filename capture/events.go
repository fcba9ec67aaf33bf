package capture

import (
	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// The syscalls with events of their own, each with the parameters of
// sysdig 0.29.3's event table (scap.Info(type).Params, checked by
// TestSpecsMatchEventTable) and the newest event version below 336.

type encFunc = func(*pw, *record)

// Shorthands for the direction specs.
func in(typ uint16, args bool, enc encFunc, blobs ...blobSpec) dirSpec {
	return dirSpec{typ: typ, args: args, blobs: blobs, enc: enc}
}

// out is in for the exit direction (same shape, named for readability).
var out = in

// sys pairs the two directions of a syscall.
func sys(name string, e, x dirSpec) *sysSpec {
	return &sysSpec{name: name, dir: [2]dirSpec{e, x}}
}

// resSys is a syscall whose enter event is written by enc from the raw
// arguments and whose exit event carries only the result.
func resSys(name string, e, x uint16, enc encFunc, blobs ...blobSpec) *sysSpec {
	return sys(name, in(e, true, enc, blobs...), out(x, false, encRes))
}

// exitSys is a syscall whose enter event has no parameters.
func exitSys(name string, e uint16, x dirSpec) *sysSpec {
	return sys(name, in(e, false, encNone), x)
}

// pathSys is a syscall whose exit event carries the result and the path
// in argument 0, and whose enter event has no parameters.
func pathSys(name string, e, x uint16) *sysSpec {
	return exitSys(name, e, out(x, true, encResPath0, bStr(0)))
}

// Common encoders.
func encNone(*pw, *record)          {}
func encRes(p *pw, r *record)       { p.i64(r.ret) }
func encFD0(p *pw, r *record)       { p.i64(r.ai(0)) }
func encResPath0(p *pw, r *record)  { p.i64(r.ret); p.str(r.blob(0)) }
func encVMExit(p *pw, r *record)    { p.i64(r.ret); p.vm(parseVM(r.blob(0))) }
func encUintRes(p *pw, r *record)   { p.u64(uint64(r.ret)); p.vm(parseVM(r.blob(0))) }
func encUID(p *pw, r *record)       { p.u32(uint32(r.ret)) }
func encU32Arg0(p *pw, r *record)   { p.u32(uint32(r.a(0))) }
func encU32Arg1(p *pw, r *record)   { p.u32(uint32(r.a(1))) }
func encFDU8(p *pw, r *record)      { p.i64(r.ai(0)); p.u8(uint8(r.a(1))) }
func encFDU32(p *pw, r *record)     { p.i64(r.ai(0)); p.u32(uint32(r.a(1))) }
func encDataExit(p *pw, r *record)  { p.i64(r.ret); p.bytes(r.blob(0)) }
func encFDSize(p *pw, r *record)    { p.i64(r.ai(0)); p.u32(uint32(r.a(2))) }
func encFDSizePos(p *pw, r *record) { p.i64(r.ai(0)); p.u32(uint32(r.a(2))); p.u64(r.a(3)) }
func encTwoPaths(p *pw, r *record)  { p.i64(r.ret); p.str(r.blob(0)); p.str(r.blob(1)) }
func encIOVDataX(p *pw, r *record)  { p.i64(r.ret); p.bytes(iovData(r.blob(0))) }
func encPollExit(p *pw, r *record)  { p.i64(r.ret); p.fdlist(r.blob(0), true) }
func encRlimitX(p *pw, r *record)   { p.i64(r.ret); rlimitPair(p, r.blob(0)) }

// encIOVExit writes the result, the iovec total and the copied data.
func encIOVExit(p *pw, r *record) {
	p.i64(r.ret)
	p.u32(encIOVTotal(r.blob(0)))
	p.bytes(iovData(r.blob(0)))
}

// encThreeU32 writes the first three arguments as u32.
func encThreeU32(p *pw, r *record) {
	p.u32(uint32(r.a(0)))
	p.u32(uint32(r.a(1)))
	p.u32(uint32(r.a(2)))
}

// encAtPathFlags writes result, dirfd (arg 0), path and the flags of arg 2.
func encAtPathFlags(p *pw, r *record) {
	p.i64(r.ret)
	p.i64(r.ai(0))
	p.str(r.blob(0))
	p.u32(uint32(r.a(2)))
}

// atTwoPaths writes result, dirfd, path, dirfd, path (args 0-3).
func atTwoPaths(p *pw, r *record) {
	p.i64(r.ret)
	p.i64(r.ai(0))
	p.str(r.blob(0))
	p.i64(r.ai(2))
	p.str(r.blob(1))
}

// encAtTwoPathsFlags is atTwoPaths with the flags of arg 4.
func encAtTwoPathsFlags(p *pw, r *record) {
	atTwoPaths(p, r)
	p.u32(uint32(r.a(4)))
}

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

// openCommon writes the parameters shared by open, openat and creat.
func openCommon(p *pw, r *record, name []byte, flagsArg, modeArg int) {
	p.str(name)
	f := r.a(flagsArg)
	p.u32(openFlags(f))
	p.u32(openMode(f, r.a(modeArg)))
}

// fileDev writes the device of the file info in blob 1.
func fileDev(p *pw, r *record) { p.u32(newEncodeDev(parseFileInfo(r.blob(1)).dev)) }

// procCommon writes the parameters that open the execve and clone exits;
// cwd and cgroups are the indexes of those blobs.
func procCommon(p *pw, r *record, t *taskInfo, cwd, cgroups int) {
	exe, args := splitArgs(r.blob(1))
	p.i64(r.ret)
	p.str(exe)
	p.bytes(args)
	p.i64(int64(t.tid))
	p.i64(int64(t.pid))
	p.i64(int64(t.ptid))
	p.str(r.blob(cwd))
	p.u64(t.fdlimit)
	p.u64(t.pgftMaj)
	p.u64(t.pgftMin)
	p.vm(t.vm)
	p.str(t.comm)
	p.bytes(r.blob(cgroups))
}

// execveExit writes the parameters shared by the execve exits.
func execveExit(p *pw, r *record) {
	t, _ := parseTaskInfo(r.blob(0))
	procCommon(p, r, &t, 4, 3)
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
	procCommon(p, r, &t, 3, 2)
	p.u32(flags)
	p.u32(t.uid)
	p.u32(t.gid)
	p.i64(int64(t.vtid))
	p.i64(int64(t.vpid))
}

var cloneExitBlobs = []blobSpec{bTask, bArgs, bCgroups, bCwd}

// cloneSys is a clone-family syscall whose exit flags come from flags.
func cloneSys(name string, e, x uint16, args bool, flags func(r *record) uint32, blobs ...blobSpec) *sysSpec {
	return exitSys(name, e, out(x, args, func(p *pw, r *record) { cloneExit(p, r, flags(r)) }, blobs...))
}

// fdPair writes the two fds (and the given number of u64 values after
// them) of a pipe or socketpair blob, or -1s and zeros when it failed.
func fdPair(p *pw, r *record, extra int) {
	b := r.blob(0)
	p.i64(r.ret)
	if r.ret < 0 || len(b) < 8+8*extra {
		p.i64(-1)
		p.i64(-1)
		for i := 0; i < extra; i++ {
			p.u64(0)
		}
		return
	}
	p.i64(int64(int32(le.Uint32(b))))
	p.i64(int64(int32(le.Uint32(b[4:]))))
	for i := 0; i < extra; i++ {
		p.u64(le.Uint64(b[8+8*i:]))
	}
}

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
	sys("open",
		in(scap.PPME_SYSCALL_OPEN_E, true, func(p *pw, r *record) { openCommon(p, r, r.blob(0), 1, 2) }, bStr(0)),
		out(scap.PPME_SYSCALL_OPEN_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			openCommon(p, r, r.blob(0), 1, 2)
			fileDev(p, r)
		}, bStr(0), bFile(ret))),
	sys("openat",
		in(scap.PPME_SYSCALL_OPENAT_2_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); openCommon(p, r, r.blob(0), 2, 3) }, bStr(1)),
		out(scap.PPME_SYSCALL_OPENAT_2_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(0))
			openCommon(p, r, r.blob(0), 2, 3)
			fileDev(p, r)
		}, bStr(1), bFile(ret))),
	sys("openat2",
		in(scap.PPME_SYSCALL_OPENAT2_E, true, openat2Params, bStr(1), bMem(2, 24)),
		out(scap.PPME_SYSCALL_OPENAT2_X, true, func(p *pw, r *record) { p.i64(r.ret); openat2Params(p, r) }, bStr(1), bMem(2, 24))),
	sys("creat",
		in(scap.PPME_SYSCALL_CREAT_E, true, func(p *pw, r *record) { p.str(r.blob(0)); p.u32(uint32(r.a(1) & 0o7777)) }, bStr(0)),
		out(scap.PPME_SYSCALL_CREAT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.str(r.blob(0))
			p.u32(uint32(r.a(1) & 0o7777))
			fileDev(p, r)
		}, bStr(0), bFile(ret))),
	resSys("close", scap.PPME_SYSCALL_CLOSE_E, scap.PPME_SYSCALL_CLOSE_X, encFD0),
	sys("read", in(scap.PPME_SYSCALL_READ_E, true, encFDSize), out(scap.PPME_SYSCALL_READ_X, true, encDataExit, bBuf(1, ret))),
	sys("write", in(scap.PPME_SYSCALL_WRITE_E, true, encFDSize), out(scap.PPME_SYSCALL_WRITE_X, true, encDataExit, bBuf(1, 2))),
	sys("pread64", in(scap.PPME_SYSCALL_PREAD_E, true, encFDSizePos), out(scap.PPME_SYSCALL_PREAD_X, true, encDataExit, bBuf(1, ret))),
	sys("pwrite64", in(scap.PPME_SYSCALL_PWRITE_E, true, encFDSizePos), out(scap.PPME_SYSCALL_PWRITE_X, true, encDataExit, bBuf(1, 2))),
	sys("readv", in(scap.PPME_SYSCALL_READV_E, true, encFD0), out(scap.PPME_SYSCALL_READV_X, true, encIOVExit, bIOV(1, 2, bpf.CapRet))),
	sys("writev",
		in(scap.PPME_SYSCALL_WRITEV_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(encIOVTotal(r.blob(0))) }, bIOV(1, 2, bpf.NoData)),
		out(scap.PPME_SYSCALL_WRITEV_X, true, encIOVDataX, bIOV(1, 2, 0))),
	sys("preadv",
		in(scap.PPME_SYSCALL_PREADV_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(3)) }),
		out(scap.PPME_SYSCALL_PREADV_X, true, encIOVExit, bIOV(1, 2, bpf.CapRet))),
	sys("pwritev",
		in(scap.PPME_SYSCALL_PWRITEV_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(encIOVTotal(r.blob(0)))
			p.u64(r.a(3))
		}, bIOV(1, 2, bpf.NoData)),
		out(scap.PPME_SYSCALL_PWRITEV_X, true, encIOVDataX, bIOV(1, 2, 0))),
	sys("sendfile",
		in(scap.PPME_SYSCALL_SENDFILE_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.i64(r.ai(1))
			p.u64(u64At(r.blob(0), 0))
			p.u64(r.a(3))
		}, bMem(2, 8)),
		out(scap.PPME_SYSCALL_SENDFILE_X, true, func(p *pw, r *record) { p.i64(r.ret); p.u64(u64At(r.blob(0), 0)) }, bMem(2, 8))),
	sys("copy_file_range",
		in(scap.PPME_SYSCALL_COPY_FILE_RANGE_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u64(u64At(r.blob(0), 0))
			p.u64(r.a(4))
		}, bMem(1, 8)),
		out(scap.PPME_SYSCALL_COPY_FILE_RANGE_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.i64(r.ai(2))
			p.u64(u64At(r.blob(0), 0))
		}, bMem(3, 8))),
	resSys("lseek", scap.PPME_SYSCALL_LSEEK_E, scap.PPME_SYSCALL_LSEEK_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(1)); p.u8(uint8(r.a(2))) }),
	pathSys("stat", scap.PPME_SYSCALL_STAT_E, scap.PPME_SYSCALL_STAT_X),
	pathSys("lstat", scap.PPME_SYSCALL_LSTAT_E, scap.PPME_SYSCALL_LSTAT_X),
	resSys("fstat", scap.PPME_SYSCALL_FSTAT_E, scap.PPME_SYSCALL_FSTAT_X, encFD0),
	sys("access", in(scap.PPME_SYSCALL_ACCESS_E, true, encU32Arg1), out(scap.PPME_SYSCALL_ACCESS_X, true, encResPath0, bStr(0))),
	pathSys("getcwd", scap.PPME_SYSCALL_GETCWD_E, scap.PPME_SYSCALL_GETCWD_X),
	resSys("getdents", scap.PPME_SYSCALL_GETDENTS_E, scap.PPME_SYSCALL_GETDENTS_X, encFD0),
	resSys("getdents64", scap.PPME_SYSCALL_GETDENTS64_E, scap.PPME_SYSCALL_GETDENTS64_X, encFD0),
	resSys("flock", scap.PPME_SYSCALL_FLOCK_E, scap.PPME_SYSCALL_FLOCK_X, encFDU32),
	resSys("splice", scap.PPME_SYSCALL_SPLICE_E, scap.PPME_SYSCALL_SPLICE_X, func(p *pw, r *record) {
		p.i64(r.ai(0))
		p.i64(r.ai(2))
		p.u64(r.a(4))
		p.u32(uint32(r.a(5)))
	}),
	pathSys("unlink", scap.PPME_SYSCALL_UNLINK_2_E, scap.PPME_SYSCALL_UNLINK_2_X),
	exitSys("unlinkat", scap.PPME_SYSCALL_UNLINKAT_2_E, out(scap.PPME_SYSCALL_UNLINKAT_2_X, true, encAtPathFlags, bStr(1))),
	exitSys("rename", scap.PPME_SYSCALL_RENAME_E, out(scap.PPME_SYSCALL_RENAME_X, true, encTwoPaths, bStr(0), bStr(1))),
	exitSys("renameat", scap.PPME_SYSCALL_RENAMEAT_E, out(scap.PPME_SYSCALL_RENAMEAT_X, true, atTwoPaths, bStr(1), bStr(3))),
	exitSys("renameat2", scap.PPME_SYSCALL_RENAMEAT2_E, out(scap.PPME_SYSCALL_RENAMEAT2_X, true, encAtTwoPathsFlags, bStr(1), bStr(3))),
	sys("mkdir", in(scap.PPME_SYSCALL_MKDIR_2_E, true, encU32Arg1), out(scap.PPME_SYSCALL_MKDIR_2_X, true, encResPath0, bStr(0))),
	exitSys("mkdirat", scap.PPME_SYSCALL_MKDIRAT_E, out(scap.PPME_SYSCALL_MKDIRAT_X, true, encAtPathFlags, bStr(1))),
	pathSys("rmdir", scap.PPME_SYSCALL_RMDIR_2_E, scap.PPME_SYSCALL_RMDIR_2_X),
	exitSys("symlink", scap.PPME_SYSCALL_SYMLINK_E, out(scap.PPME_SYSCALL_SYMLINK_X, true, encTwoPaths, bStr(0), bStr(1))),
	exitSys("symlinkat", scap.PPME_SYSCALL_SYMLINKAT_E, out(scap.PPME_SYSCALL_SYMLINKAT_X, true, func(p *pw, r *record) {
		p.i64(r.ret)
		p.str(r.blob(0))
		p.i64(r.ai(1))
		p.str(r.blob(1))
	}, bStr(0), bStr(2))),
	exitSys("link", scap.PPME_SYSCALL_LINK_2_E, out(scap.PPME_SYSCALL_LINK_2_X, true, encTwoPaths, bStr(0), bStr(1))),
	exitSys("linkat", scap.PPME_SYSCALL_LINKAT_2_E, out(scap.PPME_SYSCALL_LINKAT_2_X, true, encAtTwoPathsFlags, bStr(1), bStr(3))),
	exitSys("chmod", scap.PPME_SYSCALL_CHMOD_E, out(scap.PPME_SYSCALL_CHMOD_X, true, func(p *pw, r *record) {
		p.i64(r.ret)
		p.str(r.blob(0))
		p.u32(uint32(r.a(1) & 0o7777))
	}, bStr(0))),
	exitSys("fchmod", scap.PPME_SYSCALL_FCHMOD_E, out(scap.PPME_SYSCALL_FCHMOD_X, true, func(p *pw, r *record) {
		p.i64(r.ret)
		p.i64(r.ai(0))
		p.u32(uint32(r.a(1) & 0o7777))
	})),
	exitSys("fchmodat", scap.PPME_SYSCALL_FCHMODAT_E, out(scap.PPME_SYSCALL_FCHMODAT_X, true, func(p *pw, r *record) {
		p.i64(r.ret)
		p.i64(r.ai(0))
		p.str(r.blob(0))
		p.u32(uint32(r.a(2) & 0o7777))
	}, bStr(1))),
	pathSys("chdir", scap.PPME_SYSCALL_CHDIR_E, scap.PPME_SYSCALL_CHDIR_X),
	resSys("fchdir", scap.PPME_SYSCALL_FCHDIR_E, scap.PPME_SYSCALL_FCHDIR_X, encFD0),
	pathSys("chroot", scap.PPME_SYSCALL_CHROOT_E, scap.PPME_SYSCALL_CHROOT_X),
	sys("mount",
		in(scap.PPME_SYSCALL_MOUNT_E, true, func(p *pw, r *record) { p.u32(mountFlags(r.a(3))) }),
		out(scap.PPME_SYSCALL_MOUNT_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.str(r.blob(0))
			p.str(r.blob(1))
			p.str(r.blob(2))
		}, bStr(0), bStr(1), bStr(2))),
	sys("umount2", in(scap.PPME_SYSCALL_UMOUNT_E, true, encU32Arg1), out(scap.PPME_SYSCALL_UMOUNT_X, true, encResPath0, bStr(0))),

	// Descriptors.
	pipeSys("pipe"),
	pipeSys("pipe2"),
	resSys("dup", scap.PPME_SYSCALL_DUP_E, scap.PPME_SYSCALL_DUP_X, encFD0),
	resSys("dup2", scap.PPME_SYSCALL_DUP_E, scap.PPME_SYSCALL_DUP_X, encFD0),
	resSys("dup3", scap.PPME_SYSCALL_DUP_E, scap.PPME_SYSCALL_DUP_X, encFD0),
	resSys("fcntl", scap.PPME_SYSCALL_FCNTL_E, scap.PPME_SYSCALL_FCNTL_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(fcntlCmd(r.a(1))) }),
	resSys("ioctl", scap.PPME_SYSCALL_IOCTL_3_E, scap.PPME_SYSCALL_IOCTL_3_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.u64(r.a(1)); p.u64(r.a(2)) }),
	resSys("eventfd", scap.PPME_SYSCALL_EVENTFD_E, scap.PPME_SYSCALL_EVENTFD_X, func(p *pw, r *record) { p.u64(r.a(0)); p.u32(0) }),
	resSys("eventfd2", scap.PPME_SYSCALL_EVENTFD_E, scap.PPME_SYSCALL_EVENTFD_X, func(p *pw, r *record) { p.u64(r.a(0)); p.u32(uint32(r.a(1))) }),
	resSys("signalfd", scap.PPME_SYSCALL_SIGNALFD_E, scap.PPME_SYSCALL_SIGNALFD_X, func(p *pw, r *record) { signalfdEnter(p, r, 0) }, bMem(1, 8)),
	resSys("signalfd4", scap.PPME_SYSCALL_SIGNALFD_E, scap.PPME_SYSCALL_SIGNALFD_X, func(p *pw, r *record) { signalfdEnter(p, r, uint8(r.a(3))) }, bMem(1, 8)),
	resSys("timerfd_create", scap.PPME_SYSCALL_TIMERFD_CREATE_E, scap.PPME_SYSCALL_TIMERFD_CREATE_X, func(p *pw, r *record) { p.u8(uint8(r.a(0))); p.u8(uint8(r.a(1))) }),
	sys("inotify_init", in(scap.PPME_SYSCALL_INOTIFY_INIT_E, false, func(p *pw, r *record) { p.u8(0) }), out(scap.PPME_SYSCALL_INOTIFY_INIT_X, false, encRes)),
	resSys("inotify_init1", scap.PPME_SYSCALL_INOTIFY_INIT_E, scap.PPME_SYSCALL_INOTIFY_INIT_X, func(p *pw, r *record) { p.u8(uint8(r.a(0))) }),
	exitSys("userfaultfd", scap.PPME_SYSCALL_USERFAULTFD_E, out(scap.PPME_SYSCALL_USERFAULTFD_X, true, func(p *pw, r *record) { p.i64(r.ret); p.u32(openFlags(r.a(0)) &^ 1) })),

	// Processes.
	sys("execve",
		in(scap.PPME_SYSCALL_EXECVE_19_E, true, func(p *pw, r *record) { p.str(r.blob(0)) }, bStr(0)),
		out(scap.PPME_SYSCALL_EXECVE_19_X, false, execveExit, execveExitBlobs...)),
	sys("execveat",
		in(scap.PPME_SYSCALL_EXECVEAT_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.str(r.blob(0))
			p.u32(execveatFlags(r.a(4)))
		}, bStr(1)),
		out(scap.PPME_SYSCALL_EXECVEAT_X, false, execveExit, execveExitBlobs...)),
	cloneSys("clone", scap.PPME_SYSCALL_CLONE_20_E, scap.PPME_SYSCALL_CLONE_20_X, true, func(r *record) uint32 { return cloneFlags(r.a(0)) }, cloneExitBlobs...),
	cloneSys("clone3", scap.PPME_SYSCALL_CLONE3_E, scap.PPME_SYSCALL_CLONE3_X, true, func(r *record) uint32 { return cloneFlags(u64At(r.blob(4), 0)) },
		append(append([]blobSpec{}, cloneExitBlobs...), bMem(0, 8))...),
	cloneSys("fork", scap.PPME_SYSCALL_FORK_20_E, scap.PPME_SYSCALL_FORK_20_X, false, func(*record) uint32 { return 0 }, cloneExitBlobs...),
	cloneSys("vfork", scap.PPME_SYSCALL_VFORK_20_E, scap.PPME_SYSCALL_VFORK_20_X, false, func(*record) uint32 {
		return cloneFlags(0x4000 | 0x100) // CLONE_VFORK|CLONE_VM
	}, cloneExitBlobs...),
	resSys("kill", scap.PPME_SYSCALL_KILL_E, scap.PPME_SYSCALL_KILL_X, encFDU8),
	resSys("tkill", scap.PPME_SYSCALL_TKILL_E, scap.PPME_SYSCALL_TKILL_X, encFDU8),
	resSys("tgkill", scap.PPME_SYSCALL_TGKILL_E, scap.PPME_SYSCALL_TGKILL_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.i64(r.ai(1)); p.u8(uint8(r.a(2))) }),
	sys("ptrace",
		in(scap.PPME_SYSCALL_PTRACE_E, true, func(p *pw, r *record) { p.u16(ptraceRequest(r.a(0))); p.i64(r.ai(1)) }),
		out(scap.PPME_SYSCALL_PTRACE_X, true, ptraceExit)),
	resSys("setuid", scap.PPME_SYSCALL_SETUID_E, scap.PPME_SYSCALL_SETUID_X, encU32Arg0),
	resSys("setgid", scap.PPME_SYSCALL_SETGID_E, scap.PPME_SYSCALL_SETGID_X, encU32Arg0),
	resSys("setresuid", scap.PPME_SYSCALL_SETRESUID_E, scap.PPME_SYSCALL_SETRESUID_X, encThreeU32),
	resSys("setresgid", scap.PPME_SYSCALL_SETRESGID_E, scap.PPME_SYSCALL_SETRESGID_X, encThreeU32),
	exitSys("getuid", scap.PPME_SYSCALL_GETUID_E, out(scap.PPME_SYSCALL_GETUID_X, false, encUID)),
	exitSys("geteuid", scap.PPME_SYSCALL_GETEUID_E, out(scap.PPME_SYSCALL_GETEUID_X, false, encUID)),
	exitSys("getgid", scap.PPME_SYSCALL_GETGID_E, out(scap.PPME_SYSCALL_GETGID_X, false, encUID)),
	exitSys("getegid", scap.PPME_SYSCALL_GETEGID_E, out(scap.PPME_SYSCALL_GETEGID_X, false, encUID)),
	exitSys("getresuid", scap.PPME_SYSCALL_GETRESUID_E, out(scap.PPME_SYSCALL_GETRESUID_X, false, encGetRes, bMem(0, 4), bMem(1, 4), bMem(2, 4))),
	exitSys("getresgid", scap.PPME_SYSCALL_GETRESGID_E, out(scap.PPME_SYSCALL_GETRESGID_X, false, encGetRes, bMem(0, 4), bMem(1, 4), bMem(2, 4))),
	exitSys("setsid", scap.PPME_SYSCALL_SETSID_E, out(scap.PPME_SYSCALL_SETSID_X, false, encRes)),
	resSys("setpgid", scap.PPME_SYSCALL_SETPGID_E, scap.PPME_SYSCALL_SETPGID_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.i64(r.ai(1)) }),
	sys("getrlimit",
		in(scap.PPME_SYSCALL_GETRLIMIT_E, true, func(p *pw, r *record) { p.u8(rlimitResource(r.a(0))) }),
		out(scap.PPME_SYSCALL_GETRLIMIT_X, false, encRlimitX, bMem(1, 16))),
	sys("setrlimit",
		in(scap.PPME_SYSCALL_SETRLIMIT_E, true, func(p *pw, r *record) { p.u8(rlimitResource(r.a(0))) }),
		out(scap.PPME_SYSCALL_SETRLIMIT_X, false, encRlimitX, bMem(1, 16))),
	sys("prlimit64",
		in(scap.PPME_SYSCALL_PRLIMIT_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.u8(rlimitResource(r.a(1))) }),
		out(scap.PPME_SYSCALL_PRLIMIT_X, false, func(p *pw, r *record) {
			encRlimitX(p, r)
			rlimitPair(p, r.blob(1))
		}, bMem(2, 16), bMem(3, 16))),
	resSys("setns", scap.PPME_SYSCALL_SETNS_E, scap.PPME_SYSCALL_SETNS_X, func(p *pw, r *record) { p.i64(r.ai(0)); p.u32(cloneFlags(r.a(1))) }),
	resSys("unshare", scap.PPME_SYSCALL_UNSHARE_E, scap.PPME_SYSCALL_UNSHARE_X, func(p *pw, r *record) { p.u32(cloneFlags(r.a(0))) }),
	sys("bpf",
		in(scap.PPME_SYSCALL_BPF_E, true, func(p *pw, r *record) { p.i64(int64(r.a(0))) }),
		out(scap.PPME_SYSCALL_BPF_X, true, bpfExit)),
	resSys("seccomp", scap.PPME_SYSCALL_SECCOMP_E, scap.PPME_SYSCALL_SECCOMP_X, func(p *pw, r *record) { p.u64(r.a(0)) }),

	// Memory.
	sys("mmap",
		in(scap.PPME_SYSCALL_MMAP_E, true, func(p *pw, r *record) {
			p.u64(r.a(0))
			p.u64(r.a(1))
			p.u32(protFlags(r.a(2)))
			p.u32(mmapFlags(r.a(3)))
			p.i64(r.ai(4))
			p.u64(r.a(5))
		}),
		out(scap.PPME_SYSCALL_MMAP_X, false, encUintRes, bVM)),
	sys("munmap",
		in(scap.PPME_SYSCALL_MUNMAP_E, true, func(p *pw, r *record) { p.u64(r.a(0)); p.u64(r.a(1)) }),
		out(scap.PPME_SYSCALL_MUNMAP_X, false, encVMExit, bVM)),
	sys("brk",
		in(scap.PPME_SYSCALL_BRK_4_E, true, func(p *pw, r *record) { p.u64(r.a(0)) }),
		out(scap.PPME_SYSCALL_BRK_4_X, false, encUintRes, bVM)),
	resSys("mprotect", scap.PPME_SYSCALL_MPROTECT_E, scap.PPME_SYSCALL_MPROTECT_X, func(p *pw, r *record) {
		p.u64(r.a(0))
		p.u64(r.a(1))
		p.u32(protFlags(r.a(2)))
	}),

	// Network.
	resSys("socket", scap.PPME_SOCKET_SOCKET_E, scap.PPME_SOCKET_SOCKET_X, encThreeU32),
	sys("socketpair",
		in(scap.PPME_SOCKET_SOCKETPAIR_E, true, encThreeU32),
		out(scap.PPME_SOCKET_SOCKETPAIR_X, false, func(p *pw, r *record) { fdPair(p, r, 2) }, bSockpair(3))),
	sys("bind",
		in(scap.PPME_SOCKET_BIND_E, true, encFD0),
		out(scap.PPME_SOCKET_BIND_X, false, func(p *pw, r *record) { p.i64(r.ret); p.sockaddr(r.blob(0)) }, bSockaddr(1, 2))),
	resSys("listen", scap.PPME_SOCKET_LISTEN_E, scap.PPME_SOCKET_LISTEN_X, encFDU32),
	sys("connect",
		in(scap.PPME_SOCKET_CONNECT_E, true, func(p *pw, r *record) { p.i64(r.ai(0)); p.sockaddr(r.blob(0)) }, bSockaddr(1, 2)),
		out(scap.PPME_SOCKET_CONNECT_X, false, func(p *pw, r *record) { p.i64(r.ret); p.tuple(r.blob(0), r.blob(1), false) }, bSock(0), bSockaddr(1, 2))),
	exitSys("accept", scap.PPME_SOCKET_ACCEPT_5_E, out(scap.PPME_SOCKET_ACCEPT_5_X, false, acceptExit, bSock(ret), bAcceptQ(0))),
	sys("accept4",
		in(scap.PPME_SOCKET_ACCEPT4_5_E, true, func(p *pw, r *record) { p.i32(int32(r.a(3))) }),
		out(scap.PPME_SOCKET_ACCEPT4_5_X, false, acceptExit, bSock(ret), bAcceptQ(0))),
	resSys("shutdown", scap.PPME_SOCKET_SHUTDOWN_E, scap.PPME_SOCKET_SHUTDOWN_X, encFDU8),
	sys("sendto",
		in(scap.PPME_SOCKET_SENDTO_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(uint32(r.a(2)))
			p.tuple(r.blob(0), r.blob(1), false)
		}, bSock(0), bSockaddr(4, 5)),
		out(scap.PPME_SOCKET_SENDTO_X, true, encDataExit, bBuf(1, 2))),
	sys("recvfrom",
		in(scap.PPME_SOCKET_RECVFROM_E, true, encFDSize),
		out(scap.PPME_SOCKET_RECVFROM_X, true, func(p *pw, r *record) {
			p.i64(r.ret)
			p.bytes(r.blob(0))
			p.tuple(r.blob(1), r.blob(2), true)
		}, bBuf(1, ret), bSock(0), bSockaddr(4, 5|bpf.LenPtr))),
	sys("sendmsg",
		in(scap.PPME_SOCKET_SENDMSG_E, true, func(p *pw, r *record) {
			p.i64(r.ai(0))
			p.u32(encIOVTotal(r.blob(0)))
			p.tuple(r.blob(1), r.blob(2), false)
		}, bMsgIOV(1, bpf.NoData), bSock(0), bMsgName(1)),
		out(scap.PPME_SOCKET_SENDMSG_X, false, encIOVDataX, bMsgIOV(1, 0))),
	sys("recvmsg",
		in(scap.PPME_SOCKET_RECVMSG_E, true, encFD0),
		out(scap.PPME_SOCKET_RECVMSG_X, false, func(p *pw, r *record) {
			encIOVExit(p, r)
			p.tuple(r.blob(1), r.blob(2), true)
		}, bMsgIOV(1, bpf.CapRet), bSock(0), bMsgName(1))),
	exitSys("getsockname", scap.PPME_SOCKET_GETSOCKNAME_E, out(scap.PPME_SOCKET_GETSOCKNAME_X, false, encNone)),
	exitSys("getpeername", scap.PPME_SOCKET_GETPEERNAME_E, out(scap.PPME_SOCKET_GETPEERNAME_X, false, encNone)),
	exitSys("sendmmsg", scap.PPME_SOCKET_SENDMMSG_E, out(scap.PPME_SOCKET_SENDMMSG_X, false, encNone)),
	exitSys("recvmmsg", scap.PPME_SOCKET_RECVMMSG_E, out(scap.PPME_SOCKET_RECVMMSG_X, false, encNone)),

	// Waiting.
	sys("poll",
		in(scap.PPME_SYSCALL_POLL_E, true, func(p *pw, r *record) { p.fdlist(r.blob(0), false); p.i64(r.ai(2)) }, bPoll(0, 1)),
		out(scap.PPME_SYSCALL_POLL_X, false, encPollExit, bPoll(0, 1))),
	sys("ppoll",
		in(scap.PPME_SYSCALL_PPOLL_E, true, func(p *pw, r *record) {
			p.fdlist(r.blob(0), false)
			p.u64(timespecNs(r.blob(1), ^uint64(0)))
			p.u32(u32At(r.blob(2), 0))
		}, bPoll(0, 1), bMem(2, 16), bMem(3, 8)),
		out(scap.PPME_SYSCALL_PPOLL_X, false, encPollExit, bPoll(0, 1))),
	exitSys("select", scap.PPME_SYSCALL_SELECT_E, out(scap.PPME_SYSCALL_SELECT_X, false, encRes)),
	resSys("epoll_wait", scap.PPME_SYSCALL_EPOLLWAIT_E, scap.PPME_SYSCALL_EPOLLWAIT_X, func(p *pw, r *record) { p.i64(r.ai(2)) }),
	resSys("nanosleep", scap.PPME_SYSCALL_NANOSLEEP_E, scap.PPME_SYSCALL_NANOSLEEP_X, func(p *pw, r *record) { p.u64(timespecNs(r.blob(0), 0)) }, bMem(0, 16)),
	resSys("futex", scap.PPME_SYSCALL_FUTEX_E, scap.PPME_SYSCALL_FUTEX_X, func(p *pw, r *record) {
		p.u64(r.a(0))
		p.u16(uint16(r.a(1) & 0x1ff))
		p.u64(r.a(2))
	}),
}

// pipeSys is pipe or pipe2: the fds and the inode of the pipe.
func pipeSys(name string) *sysSpec {
	return exitSys(name, scap.PPME_SYSCALL_PIPE_E,
		out(scap.PPME_SYSCALL_PIPE_X, false, func(p *pw, r *record) { fdPair(p, r, 1) }, bPipe(0)))
}

func signalfdEnter(p *pw, r *record, flags uint8) {
	p.i64(r.ai(0))
	p.u32(u32At(r.blob(0), 0))
	p.u8(flags)
}

func encGetRes(p *pw, r *record) {
	p.i64(r.ret)
	for i := 0; i < 3; i++ {
		p.u32(u32At(r.blob(i), 0))
	}
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
