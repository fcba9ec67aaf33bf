package capture

import "errors"

// Defaults of Options.
const (
	DefaultSnaplen    = 80
	DefaultBufferSize = 8 << 20
	// MaxSnaplen keeps every encoded event below the 64 KiB limit of an
	// event block.
	MaxSnaplen = 60000
)

// Sentinel errors.
var (
	// ErrStopped is returned by NextInto once Stop was called and every
	// ring is drained.
	ErrStopped = errors.New("capture stopped")
	// ErrUnsupported is returned by Open where live capture cannot work.
	ErrUnsupported = errors.New("live capture is not supported on this platform")
	// ErrPermission wraps the failure to load or attach for lack of privileges.
	ErrPermission = errors.New("live capture needs root (CAP_BPF and CAP_PERFMON)")
	// ErrNoBTF is returned when the kernel does not describe itself with BTF.
	ErrNoBTF = errors.New("kernel has no BTF (CONFIG_DEBUG_INFO_BTF); live capture unavailable")
)

// Options configure a capture.
type Options struct {
	// Snaplen is how many bytes of I/O buffers each event keeps
	// (DefaultSnaplen when 0, at most MaxSnaplen).
	Snaplen int
	// EventTypes are the event types (scap.PPME_*) to emit; nil emits all
	// of them. A syscall is traced on enter (exit) when its enter (exit)
	// event type is listed; scap.PPME_GENERIC_E/X select every syscall
	// that has no event type of its own, PPME_PROCEXIT_1_E the process
	// exit tracepoint and PPME_SCHEDSWITCH_6_E the context switches.
	EventTypes []uint16
	// SchedSwitch also emits context switches (PPME_SCHEDSWITCH_6_E).
	SchedSwitch bool
	// BufferSize is the size in bytes of each per-CPU ring buffer, a power
	// of two and a multiple of the page size (DefaultBufferSize when 0).
	BufferSize int
	// SkipProcScan leaves Metadata without threads, users and interfaces
	// (machine info only), for callers that do not need the initial state.
	SkipProcScan bool
	// Procinfo emits procinfo events (PPME_PROCINFO_E) with every
	// thread's CPU time once per second of event time, as sysdig does.
	Procinfo bool
	// Verbose keeps the full verifier log in load errors.
	Verbose bool
}

// Stats are the capture's counters, summed over CPUs.
type Stats struct {
	Events      uint64 // records the BPF programs wrote to the rings
	DropsBuffer uint64 // records lost because a ring was full
	DropsTooBig uint64 // records whose captured data did not fit and was cut
	Compat      uint64 // 32-bit (ia32) syscalls skipped
	Delivered   uint64 // events returned by NextInto
	Malformed   uint64 // records that could not be decoded (skipped)
	Strings     StringStats
	PerCPU      []CPUStats
}

// CPUStats are the BPF counters of one CPU.
type CPUStats struct {
	Events, DropsBuffer, DropsTooBig, Compat uint64
}

// Drops is the number of records lost.
func (s Stats) Drops() uint64 { return s.DropsBuffer }
