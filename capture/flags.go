package capture

// Conversions of Linux (x86_64) flag values to the PPM_* values of
// sysdig's flag tables (flag_tables.tsv, 0.29.3 variants where they
// differ).

type bitMap struct{ linux, ppm uint64 }

func mapBits(v uint64, m []bitMap) uint64 {
	var out uint64
	for _, b := range m {
		if v&b.linux == b.linux && b.linux != 0 {
			out |= b.ppm
		}
	}
	return out
}

var openBits = []bitMap{
	{0o100, 1 << 2},       // O_CREAT
	{0o2000, 1 << 3},      // O_APPEND
	{0o10000, 1 << 4},     // O_DSYNC
	{0o200, 1 << 5},       // O_EXCL
	{0o4000, 1 << 6},      // O_NONBLOCK
	{0o4000000, 1 << 7},   // __O_SYNC
	{0o1000, 1 << 8},      // O_TRUNC
	{0o40000, 1 << 9},     // O_DIRECT
	{0o200000, 1 << 10},   // O_DIRECTORY
	{0o100000, 1 << 11},   // O_LARGEFILE
	{0o2000000, 1 << 12},  // O_CLOEXEC
	{0o20000000, 1 << 13}, // __O_TMPFILE
}

// openFlags converts open(2) flags to PPM_O_* (file_flags@0.29.3).
func openFlags(f uint64) uint32 {
	var out uint64
	switch f & 3 {
	case 0:
		out = 1 // PPM_O_RDONLY
	case 1:
		out = 2 // PPM_O_WRONLY
	case 2:
		out = 3 // PPM_O_RDWR
	}
	return uint32(out | mapBits(f, openBits))
}

// openMode is the mode sysdig reports for an open: the permission bits
// when the call may create a file, else 0.
func openMode(flags, mode uint64) uint32 {
	if flags&(0o100|0o20000000) == 0 {
		return 0
	}
	return uint32(mode & 0o7777)
}

var cloneBits = []bitMap{
	{0x400, 1 << 0},       // CLONE_FILES
	{0x200, 1 << 1},       // CLONE_FS
	{0x80000000, 1 << 2},  // CLONE_IO
	{0x08000000, 1 << 3},  // CLONE_NEWIPC
	{0x40000000, 1 << 4},  // CLONE_NEWNET
	{0x00020000, 1 << 5},  // CLONE_NEWNS
	{0x20000000, 1 << 6},  // CLONE_NEWPID
	{0x04000000, 1 << 7},  // CLONE_NEWUTS
	{0x00008000, 1 << 8},  // CLONE_PARENT
	{0x00100000, 1 << 9},  // CLONE_PARENT_SETTID
	{0x00002000, 1 << 10}, // CLONE_PTRACE
	{0x00000800, 1 << 11}, // CLONE_SIGHAND
	{0x00040000, 1 << 12}, // CLONE_SYSVSEM
	{0x00010000, 1 << 13}, // CLONE_THREAD
	{0x00800000, 1 << 14}, // CLONE_UNTRACED
	{0x00000100, 1 << 15}, // CLONE_VM
	{0x10000000, 1 << 20}, // CLONE_NEWUSER
	{0x00200000, 1 << 23}, // CLONE_CHILD_CLEARTID
	{0x01000000, 1 << 24}, // CLONE_CHILD_SETTID
	{0x00080000, 1 << 25}, // CLONE_SETTLS
	{0x00004000, 1 << 27}, // CLONE_VFORK
	{0x02000000, 1 << 28}, // CLONE_NEWCGROUP
}

// cloneFlags converts clone(2)/unshare(2)/setns(2) flags to PPM_CL_*.
func cloneFlags(f uint64) uint32 { return uint32(mapBits(f, cloneBits)) }

var protBits = []bitMap{
	{1, 1}, {2, 2}, {4, 4}, {8, 8}, // PROT_READ/WRITE/EXEC/SEM
	{0x01000000, 16}, // PROT_GROWSDOWN
	{0x02000000, 32}, // PROT_GROWSUP
}

// protFlags converts mmap/mprotect protections to PPM_PROT_*.
func protFlags(f uint64) uint32 { return uint32(mapBits(f, protBits)) }

var mmapBits = []bitMap{
	{0x01, 1 << 0},    // MAP_SHARED
	{0x02, 1 << 1},    // MAP_PRIVATE
	{0x10, 1 << 2},    // MAP_FIXED
	{0x20, 1 << 3},    // MAP_ANONYMOUS
	{0x40, 1 << 4},    // MAP_32BIT
	{0x4000, 1 << 6},  // MAP_NORESERVE
	{0x8000, 1 << 7},  // MAP_POPULATE
	{0x10000, 1 << 8}, // MAP_NONBLOCK
	{0x100, 1 << 9},   // MAP_GROWSDOWN
	{0x800, 1 << 10},  // MAP_DENYWRITE
	{0x1000, 1 << 11}, // MAP_EXECUTABLE
	{0x2000, 1 << 14}, // MAP_LOCKED
}

// mmapFlags converts mmap(2) flags to PPM_MAP_*.
func mmapFlags(f uint64) uint32 { return uint32(mapBits(f, mmapBits)) }

