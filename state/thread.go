package state

import (
	"github.com/traceproj/trace/internal/umaporder"
	"github.com/traceproj/trace/scap"
)

// Cgroup is one "subsystem=path" entry of a thread's cgroups.
type Cgroup struct {
	Subsys string
	Path   string
}

// Thread is one entry of the thread table.
type Thread struct {
	verdictGen     uint64 // state generation of verdict (see CachedVerdict)
	verdict        bool
	Tid, Pid, Ptid int64
	Sid, Vpgid     int64
	Vtid, Vpid     int64
	Comm           string
	Exe            string // argv[0]
	ExePath        string
	ExeWritable    bool // execve reported the executable writable by its user
	Args           []string
	Env            []string
	Cwd            string // always ends with '/'
	Root           string
	Cgroups        []Cgroup
	UID, GID       uint32
	LoginUID       uint32
	FDLimit        int64
	Flags          uint32
	VMSize         uint32
	VMRSS          uint32
	VMSwap         uint32
	PFMajor        uint64
	PFMinor        uint64
	Tty            uint32
	ContainerID    string
	// NChilds counts threads whose pid is this thread's tid.
	NChilds int

	fds *FDTable

	// Enter/exit pairing, as sinsp keeps it per thread.
	lastEventType  uint16
	filteredEnter  uint16 // type of the latest enter event, when a filter rejected it (0: none)
	lastEventValid bool
	lastEnter      []byte // copy of the stored enter event
	lastEnterHdr   uint8
	lastEnterCPU   uint16
	lastEnterType  uint16
	lastEventFD    int64
	latencyEnter   uint64 // ts of the last enter event
	Latency        uint64 // ns between the last enter and its exit

	// LastEventTs and PrevTs are the timestamps of the thread's latest and
	// previous events.
	LastEventTs uint64
	PrevTs      uint64
	// fake marks a placeholder created for a tid the capture never
	// described (comm "<NA>").
	fake bool
	// pseudo marks the stand-in thread of container events; it is not
	// in the table.
	pseudo bool
	// cloneTs is when a clone event created the thread.
	cloneTs uint64
	// Stash used by consumers (e.g. chisel state), unused by the engine.
	Stash any
}

// IsMain reports whether the thread is its process's main thread.
func (t *Thread) IsMain() bool { return t.Tid == t.Pid }

// FDTable is a thread's (or a process's shared) table of fds.
type FDTable struct {
	small [64]*FD
	big   map[int64]*FD
	n     int
	// order is the order sinsp's table (a std::unordered_map) would
	// list the fds in after the same insertions and erasures.
	order umaporder.Order
}

// Get returns fd n or nil.
func (ft *FDTable) Get(n int64) *FD {
	if ft == nil {
		return nil
	}
	if n >= 0 && n < int64(len(ft.small)) {
		return ft.small[n]
	}
	return ft.big[n]
}

// Add inserts or replaces fd n.
func (ft *FDTable) Add(n int64, f *FD) {
	f.Num = n
	if n >= 0 && n < int64(len(ft.small)) {
		if ft.small[n] == nil {
			ft.n++
			ft.order.Insert(n)
		}
		ft.small[n] = f
		return
	}
	if ft.big == nil {
		ft.big = map[int64]*FD{}
	}
	if _, ok := ft.big[n]; !ok {
		ft.n++
		ft.order.Insert(n)
	}
	ft.big[n] = f
}

// Remove deletes fd n.
func (ft *FDTable) Remove(n int64) {
	if n >= 0 && n < int64(len(ft.small)) {
		if ft.small[n] != nil {
			ft.n--
			ft.order.Erase(n)
		}
		ft.small[n] = nil
		return
	}
	if _, ok := ft.big[n]; ok {
		ft.n--
		ft.order.Erase(n)
		delete(ft.big, n)
	}
}

// Len returns how many fds the table holds.
func (ft *FDTable) Len() int {
	if ft == nil {
		return 0
	}
	return ft.n
}

// Each calls fn for every fd, small numbers first, then the others in no
// particular order.
func (ft *FDTable) Each(fn func(*FD) bool) {
	if ft == nil {
		return
	}
	for _, f := range ft.small {
		if f != nil && !fn(f) {
			return
		}
	}
	for _, f := range ft.big {
		if !fn(f) {
			return
		}
	}
}

// EachInOrder calls fn for every fd in the order sinsp lists its table
// in (see FDTable.order).
func (ft *FDTable) EachInOrder(fn func(*FD) bool) {
	if ft == nil {
		return
	}
	ft.order.Each(func(n int64) bool {
		f := ft.Get(n)
		return f == nil || fn(f)
	})
}

