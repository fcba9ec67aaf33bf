package state

import (
	"strconv"

	"github.com/traceproj/trace/internal/bin"
	"github.com/traceproj/trace/scap"
)

// AppendIPv4 appends a dotted quad for 4 bytes in network order.
func AppendIPv4(b []byte, ip []byte) []byte {
	b = strconv.AppendUint(b, uint64(ip[0]), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(ip[1]), 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(ip[2]), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(ip[3]), 10)
}

// AppendIPv6 appends the text form glibc's inet_ntop gives a 16-byte
// address: lowercase hex groups, the longest run of two or more zero
// groups as "::", and the IPv4 forms ::a.b.c.d and ::ffff:a.b.c.d.
func AppendIPv6(b []byte, ip []byte) []byte {
	var w [8]uint16
	for i := 0; i < 8; i++ {
		w[i] = uint16(ip[2*i])<<8 | uint16(ip[2*i+1])
	}
	bestBase, bestLen := -1, 0
	curBase, curLen := -1, 0
	for i := 0; i < 8; i++ {
		if w[i] == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
		} else if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				b = append(b, ':')
			}
			continue
		}
		if i != 0 {
			b = append(b, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			return AppendIPv4(b, ip[12:16])
		}
		b = strconv.AppendUint(b, uint64(w[i]), 16)
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		b = append(b, ':')
	}
	return b
}

// PortNamer names a port by its service ("" when it has none); a nil
// PortNamer leaves numbers (sysdig without -R).
type PortNamer func(port uint16, l4 uint8) string

func appendPort(b []byte, port uint16, l4 uint8, names PortNamer) []byte {
	if names != nil {
		if s := names(port, l4); s != "" {
			return append(b, s...)
		}
	}
	return strconv.AppendUint(b, uint64(port), 10)
}

// AppendTuple4 appends "sip:sport->dip:dport".
func AppendTuple4(b []byte, sip []byte, sport uint16, dip []byte, dport uint16, l4 uint8, names PortNamer) []byte {
	b = appendAddrPort(b, AppendIPv4, sip, sport, l4, names)
	b = append(b, "->"...)
	return appendAddrPort(b, AppendIPv4, dip, dport, l4, names)
}

// AppendTuple6 appends "sip:sport->dip:dport" for IPv6 addresses.
func AppendTuple6(b []byte, sip []byte, sport uint16, dip []byte, dport uint16, l4 uint8, names PortNamer) []byte {
	b = appendAddrPort(b, AppendIPv6, sip, sport, l4, names)
	b = append(b, "->"...)
	return appendAddrPort(b, AppendIPv6, dip, dport, l4, names)
}

// appendAddrPort appends "ip:port", the address rendered by appendIP.
func appendAddrPort(b []byte, appendIP func(b, ip []byte) []byte, ip []byte, port uint16, l4 uint8, names PortNamer) []byte {
	b = appendIP(b, ip)
	b = append(b, ':')
	return appendPort(b, port, l4, names)
}

// SockinfoString renders a socket's addresses the way sysdig names it.
func SockinfoString(f *FD, names PortNamer) string {
	var buf [128]byte
	b := buf[:0]
	l4 := f.rawL4()
	switch f.Type {
	case scap.FDIPv4Sock:
		b = AppendTuple4(b, f.V4SIP(), f.V4SPort(), f.V4DIP(), f.V4DPort(), l4, names)
	case scap.FDIPv6Sock:
		b = AppendTuple6(b, f.V6SIP(), f.V6SPort(), f.V6DIP(), f.V6DPort(), l4, names)
	case scap.FDIPv4ServSock:
		b = appendAddrPort(b, AppendIPv4, f.ServV4IP(), f.ServV4Port(), l4, names)
	case scap.FDIPv6ServSock:
		b = appendAddrPort(b, AppendIPv6, f.ServV6IP(), f.ServV6Port(), l4, names)
	default:
		return f.Name
	}
	return string(b)
}

// L4 returns the socket's protocol as sysdig reports it: unknown ("NA")
// until the socket has a role, except for raw sockets.
func (f *FD) L4() uint8 {
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		if f.rawL4() == L4Raw {
			return L4Raw
		}
		if f.roleNone() {
			return L4NA
		}
		return f.rawL4()
	case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		return f.rawL4()
	}
	return L4NA
}

