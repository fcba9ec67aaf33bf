package scap

import "github.com/traceproj/trace/internal/bin"

// Block type codes.
const (
	BlockSHB        = 0x0A0D0D0A
	BlockMI         = 0x201
	BlockPLv1       = 0x202
	BlockPLv2       = 0x207
	BlockPLv3       = 0x209
	BlockPLv4       = 0x210
	BlockPLv5       = 0x211
	BlockPLv6       = 0x212
	BlockPLv7       = 0x213
	BlockPLv8       = 0x214
	BlockPLv9       = 0x215
	BlockFDLv1      = 0x203
	BlockFDLv2      = 0x218
	BlockEVv1       = 0x204
	BlockEVv2       = 0x216
	BlockEVv2Large  = 0x221
	BlockEVFv1      = 0x208
	BlockEVFv2      = 0x217
	BlockEVFv2Large = 0x222
	BlockILv1       = 0x205
	BlockILv2       = 0x219
	BlockULv1       = 0x206
	BlockULv2       = 0x220
)

// Pre-release aliases of some block types, still accepted by readers.
var blockAliases = map[uint32]uint32{
	0x8002ABCD: BlockMI,
	0x8000ABCD: BlockPLv1,
	0x8013ABCD: BlockPLv2,
	0x8014ABCD: BlockPLv3,
	0x8001ABCD: BlockFDLv1,
	0x8010ABCD: BlockEVv1,
	0x8011ABCD: BlockILv1,
	0x8012ABCD: BlockULv1,
}

// Event-with-flags block flags (SCAP_DF_*).
const (
	FlagStateOnly = 1 // the event only rebuilds state and is not shown
	FlagTracer    = 2
	FlagLarge     = 4
)

// ByteOrderMagic is the section header's byte-order magic.
const ByteOrderMagic = 0x1A2B3C4D

// MachineInfo is the machine info block.
type MachineInfo struct {
	NumCPUs     uint32
	MemoryBytes uint64
	MaxPID      uint64
	Hostname    string
	BootTime    uint64 // ns since epoch (reserved1 in sysdig 0.29.3)
	Flags       uint64
	Reserved3   uint64
	Reserved4   uint64
}

// Interface types of the interface list.
const (
	IfIPv4            = 1
	IfIPv6            = 2
	IfIPv4NoLinkSpeed = 3
	IfIPv6NoLinkSpeed = 4
)

// Interface is one entry of the interface list.
type Interface struct {
	Type      uint16
	Name      string
	Addr      [16]byte // IPv4 uses the first 4 bytes, network order
	Netmask   [16]byte
	Bcast     [16]byte
	LinkSpeed uint64
}

// IsIPv6 reports whether the entry holds IPv6 addresses.
func (i *Interface) IsIPv6() bool { return i.Type == IfIPv6 || i.Type == IfIPv6NoLinkSpeed }

// User is one user of the user list.
type User struct {
	UID     uint32
	GID     uint32
	Name    string
	HomeDir string
	Shell   string
}

// Group is one group of the user list.
type Group struct {
	GID  uint32
	Name string
}

// FD types of the fd list (scap_fd_type).
const (
	FDUnknown      = 0
	FDFile         = 1
	FDDirectory    = 2
	FDIPv4Sock     = 3
	FDIPv6Sock     = 4
	FDIPv4ServSock = 5
	FDIPv6ServSock = 6
	FDFifo         = 7
	FDUnixSock     = 8
	FDEvent        = 9
	FDUnsupported  = 10
	FDSignalFD     = 11
	FDEventPoll    = 12
	FDInotify      = 13
	FDTimerFD      = 14
	FDNetlink      = 15
	FDFileV2       = 16
	FDBPF          = 17
	FDUserfaultFD  = 18
	FDIOUring      = 19
	FDMemFD        = 20
	FDPidFD        = 21
	maxKnownFDType = FDPidFD
	maxFDType029   = FDFileV2
)

