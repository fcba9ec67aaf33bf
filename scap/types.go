package scap

//go:generate go run ../internal/gen/tables -spec ../internal/gen/spec -out .

// ParamType is the on-disk type of an event parameter (PT_* in the driver).
type ParamType uint8

// Parameter types, numbered as in the driver's ppm_events_public.h.
const (
	PT_NONE ParamType = iota
	PT_INT8
	PT_INT16
	PT_INT32
	PT_INT64
	PT_UINT8
	PT_UINT16
	PT_UINT32
	PT_UINT64
	PT_CHARBUF
	PT_BYTEBUF
	PT_ERRNO
	PT_SOCKADDR
	PT_SOCKTUPLE
	PT_FD
	PT_PID
	PT_FDLIST
	PT_FSPATH
	PT_SYSCALLID
	PT_SIGTYPE
	PT_RELTIME
	PT_ABSTIME
	PT_PORT
	PT_L4PROTO
	PT_SOCKFAMILY
	PT_BOOL
	PT_IPV4ADDR
	PT_DYN
	PT_FLAGS8
	PT_FLAGS16
	PT_FLAGS32
	PT_UID
	PT_GID
	PT_DOUBLE
	PT_SIGSET
	PT_CHARBUFARRAY
	PT_CHARBUF_PAIR_ARRAY
	PT_IPV4NET
	PT_IPV6ADDR
	PT_IPV6NET
	PT_IPADDR
	PT_IPNET
	PT_MODE
	PT_FSRELPATH
	PT_ENUMFLAGS8
	PT_ENUMFLAGS16
	PT_ENUMFLAGS32
	PT_FD32
	PT_PID32
)

// ParamFormat is how a numeric parameter is printed (PF_* in the driver).
type ParamFormat uint8

// Print formats.
const (
	PF_NA ParamFormat = iota
	PF_DEC
	PF_HEX
	PF_10_PADDED_DEC
	PF_ID
	PF_DIR
	PF_OCT
)

// Category is an event's category (EC_*): low bits hold the syscall
// category, high bits the event class.
type Category uint32

// Event categories.
const (
	EC_UNKNOWN    Category = 0
	EC_OTHER      Category = 1
	EC_FILE       Category = 2
	EC_NET        Category = 3
	EC_IPC        Category = 4
	EC_MEMORY     Category = 5
	EC_PROCESS    Category = 6
	EC_SLEEP      Category = 7
	EC_SYSTEM     Category = 8
	EC_SIGNAL     Category = 9
	EC_USER       Category = 10
	EC_TIME       Category = 11
	EC_PROCESSING Category = 12
	EC_IO_BASE    Category = 32
	EC_IO_READ    Category = 32
	EC_IO_WRITE   Category = 33
	EC_IO_OTHER   Category = 34
	EC_WAIT       Category = 64
	EC_SCHEDULER  Category = 128
	EC_INTERNAL   Category = 256
	EC_SYSCALL    Category = 512
	EC_TRACEPOINT Category = 1024
	EC_PLUGIN     Category = 2048
	EC_METAEVENT  Category = 4096
	EC_ITER       Category = 8192
)

// Low returns the syscall category part (EC_FILE, EC_IO_READ, ...).
func (c Category) Low() Category { return c & 0xff }

// EventFlags are the EF_* flags of an event type.
type EventFlags uint32

// Event flags.
const (
	EF_NONE              EventFlags = 0
	EF_CREATES_FD        EventFlags = 1
	EF_DESTROYS_FD       EventFlags = 2
	EF_USES_FD           EventFlags = 4
	EF_READS_FROM_FD     EventFlags = 8
	EF_WRITES_TO_FD      EventFlags = 16
	EF_MODIFIES_STATE    EventFlags = 32
	EF_UNUSED            EventFlags = 64
	EF_WAITS             EventFlags = 128
	EF_SKIPPARSERESET    EventFlags = 256
	EF_OLD_VERSION       EventFlags = 512
	EF_LARGE_PAYLOAD     EventFlags = 2048
	EF_CONVERTER_MANAGED EventFlags = 4096
)

// Direction tells an enter event from an exit event.
type Direction uint8

// Directions: enter events have even ids, exit events odd ones.
const (
	DirEnter Direction = iota
	DirExit
)

// FlagEntry is one named value of a flag or enum table.
type FlagEntry struct {
	Value uint64
	Name  string
}

// FlagTable is a driver flag table (flags_table.c), in the driver's order.
type FlagTable struct {
	Name    string
	Entries []FlagEntry
}

// DynParam is one alternative of a PT_DYN parameter: the first byte of the
// value selects the entry, the rest is encoded as Type.
type DynParam struct {
	Type   ParamType
	Format ParamFormat
}

// ParamInfo describes one event parameter.
type ParamInfo struct {
	Name   string
	Type   ParamType
	Format ParamFormat
	Table  *FlagTable // flag names for PT_FLAGS*, PT_ENUMFLAGS*, PT_MODE
	Dyn    []DynParam // alternatives for PT_DYN
	DirFD  int        // for PT_FSRELPATH: index of the dirfd parameter, or -1
}

