package fields

import (
	"strconv"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Fields of the fdlist class: the fds of poll and ppoll calls, as
// comma-separated lists. Each entry of the "fds" parameter is an fd
// number (8 bytes) and its event flags (2 bytes), after a 2-byte count.

// fdlistParam returns the "fds" parameter of a poll event.
func fdlistParam(ev *state.Event) ([]byte, bool) {
	switch ev.Type {
	case scap.PPME_SYSCALL_POLL_E, scap.PPME_SYSCALL_PPOLL_E:
		return ev.Param(0), true
	case scap.PPME_SYSCALL_POLL_X, scap.PPME_SYSCALL_PPOLL_X:
		return ev.Param(1), true
	}
	return nil, false
}

// fdlistField registers an fdlist field; entry appends the text of one fd
// (nothing, and ok false, to leave it out of the list).
func fdlistField(name string, pf PrintFmt, entry func(b []byte, fd int64, f *state.FD) ([]byte, bool)) entry {
	return get(name, pf, func(c *Ctx, v *Value) bool {
		ev := c.Ev
		p, ok := fdlistParam(ev)
		if !ok || ev.Thread == nil || ev.Engine() == nil || len(p) < 2 {
			return false
		}
		n := int(le16(p))
		b := c.scratch()
		for i, pos := 0, 2; i < n && pos+8 <= len(p); i, pos = i+1, pos+10 {
			fd := int64(le64(p[pos:]))
			var added bool
			b, added = entry(b, fd, ev.Engine().GetFD(ev.Thread, fd))
			if added {
				b = append(b, ',')
			}
		}
		if len(b) > 0 && b[len(b)-1] == ',' {
			b = b[:len(b)-1]
		}
		v.S = c.keep(b)
		return len(b) > 0
	})
}

var fdlistTable = []entry{
	fdlistField("fdlist.nums", PFID, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		return strconv.AppendInt(b, fd, 10), true
	}),
	fdlistField("fdlist.names", PFNA, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		if f == nil || f.Name == "" {
			return append(b, "<NA>"...), true
		}
		return append(b, f.Name...), true
	}),
	fdlistField("fdlist.cips", PFNA, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		if f == nil || !isConnSock(f) {
			return b, false
		}
		return AppendIP(b, clientIP(f)), true
	}),
	fdlistField("fdlist.sips", PFNA, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		if f == nil {
			return b, false
		}
		switch f.Type {
		case scap.FDIPv4Sock, scap.FDIPv6Sock, scap.FDIPv4ServSock:
			return AppendIP(b, serverIP(f)), true
		case scap.FDIPv6ServSock:
			// sysdig renders these as IPv4 addresses: their first 4 bytes.
			return AppendIP(b, serverIP(f)[:4]), true
		}
		return b, false
	}),
	fdlistField("fdlist.cports", PFDec, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		if f == nil || !isConnSock(f) {
			return b, false
		}
		return strconv.AppendUint(b, uint64(clientPort(f)), 10), true
	}),
	fdlistField("fdlist.sports", PFDec, func(b []byte, fd int64, f *state.FD) ([]byte, bool) {
		if f == nil || !isConnSock(f) {
			return b, false
		}
		return strconv.AppendUint(b, uint64(serverPort(f)), 10), true
	}),
}
