package state

import (
	"github.com/traceproj/trace/internal/bin"
	"github.com/traceproj/trace/scap"
)

// A socket's addresses live in one 40-byte area read through several
// layouts, like the union sysdig keeps in each fd: an IPv4 tuple, an IPv6
// tuple, an IPv4 or IPv6 server address, or a unix socket pair. Which layout
// applies depends on the fd type, and a type change reinterprets the same
// bytes, so emulating the overlap is what keeps names and protocols equal
// to sysdig's in odd cases (e.g. an IPv6 socket connected to an
// IPv4-mapped address).
const sockinfoSize = 40

// Offsets of the fields of each layout.
const (
	v4SIP   = 0
	v4DIP   = 4
	v4SPort = 8
	v4DPort = 10
	v4L4    = 12

	v6SIP   = 0
	v6DIP   = 16
	v6SPort = 32
	v6DPort = 34
	v6L4    = 36

	sv4IP   = 0
	sv4Port = 4
	sv4L4   = 6

	sv6IP   = 0
	sv6Port = 16
	sv6L4   = 18

	unixSrc = 0
	unixDst = 8
)

func (f *FD) u16(off int) uint16 { return bin.LE16(f.Sock[off:]) }
func (f *FD) setU16(off int, v uint16) {
	f.Sock[off], f.Sock[off+1] = byte(v), byte(v>>8)
}

// IPv4 tuple accessors.
func (f *FD) V4SIP() []byte      { return f.Sock[v4SIP : v4SIP+4] }
func (f *FD) V4DIP() []byte      { return f.Sock[v4DIP : v4DIP+4] }
func (f *FD) V4SPort() uint16    { return f.u16(v4SPort) }
func (f *FD) V4DPort() uint16    { return f.u16(v4DPort) }
func (f *FD) V4L4() uint8        { return f.Sock[v4L4] }
func (f *FD) SetV4L4(v uint8)    { f.Sock[v4L4] = v }
func (f *FD) V6SIP() []byte      { return f.Sock[v6SIP : v6SIP+16] }
func (f *FD) V6DIP() []byte      { return f.Sock[v6DIP : v6DIP+16] }
func (f *FD) V6SPort() uint16    { return f.u16(v6SPort) }
func (f *FD) V6DPort() uint16    { return f.u16(v6DPort) }
func (f *FD) V6L4() uint8        { return f.Sock[v6L4] }
func (f *FD) SetV6L4(v uint8)    { f.Sock[v6L4] = v }
func (f *FD) ServV4IP() []byte   { return f.Sock[sv4IP : sv4IP+4] }
func (f *FD) ServV4Port() uint16 { return f.u16(sv4Port) }
func (f *FD) ServV4L4() uint8    { return f.Sock[sv4L4] }
func (f *FD) ServV6IP() []byte   { return f.Sock[sv6IP : sv6IP+16] }
func (f *FD) ServV6Port() uint16 { return f.u16(sv6Port) }
func (f *FD) ServV6L4() uint8    { return f.Sock[sv6L4] }
func (f *FD) UnixSource() uint64 { return bin.LE64(f.Sock[unixSrc:]) }
func (f *FD) UnixDest() uint64   { return bin.LE64(f.Sock[unixDst:]) }

func (f *FD) setV4Tuple(sip, dip []byte, sport, dport uint16) {
	copy(f.Sock[v4SIP:], sip[:4])
	copy(f.Sock[v4DIP:], dip[:4])
	f.setU16(v4SPort, sport)
	f.setU16(v4DPort, dport)
}

func (f *FD) setV6Tuple(sip, dip []byte, sport, dport uint16) {
	copy(f.Sock[v6SIP:], sip[:16])
	copy(f.Sock[v6DIP:], dip[:16])
	f.setU16(v6SPort, sport)
	f.setU16(v6DPort, dport)
}

func (f *FD) setUnix(src, dst uint64) {
	bin.PutLE64(f.Sock[unixSrc:], src)
	bin.PutLE64(f.Sock[unixDst:], dst)
}

// SIP, DIP, SPort, DPort return the socket's addresses for the fd's type
// (server sockets have only the local side).
func (f *FD) SIP() []byte {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4SIP()
	case scap.FDIPv6Sock:
		return f.V6SIP()
	case scap.FDIPv4ServSock:
		return f.ServV4IP()
	case scap.FDIPv6ServSock:
		return f.ServV6IP()
	}
	return nil
}

// DIP returns the remote address of a connected socket.
func (f *FD) DIP() []byte {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4DIP()
	case scap.FDIPv6Sock:
		return f.V6DIP()
	}
	return nil
}

// SPort returns the local (or server) port.
func (f *FD) SPort() uint16 {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4SPort()
	case scap.FDIPv6Sock:
		return f.V6SPort()
	case scap.FDIPv4ServSock:
		return f.ServV4Port()
	case scap.FDIPv6ServSock:
		return f.ServV6Port()
	}
	return 0
}

// DPort returns the remote port of a connected socket.
func (f *FD) DPort() uint16 {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4DPort()
	case scap.FDIPv6Sock:
		return f.V6DPort()
	}
	return 0
}

// rawL4 is the protocol byte of the fd type's layout.
func (f *FD) rawL4() uint8 {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4L4()
	case scap.FDIPv6Sock:
		return f.V6L4()
	case scap.FDIPv4ServSock:
		return f.ServV4L4()
	case scap.FDIPv6ServSock:
		return f.ServV6L4()
	}
	return L4Unknown
}