func fdFromScap(sf *scap.FDInfo, names PortNamer) *FD {
	f := &FD{Type: sf.Type, Ino: sf.Ino, Flags: FDFromProc}
	switch sf.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		if sf.Type == scap.FDIPv4Sock || isV4Mapped(sf.SIP[:]) && isV4Mapped(sf.DIP[:]) {
			off := 0
			if sf.Type == scap.FDIPv6Sock {
				off = 12 // an IPv4-mapped address is kept as IPv4
			}
			f.Type = scap.FDIPv4Sock
			f.setV4Tuple(sf.SIP[off:off+4], sf.DIP[off:off+4], sf.SPort, sf.DPort)
			f.SetV4L4(sf.L4Proto)
		} else {
			f.setV6Tuple(sf.SIP[:], sf.DIP[:], sf.SPort, sf.DPort)
			f.SetV6L4(sf.L4Proto)
		}
		if sf.L4Proto == L4TCP {
			f.Flags |= FDSocketConnected
		}
		f.Name = SockinfoString(f, names)
	case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		ip, n, port, l4 := sv6IP, 16, sv6Port, sv6L4
		if sf.Type == scap.FDIPv4ServSock {
			ip, n, port, l4 = sv4IP, 4, sv4Port, sv4L4
		}
		copy(f.Sock[ip:], sf.SIP[:n])
		f.setU16(port, sf.SPort)
		f.Sock[l4] = sf.L4Proto
		f.Name = SockinfoString(f, names)
	case scap.FDUnixSock:
		f.setUnix(sf.Source, sf.Dest)
		f.Name = sf.Name
		if f.Name == "" {
			f.Flags |= FDRoleClient
		} else {
			f.Flags |= FDRoleServer
		}
	case scap.FDFileV2:
		f.OpenFlags = sf.Flags
		f.Name = sf.Name
		f.Dev = sf.Dev
	case scap.FDFifo, scap.FDFile, scap.FDDirectory, scap.FDUnsupported, scap.FDSignalFD,
		scap.FDEventPoll, scap.FDEvent, scap.FDInotify, scap.FDTimerFD, scap.FDNetlink,
		scap.FDBPF, scap.FDUserfaultFD, scap.FDIOUring, scap.FDMemFD, scap.FDPidFD:
		f.Name = sf.Name
	default:
		return nil
	}
	return f
}

// Lengths of PT_SOCKADDR and PT_SOCKTUPLE values of the IP families:
// the family byte, then each address and its port (little-endian).
const (
	inetAddrLen   = 1 + 4 + 2
	inet6AddrLen  = 1 + 16 + 2
	inetTupleLen  = 1 + 2*(4+2)
	inet6TupleLen = 1 + 2*(16+2)
)

// inetAddr is an AF_INET or AF_INET6 PT_SOCKADDR; a v4-mapped v6
// address is taken as v4 (v6 false, ip its 4 bytes).
type inetAddr struct {
	v6   bool
	ip   []byte
	port uint16
}

// decodeInetAddr decodes p when it is an IP address of at least its
// family's length.
func decodeInetAddr(p []byte) (a inetAddr, ok bool) {
	switch {
	case len(p) >= inetAddrLen && p[0] == afInet:
		return inetAddr{ip: p[1:5], port: bin.LE16(p[5:])}, true
	case len(p) >= inet6AddrLen && p[0] == afInet6:
		a.port = bin.LE16(p[17:])
		if isV4Mapped(p[1:17]) {
			a.ip = p[13:17]
		} else {
			a.v6, a.ip = true, p[1:17]
		}
		return a, true
	}
	return a, false
}

// inetTuple is an AF_INET or AF_INET6 PT_SOCKTUPLE; a v6 tuple of two
// v4-mapped addresses is taken as v4.
type inetTuple struct {
	v6           bool
	sip, dip     []byte
	sport, dport uint16
}

// decodeInetTuple decodes p when it is an IP tuple of at least its
// family's length.
func decodeInetTuple(p []byte) (t inetTuple, ok bool) {
	switch {
	case len(p) >= inetTupleLen && p[0] == afInet:
		return inetTuple{sip: p[1:5], sport: bin.LE16(p[5:]), dip: p[7:11], dport: bin.LE16(p[11:])}, true
	case len(p) >= inet6TupleLen && p[0] == afInet6:
		t = inetTuple{sport: bin.LE16(p[17:]), dport: bin.LE16(p[35:])}
		if isV4Mapped(p[1:17]) && isV4Mapped(p[19:35]) {
			t.sip, t.dip = p[13:17], p[31:35]
		} else {
			t.v6, t.sip, t.dip = true, p[1:17], p[19:35]
		}
		return t, true
	}
	return t, false
}

// AppendSockaddr renders a PT_SOCKADDR value as sysdig does.
func AppendSockaddr(b []byte, p []byte, l4 uint8, names PortNamer) []byte {
	if len(p) == 0 {
		return append(b, "NULL"...)
	}
	switch p[0] {
	case afUnix:
		return appendSanitized(b, p[1:])
	case afInet:
		if len(p) != 7 {
			return append(b, "INVALID IPv4"...)
		}
		b = AppendIPv4(b, p[1:5])
		b = append(b, ':')
		return appendPort(b, bin.LE16(p[5:]), l4, names)
	case afInet6:
		if len(p) != 19 {
			return append(b, "INVALID IPv6"...)
		}
		b = AppendIPv6(b, p[1:17])
		b = append(b, ':')
		return appendPort(b, bin.LE16(p[17:]), l4, names)
	}
	b = append(b, "family "...)
	return strconv.AppendInt(b, int64(int8(p[0])), 10)
}