// FDInfo is one entry of a thread's fd list.
type FDInfo struct {
	FD      int64
	Ino     uint64
	Type    uint8
	L4Proto uint8
	SIP     [16]byte // IPv4 uses the first 4 bytes, network order
	DIP     [16]byte
	SPort   uint16
	DPort   uint16
	Source  uint64 // unix sockets: kernel pointers
	Dest    uint64
	Name    string
	Flags   uint32 // open flags (FILE_V2)
	Dev     uint32
	HasDev  bool
}

// Thread is one entry of the process list.
type Thread struct {
	Tid, Pid, Ptid int64
	Sid, Vpgid     int64
	Comm           string
	Exe            string // argv[0]
	ExePath        string
	Args           []byte // NUL-separated
	Cwd            string
	FDLimit        uint64
	Flags          uint32
	UID, GID       uint32
	VMSize         uint32
	VMRSS          uint32
	VMSwap         uint32
	PFMajor        uint64
	PFMinor        uint64
	Env            []byte // NUL-separated
	Vtid, Vpid     int64
	Cgroups        []byte // NUL-separated subsys=path
	Root           string
	// Tail holds the bytes of a v9 entry after root (loginuid and later
	// fields), kept verbatim so that a rewrite preserves them.
	Tail []byte
	FDs  []FDInfo
}

// LoginUID029 returns the login uid as sysdig 0.29.3 reads it: the first
// four bytes after root, or -1 when absent.
func (t *Thread) LoginUID029() (uint32, bool) {
	if len(t.Tail) < 4 {
		return 0, false
	}
	return bin.LE32(t.Tail), true
}

// tailCurrent is where the login uid starts in the tail as current libs
// read it: entries of libs 0.10 and later (more than the 29 bytes of the
// older fields follow root) put pidns_init_start_ts (8 bytes) and tty (4)
// first.
func (t *Thread) tailCurrent() int {
	if len(t.Tail) > 29 {
		return 12
	}
	return 0
}

// LoginUIDCurrent returns the login uid as current libs read it.
func (t *Thread) LoginUIDCurrent() (uint32, bool) {
	off := t.tailCurrent()
	if len(t.Tail) < off+4 {
		return 0, false
	}
	return bin.LE32(t.Tail[off:]), true
}

// ExeWritableCurrent returns exe_writable as current libs read it.
func (t *Thread) ExeWritableCurrent() bool {
	off := t.tailCurrent()
	return len(t.Tail) >= off+5 && t.Tail[off+4] != 0
}

// TTYCurrent returns the tty current libs read from entries of libs 0.10
// and later (ok false for older entries).
func (t *Thread) TTYCurrent() (uint32, bool) {
	if t.tailCurrent() == 0 {
		return 0, false
	}
	return bin.LE32(t.Tail[8:]), true
}

// ExeWritable029 returns the exe_writable byte that follows the login uid
// in v9 entries (false when absent).
func (t *Thread) ExeWritable029() bool {
	return len(t.Tail) >= 5 && t.Tail[4] != 0
}

// Metadata is everything a capture says before (or between) its events.
type Metadata struct {
	Major, Minor uint16
	// SHBOptions holds the section header's pcapng options, if any.
	SHBOptions []byte
	Machine    *MachineInfo
	Interfaces []Interface
	Users      []User
	Groups     []Group
	Threads    []Thread
	// threadIndex maps a tid to its index in Threads, for attaching fd lists.
	threadIndex map[int64]int
}

// Thread returns the process-list entry of tid, or nil.
func (m *Metadata) Thread(tid int64) *Thread {
	if i, ok := m.threadIndex[tid]; ok {
		return &m.Threads[i]
	}
	return nil
}

func (m *Metadata) addThread(t Thread) {
	if m.threadIndex == nil {
		m.threadIndex = map[int64]int{}
	}
	if i, ok := m.threadIndex[t.Tid]; ok {
		m.Threads[i] = t
		return
	}
	m.threadIndex[t.Tid] = len(m.Threads)
	m.Threads = append(m.Threads, t)
}