var pollBits = []bitMap{
	{0x001, 1 << 0},  // POLLIN
	{0x002, 1 << 1},  // POLLPRI
	{0x004, 1 << 2},  // POLLOUT
	{0x2000, 1 << 3}, // POLLRDHUP
	{0x008, 1 << 4},  // POLLERR
	{0x010, 1 << 5},  // POLLHUP
	{0x020, 1 << 6},  // POLLNVAL
	{0x040, 1 << 7},  // POLLRDNORM
	{0x080, 1 << 8},  // POLLRDBAND
	{0x100, 1 << 9},  // POLLWRNORM
	{0x200, 1 << 10}, // POLLWRBAND
}

// pollFlags converts poll(2) events to PPM_POLL*.
func pollFlags(f uint16) uint16 { return uint16(mapBits(uint64(f), pollBits)) }

var resolveBits = []bitMap{
	{0x08, 1 << 0}, // RESOLVE_BENEATH
	{0x10, 1 << 1}, // RESOLVE_IN_ROOT
	{0x02, 1 << 2}, // RESOLVE_NO_MAGICLINKS
	{0x04, 1 << 3}, // RESOLVE_NO_SYMLINKS
	{0x01, 1 << 4}, // RESOLVE_NO_XDEV
	{0x20, 1 << 5}, // RESOLVE_CACHED
}

// resolveFlags converts openat2 resolve flags to PPM_RESOLVE_*.
func resolveFlags(f uint64) uint32 { return uint32(mapBits(f, resolveBits)) }

// execveatFlags converts execveat(2) flags to PPM_EXVAT_*.
func execveatFlags(f uint64) uint32 {
	var out uint32
	if f&0x1000 != 0 { // AT_EMPTY_PATH
		out |= 1
	}
	if f&0x100 != 0 { // AT_SYMLINK_NOFOLLOW
		out |= 2
	}
	return out
}

// fcntlCmd converts an fcntl(2) command to PPM_FCNTL_* (0 when unknown).
func fcntlCmd(c uint64) uint8 {
	switch int32(c) {
	case 0:
		return 1 // F_DUPFD
	case 1:
		return 2 // F_GETFD
	case 2:
		return 3 // F_SETFD
	case 3:
		return 4 // F_GETFL
	case 4:
		return 5 // F_SETFL
	case 5:
		return 6 // F_GETLK
	case 6:
		return 8 // F_SETLK
	case 7:
		return 9 // F_SETLKW
	case 8:
		return 10 // F_SETOWN
	case 9:
		return 12 // F_GETOWN
	case 10:
		return 13 // F_SETSIG
	case 11:
		return 15 // F_GETSIG
	case 15:
		return 21 // F_SETOWN_EX
	case 16:
		return 22 // F_GETOWN_EX
	case 1024:
		return 23 // F_SETLEASE
	case 1025:
		return 24 // F_GETLEASE
	case 1029:
		return 25 // F_CANCELLK
	case 1030:
		return 26 // F_DUPFD_CLOEXEC
	case 1026:
		return 27 // F_NOTIFY
	case 1031:
		return 28 // F_SETPIPE_SZ
	case 1032:
		return 29 // F_GETPIPE_SZ
	case 36:
		return 30 // F_OFD_GETLK
	case 37:
		return 31 // F_OFD_SETLK
	case 38:
		return 32 // F_OFD_SETLKW
	}
	return 0
}

// ptraceRequest converts a ptrace(2) request to PPM_PTRACE_* (0 when unknown).
func ptraceRequest(r uint64) uint16 {
	switch {
	case r <= 9: // TRACEME .. SINGLESTEP
		return uint16(r) + 1
	}
	switch r {
	case 12:
		return 26 // GETREGS
	case 13:
		return 27 // SETREGS
	case 14:
		return 28 // GETFPREGS
	case 15:
		return 29 // SETFPREGS
	case 16:
		return 11 // ATTACH
	case 17:
		return 12 // DETACH
	case 18:
		return 30 // GETFPXREGS
	case 19:
		return 31 // SETFPXREGS
	case 21:
		return 32 // OLDSETOPTIONS
	case 24:
		return 13 // SYSCALL
	case 25:
		return 33 // GET_THREAD_AREA
	case 26:
		return 34 // SET_THREAD_AREA
	case 30:
		return 35 // ARCH_PRCTL
	case 31:
		return 36 // SYSEMU
	case 32:
		return 37 // SYSEMU_SINGLESTEP
	case 33:
		return 38 // SINGLEBLOCK
	}
	if r >= 0x4200 && r <= 0x420b { // SETOPTIONS .. SETSIGMASK
		return uint16(r-0x4200) + 14
	}
	return 0
}

// ptraceSignalData reports whether a request's data argument is a signal.
func ptraceSignalData(r uint64) bool {
	switch r {
	case 7, 9, 17, 24, 31, 32, 33: // CONT, SINGLESTEP, DETACH, SYSCALL, SYSEMU*, SINGLEBLOCK
		return true
	}
	return false
}

// newEncodeDev turns a kernel dev_t (major << 20 | minor) into the
// userspace encoding sysdig reports.
func newEncodeDev(dev uint32) uint32 {
	major := dev >> 20
	minor := dev & 0xfffff
	return (minor & 0xff) | (major << 8) | ((minor &^ 0xff) << 12)
}