// AppendSocktuple renders a PT_SOCKTUPLE value as sysdig does.
func AppendSocktuple(b []byte, p []byte, l4 uint8, names PortNamer) []byte {
	if len(p) == 0 {
		return append(b, "NULL"...)
	}
	switch p[0] {
	case afInet, afInet6:
		if p[0] == afInet && len(p) != inetTupleLen {
			return append(b, "INVALID IPv4"...)
		}
		if p[0] == afInet6 && len(p) != inet6TupleLen {
			return append(b, "INVALID IPv6"...)
		}
		tp, _ := decodeInetTuple(p)
		if tp.v6 {
			return AppendTuple6(b, tp.sip, tp.sport, tp.dip, tp.dport, l4, names)
		}
		return AppendTuple4(b, tp.sip, tp.sport, tp.dip, tp.dport, l4, names)
	case afUnix:
		if len(p) < 17 {
			return append(b, "INVALID UNIX"...)
		}
		b = strconv.AppendUint(b, bin.LE64(p[1:]), 16)
		b = append(b, "->"...)
		b = strconv.AppendUint(b, bin.LE64(p[9:]), 16)
		b = append(b, ' ')
		return appendSanitized(b, p[17:])
	}
	b = append(b, "family "...)
	return strconv.AppendInt(b, int64(int8(p[0])), 10)
}

// appendSanitized appends a C string, dropping characters that are not
// printable ASCII.
func appendSanitized(b []byte, s []byte) []byte {
	for _, c := range s {
		if c == 0 {
			break
		}
		if !invalidChar(c) {
			b = append(b, c)
		}
	}
	return b
}

// paramSimple renders parameter i of src the way sysdig names sockets.
func (e *Engine) paramSimple(ev *Event, src *scap.Event, i int) string {
	info := scap.InfoFor(src.Type, e.current)
	if info == nil || i >= len(info.Params) {
		return ""
	}
	p := src.Param(i)
	l4 := uint8(L4Unknown)
	if ev.FD != nil {
		l4 = ev.FD.L4()
	}
	var buf [128]byte
	switch info.Params[i].Type {
	case scap.PT_SOCKADDR:
		return string(AppendSockaddr(buf[:0], p, l4, e.ports))
	case scap.PT_SOCKTUPLE:
		return string(AppendSocktuple(buf[:0], p, l4, e.ports))
	}
	return bin.CString(p)
}

// sockinfoToStr names a socket from its address area the way sysdig's
// parser does after connect() and datagram traffic: the protocol byte of
// the layout decides the form, and unknown protocols give "<unknown>".
func sockinfoToStr(f *FD, names PortNamer) string {
	var buf [128]byte
	b := buf[:0]
	switch f.Type {
	case scap.FDIPv4Sock:
		switch l4 := f.V4L4(); l4 {
		case L4TCP, L4UDP:
			b = AppendTuple4(b, f.V4SIP(), f.V4SPort(), f.V4DIP(), f.V4DPort(), l4, names)
		case L4ICMP, L4Raw:
			b = AppendIPv4(b, f.V4SIP())
			b = append(b, "->"...)
			b = AppendIPv4(b, f.V4DIP())
		default:
			return "<unknown>"
		}
	case scap.FDIPv6Sock:
		sip6, dip6 := f.V6SIP(), f.V6DIP()
		switch l4 := f.V6L4(); l4 {
		case L4TCP, L4UDP:
			if isV4Mapped(sip6) && isV4Mapped(dip6) {
				// The ports and protocol are read through the IPv4
				// layout here, as sysdig does.
				b = AppendTuple4(b, sip6[12:16], f.V4SPort(), dip6[12:16], f.V4DPort(), f.V4L4(), names)
			} else {
				b = AppendTuple6(b, sip6, f.V6SPort(), dip6, f.V6DPort(), l4, names)
			}
		case L4ICMP:
			if isV4Mapped(sip6) && isV4Mapped(dip6) {
				b = AppendIPv4(b, sip6[12:16])
				b = append(b, "->"...)
				b = AppendIPv4(b, dip6[12:16])
			} else {
				b = AppendIPv6(b, sip6)
				b = append(b, "->"...)
				b = AppendIPv6(b, dip6)
			}
		default:
			return "<unknown>"
		}
	default:
		return f.Name
	}
	return string(b)
}
