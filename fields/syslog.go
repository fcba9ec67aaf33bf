package fields

import (
	"bytes"
	"strings"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Fields of the syslog class: the message a process writes to /dev/log,
// decoded as sysdig's syslog decoder does on the write's exit event.

var syslogSeverities = [...]string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

var syslogFacilities = [...]string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "clock", "authpriv",
	"ftp", "ntp", "logaudit", "logalert", "cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7",
}

// syslogMsg is a decoded syslog write.
type syslogMsg struct {
	Priority int32
	Severity uint32
	Facility uint32
	Message  []byte // up to its first NUL, pointing into the event
}

func (m *syslogMsg) severityString() string {
	if m.Severity < uint32(len(syslogSeverities)) {
		return syslogSeverities[m.Severity]
	}
	return "<NA>"
}

func (m *syslogMsg) facilityString() string {
	if m.Facility < uint32(len(syslogFacilities)) {
		return syslogFacilities[m.Facility]
	}
	return "<NA>"
}

// isWriteExit reports whether t is the exit of a call whose data sysdig
// hands to protocol decoders (its "data" parameter is the second one).
func isWriteExit(t uint16) bool {
	switch t {
	case scap.PPME_SYSCALL_WRITE_X, scap.PPME_SOCKET_SEND_X, scap.PPME_SOCKET_SENDTO_X,
		scap.PPME_SOCKET_SENDMSG_X, scap.PPME_SYSCALL_WRITEV_X, scap.PPME_SYSCALL_PWRITE_X,
		scap.PPME_SYSCALL_PWRITEV_X:
		return true
	}
	return false
}

// syslogWatched reports whether sysdig's syslog decoder watches writes to
// f: fds whose name contains /dev/log when a file open or a connect
// names them, or when datagram traffic sets their peer. The engine does
// not record how an fd got its name, so this is read from its state: fds
// of the capture's own fd table are watched, unix sockets named by a
// bind, an accept or a connect that did not complete are not (their name
// is a bare path, or they are the accepting side). Files opened with
// openat2, which sysdig does not watch, cannot be told apart.
func syslogWatched(f *state.FD) bool {
	if !strings.Contains(f.Name, "/dev/log") {
		return false
	}
	if f.Flags&state.FDFromProc != 0 {
		return true
	}
	switch f.Type {
	case scap.FDFile, scap.FDFileV2, scap.FDDirectory:
		return true
	case scap.FDUnixSock:
		accepted := f.Flags&(state.FDRoleServer|state.FDSocketConnected) == state.FDRoleServer|state.FDSocketConnected
		return strings.Contains(f.Name, "->") && !accepted
	}
	return false
}

// decodeSyslog decodes the syslog message of a successful write to a
// watched fd.
func decodeSyslog(ev *state.Event) (m syslogMsg, ok bool) {
	if !isWriteExit(ev.Type) || ev.FD == nil || !syslogWatched(ev.FD) || !writeParsed(ev) {
		return m, false
	}
	if r, ok := fdResult(ev); !ok || r < 0 {
		return m, false
	}
	return parseSyslog(ev.Param(1))
}

// parseSyslog decodes "<PRI>message" as sysdig does: PRI is read from the
// second byte up to '>' (at most 15 decimal digits, wrapping as a 32-bit
// integer; -1 is invalid) and the message starts two bytes after it.
func parseSyslog(data []byte) (m syslogMsg, ok bool) {
	j := 0
	for j < 15 && 1+j < len(data) && data[1+j] != '>' && data[1+j] != 0 {
		j++
	}
	if j == 0 || len(data) < j+2 {
		return m, false
	}
	var pri int32
	for _, c := range data[1 : 1+j] {
		if c < '0' || c > '9' {
			return m, false
		}
		pri = pri*10 + int32(c-'0')
	}
	if pri == -1 {
		return m, false
	}
	m.Priority = pri
	m.Severity = uint32(pri & 7)
	m.Facility = uint32(pri >> 3)
	m.Message = data[j+2:]
	if i := bytes.IndexByte(m.Message, 0); i >= 0 {
		m.Message = m.Message[:i]
	}
	return m, true
}

// writeParsed reports whether sysdig parses write exit ev, which is when
// its decoders see the data: not while a capture filter looks at it
// before parsing (events that do not change state), not when that filter
// rejected it, and not when the exit does not follow its enter event
// (an enter the filter rejected counts: its fd was still taken).
func writeParsed(ev *state.Event) bool {
	if ev.Verdict < 0 {
		return false
	}
	if ev.Verdict == 0 && ev.Info.Flags&scap.EF_MODIFIES_STATE == 0 && ev.Engine() != nil && ev.Engine().Prefilter != nil {
		return false
	}
	if ev.Thread == nil {
		return false
	}
	if ev.Thread.LastEventType()+1 == ev.Type {
		return true
	}
	fe := ev.Thread.FilteredEnterType()
	return fe != 0 && fe+1 == ev.Type
}

// AppendSyslogInfo appends what evt.info shows for a decoded write to
// /dev/log ("syslog sev=notice msg=..."); ok is false when the event is
// not one (evt.info then shows the parameters).
func AppendSyslogInfo(b []byte, ev *state.Event) ([]byte, bool) {
	m, ok := decodeSyslog(ev)
	if !ok {
		return b, false
	}
	b = append(b, "syslog sev="...)
	b = append(b, m.severityString()...)
	b = append(b, " msg="...)
	return append(b, m.Message...), true
}

// syslogField is a field of the syslog message written by the event.
func syslogField(name string, pf PrintFmt, g func(c *Ctx, m *syslogMsg, v *Value) bool) entry {
	return get(name, pf, func(c *Ctx, v *Value) bool {
		m, ok := decodeSyslog(c.Ev)
		if !ok {
			return false
		}
		return g(c, &m, v)
	})
}

var syslogTable = []entry{
	syslogField("syslog.facility.str", PFNA, func(c *Ctx, m *syslogMsg, v *Value) bool {
		return setStr(c, v, m.facilityString())
	}),
	syslogField("syslog.facility", PFDec, func(c *Ctx, m *syslogMsg, v *Value) bool {
		v.N = uint64(m.Facility)
		return true
	}),
	syslogField("syslog.severity.str", PFNA, func(c *Ctx, m *syslogMsg, v *Value) bool {
		return setStr(c, v, m.severityString())
	}),
	syslogField("syslog.severity", PFDec, func(c *Ctx, m *syslogMsg, v *Value) bool {
		v.N = uint64(m.Severity)
		return true
	}),
	syslogField("syslog.message", PFNA, func(c *Ctx, m *syslogMsg, v *Value) bool {
		v.S = c.keep(append(c.scratch(), m.Message...))
		return true
	}),
}