// EventInfo describes one event type.
type EventInfo struct {
	Name     string
	Dir      Direction
	Category Category
	Flags    EventFlags
	Params   []ParamInfo
}

// Large reports whether parameter lengths of this event are 32-bit.
func (e *EventInfo) Large() bool { return e.Flags&EF_LARGE_PAYLOAD != 0 }

// Info returns the event table entry that sysdig 0.29.3 uses for type t, or
// nil when 0.29.3 does not know t (its reader skips such events).
func Info(t uint16) *EventInfo {
	if int(t) >= NumEvents029 {
		return nil
	}
	return &events029[t]
}

// InfoHead returns the current libs' table entry for type t, or nil.
func InfoHead(t uint16) *EventInfo {
	if int(t) >= NumEventsHead {
		return nil
	}
	return &eventsHead[t]
}

// FlagTableByName returns a flag table by its spec name (e.g. "file_flags").
func FlagTableByName(name string) *FlagTable { return flagTablesByName[name] }

// ErrnoName returns the name of errno e (a positive number), or "".
func ErrnoName(e int64) string {
	if e < 0 || e >= int64(len(errnoNames)) {
		return ""
	}
	return errnoNames[e]
}

// SignalName returns the name of signal s, or "".
func SignalName(s uint64) string {
	if s >= uint64(len(signalNames)) {
		return ""
	}
	return signalNames[s]
}

var paramTypeNames = map[ParamType]string{
	PT_NONE: "NONE", PT_INT8: "INT8", PT_INT16: "INT16", PT_INT32: "INT32", PT_INT64: "INT64",
	PT_UINT8: "UINT8", PT_UINT16: "UINT16", PT_UINT32: "UINT32", PT_UINT64: "UINT64",
	PT_CHARBUF: "CHARBUF", PT_BYTEBUF: "BYTEBUF", PT_ERRNO: "ERRNO", PT_SOCKADDR: "SOCKADDR",
	PT_SOCKTUPLE: "SOCKTUPLE", PT_FD: "FD", PT_PID: "PID", PT_FDLIST: "FDLIST", PT_FSPATH: "FSPATH",
	PT_SYSCALLID: "SYSCALLID", PT_SIGTYPE: "SIGTYPE", PT_RELTIME: "RELTIME", PT_ABSTIME: "ABSTIME",
	PT_PORT: "PORT", PT_L4PROTO: "L4PROTO", PT_SOCKFAMILY: "SOCKFAMILY", PT_BOOL: "BOOL",
	PT_IPV4ADDR: "IPV4ADDR", PT_DYN: "DYNAMIC", PT_FLAGS8: "FLAGS8", PT_FLAGS16: "FLAGS16",
	PT_FLAGS32: "FLAGS32", PT_UID: "UID", PT_GID: "GID", PT_DOUBLE: "DOUBLE", PT_SIGSET: "SIGSET",
	PT_CHARBUFARRAY: "CHARBUFARRAY", PT_CHARBUF_PAIR_ARRAY: "CHARBUF_PAIR_ARRAY",
	PT_IPV4NET: "IPV4NET", PT_IPV6ADDR: "IPV6ADDR", PT_IPV6NET: "IPV6NET", PT_IPADDR: "IPADDR",
	PT_IPNET: "IPNET", PT_MODE: "MODE", PT_FSRELPATH: "FSRELPATH", PT_ENUMFLAGS8: "ENUMFLAGS8",
	PT_ENUMFLAGS16: "ENUMFLAGS16", PT_ENUMFLAGS32: "ENUMFLAGS32", PT_FD32: "FD32", PT_PID32: "PID32",
}

// String returns the type's name as sysdig's event listing prints it.
func (t ParamType) String() string {
	if s, ok := paramTypeNames[t]; ok {
		return s
	}
	return "UNKNOWN"
}

// InfoAny returns 0.29.3's table entry for t, else current libs', or nil.
func InfoAny(t uint16) *EventInfo {
	if info := Info(t); info != nil {
		return info
	}
	return InfoHead(t)
}

// NumEventsAll bounds the event types of both tables: arrays indexed by
// event type have this many entries.
const NumEventsAll = max(NumEvents029, NumEventsHead)

// InfoFor returns the table entry that applies to type t in a capture of
// the given layout: current libs' for current (exit-only) captures, where
// it extends 0.29.3's; 0.29.3's otherwise. nil: the type is unknown there.
func InfoFor(t uint16, current bool) *EventInfo {
	if current {
		if info := InfoHead(t); info != nil {
			return info
		}
	}
	return Info(t)
}

// TypeList returns the event types set in a per-type membership table,
// in order.
func TypeList(set []bool) []uint16 {
	var out []uint16
	for t, ok := range set {
		if ok {
			out = append(out, uint16(t))
		}
	}
	return out
}