// clone copies the table as sinsp copies one (a copy assignment of the
// map: same order).
func (ft *FDTable) clone() *FDTable {
	c := &FDTable{n: ft.n, order: ft.order.Clone()}
	for i, f := range ft.small {
		if f != nil {
			cp := *f
			c.small[i] = &cp
		}
	}
	if len(ft.big) > 0 {
		c.big = make(map[int64]*FD, len(ft.big))
		for n, f := range ft.big {
			cp := *f
			c.big[n] = &cp
		}
	}
	return c
}

// FD flags kept by the engine.
const (
	FDRoleClient = 1 << iota
	FDRoleServer
	FDSocketConnected
	FDCloseInProgress
	FDCloseCanceled
	FDSocketPending
	FDSocketFailed
	FDFromProc // loaded from a capture's fd list
)

// FD is one file descriptor.
type FD struct {
	Num       int64
	Type      uint8 // scap.FD* type
	Name      string
	OpenFlags uint32
	Ino       uint64
	Dev       uint32
	Flags     uint32 // FDRole*, ...
	// Sock holds socket addresses (see sockinfo.go).
	Sock [sockinfoSize]byte
}

// TypeChar returns the character sysdig shows in `<f>` decorations.
func (f *FD) TypeChar() byte {
	if c := fdTypes[f.Type].char; c != 0 {
		return c
	}
	return 'o'
}

// FDTypeName is sysdig's fd.type name for an fd type ("<NA>" when it
// has none).
func FDTypeName(t uint8) string {
	if n := fdTypes[t].name; n != "" {
		return n
	}
	return "<NA>"
}

// fdTypes gives each fd type its fd.type name and its decoration
// character.
var fdTypes = func() (t [256]struct {
	name string
	char byte
}) {
	for _, e := range []struct {
		types []uint8
		name  string
		char  byte
	}{
		{[]uint8{scap.FDFile, scap.FDFileV2}, "file", 'f'},
		{[]uint8{scap.FDDirectory}, "directory", 'd'},
		{[]uint8{scap.FDIPv4Sock, scap.FDIPv4ServSock}, "ipv4", '4'},
		{[]uint8{scap.FDIPv6Sock, scap.FDIPv6ServSock}, "ipv6", '6'},
		{[]uint8{scap.FDUnixSock}, "unix", 'u'},
		{[]uint8{scap.FDFifo}, "pipe", 'p'},
		{[]uint8{scap.FDEvent}, "event", 'e'},
		{[]uint8{scap.FDSignalFD}, "signalfd", 's'},
		{[]uint8{scap.FDEventPoll}, "eventpoll", 'l'},
		{[]uint8{scap.FDInotify}, "inotify", 'i'},
		{[]uint8{scap.FDTimerFD}, "timerfd", 't'},
		{[]uint8{scap.FDNetlink}, "netlink", 'n'},
		{[]uint8{scap.FDBPF}, "bpf", 'b'},
		{[]uint8{scap.FDUserfaultFD}, "userfaultfd", 'u'},
		{[]uint8{scap.FDIOUring}, "io_uring", 'r'},
		{[]uint8{scap.FDMemFD}, "memfd", 'm'},
		{[]uint8{scap.FDPidFD}, "pidfd", 'P'},
		{[]uint8{scap.FDUnsupported}, "", 'X'},
	} {
		for _, typ := range e.types {
			t[typ].name, t[typ].char = e.name, e.char
		}
	}
	return t
}()

// IsSocket reports whether the fd is an IP socket.
func (f *FD) IsIPSocket() bool {
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock, scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		return true
	}
	return false
}

// L4Char returns the protocol character of IP sockets ('t', 'u', 'i', 'r')
// or 0.
func (f *FD) L4Char() byte {
	if !f.IsIPSocket() {
		return 0
	}
	switch f.rawL4() {
	case L4TCP:
		return 't'
	case L4UDP:
		return 'u'
	case L4ICMP:
		return 'i'
	case L4Raw:
		return 'r'
	}
	return 0
}

// Layer-4 protocols of sockets (scap_l4_proto).
const (
	L4Unknown = 0
	L4NA      = 1
	L4TCP     = 2
	L4UDP     = 3
	L4ICMP    = 4
	L4Raw     = 5
)

// CloneTs is when a clone event created the thread (0 if it came from the
// capture's process list).
func (t *Thread) CloneTs() uint64 { return t.cloneTs }
