package fields

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"

	"github.com/traceproj/trace/scap"
)

// IPNet is a parsed network operand: the address bytes and a prefix.
type IPNet struct {
	Addr []byte // 4 or 16 bytes
	Bits int
}

// Contains reports whether ip (4 or 16 bytes) is in the network.
func (n *IPNet) Contains(ip []byte) bool {
	if len(ip) != len(n.Addr) {
		return false
	}
	bits := n.Bits
	for i := 0; i < len(ip) && bits > 0; i++ {
		m := byte(0xff)
		if bits < 8 {
			m = byte(0xff << (8 - bits))
		}
		if ip[i]&m != n.Addr[i]&m {
			return false
		}
		bits -= 8
	}
	return true
}

// parseNumber parses a decimal integer the way sinsp does: optional
// leading blanks and sign, then digits only. Out-of-range values
// saturate.
func parseNumber(s string) (uint64, bool, error) {
	t := strings.TrimLeft(s, " \t\n\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return 0, false, fmt.Errorf("%s is not a valid number", s)
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false, fmt.Errorf("%s is not a valid number", s)
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		n = math.MaxUint64
	}
	return n, neg, nil
}

func parseSigned(s string) (int64, error) {
	n, neg, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	if neg {
		if n > 1<<63 {
			return math.MinInt64, nil
		}
		return -int64(n), nil
	}
	if n > math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(n), nil
}

func parseUnsigned(s string) (uint64, error) {
	n, neg, err := parseNumber(s)
	if err != nil {
		return 0, err
	}
	if neg {
		return -n, nil
	}
	return n, nil
}

// ParseIP parses an address operand: dotted IPv4 when it has a dot,
// IPv6 otherwise.
func ParseIP(s string) ([]byte, error) {
	if strings.Contains(s, ".") && !strings.Contains(s, ":") {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return nil, fmt.Errorf("unrecognized IPv4 address %s", s)
		}
		b := a.As4()
		return b[:], nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return nil, fmt.Errorf("unrecognized IPv6 address %s", s)
	}
	b := a.As16()
	return b[:], nil
}

// ParseIPNet parses a CIDR operand.
func ParseIPNet(s string) (*IPNet, error) {
	addr, bits, ok := strings.Cut(s, "/")
	if !strings.Contains(addr, ".") || strings.Contains(addr, ":") {
		ip, err := ParseIP(addr)
		if err != nil {
			return nil, err
		}
		n := 128
		if ok {
			b, err := parseUnsigned(bits)
			if err != nil {
				return nil, err
			}
			if b > 128 {
				return nil, fmt.Errorf("invalid netmask %s", bits)
			}
			n = int(b)
		}
		return &IPNet{Addr: ip, Bits: n}, nil
	}
	if !ok {
		return nil, fmt.Errorf("unrecognized IP network %s", s)
	}
	ip, err := ParseIP(addr)
	if err != nil {
		return nil, err
	}
	b, err := parseUnsigned(bits)
	if err != nil {
		return nil, err
	}
	if b > 32 {
		return nil, fmt.Errorf("invalid netmask %s", bits)
	}
	return &IPNet{Addr: ip, Bits: int(b)}, nil
}

// ParsePort parses a port operand: a number (kept to 16 bits) or a
// service name.
func ParsePort(s string) (uint16, error) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		n, err := parseUnsigned(s)
		if err != nil {
			return 0, err
		}
		return uint16(n), nil
	}
	if p, ok := servicePort(s); ok {
		return p, nil
	}
	return 0, fmt.Errorf("unrecognized protocol %s", s)
}

// Operand is a parsed filter value for one field.
type Operand struct {
	Value
	Net *IPNet // IPNET fields
	Str string // the operand as written
}

// ParseOperand converts a filter operand to the field's type.
func (f *Field) ParseOperand(s string) (*Operand, error) {
	op := &Operand{Str: s}
	t := f.Type
	op.T = t
	if t == TDynamic || f.raw != nil {
		return op, parseRawOperand(op, f.raw, s)
	}
	switch t {
	case TInt16, TInt32, TInt64:
		n, err := parseSigned(s)
		if err != nil {
			return nil, err
		}
		switch t {
		case TInt16:
			n = int64(int16(n))
		case TInt32:
			n = int64(int32(n))
		}
		op.N = uint64(n)
	case TUint32:
		n, err := parseUnsigned(s)
		if err != nil {
			return nil, err
		}
		op.N = uint64(uint32(n))
	case TUint64, TAbsTime, TRelTime:
		n, err := parseUnsigned(s)
		if err != nil {
			return nil, err
		}
		op.N = n
	case TPort, TBool, TDouble, TIPAddr:
		if err := parseScalarOperand(op, t, s); err != nil {
			return nil, err
		}
	case TIPNet:
		n, err := ParseIPNet(s)
		if err != nil {
			return nil, err
		}
		op.Net = n
	default:
		op.S = []byte(s)
	}
	if f.validate != nil {
		if err := f.validate(s); err != nil {
			return nil, err
		}
	}
	return op, nil
}

func parseRawOperand(op *Operand, pi *scap.ParamInfo, s string) error {
	if pi == nil {
		op.S = []byte(s)
		return nil
	}
	t, _ := rawType(pi.Type, pi.Format)
	op.T = t
	switch t {
	case TInt64:
		n, err := parseSigned(s)
		if err != nil {
			return err
		}
		switch pi.Type {
		case scap.PT_INT8:
			n = int64(int8(n))
		case scap.PT_INT16:
			n = int64(int16(n))
		case scap.PT_INT32, scap.PT_FD32, scap.PT_PID32:
			n = int64(int32(n))
		}
		op.N = uint64(n)
	case TUint64:
		n, err := parseUnsigned(s)
		if err != nil {
			return err
		}
		switch pi.Type {
		case scap.PT_UINT8, scap.PT_FLAGS8, scap.PT_SIGTYPE, scap.PT_ENUMFLAGS8, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
			n = uint64(uint8(n))
		case scap.PT_UINT16, scap.PT_FLAGS16, scap.PT_SYSCALLID, scap.PT_ENUMFLAGS16:
			n = uint64(uint16(n))
		case scap.PT_UINT32, scap.PT_FLAGS32, scap.PT_UID, scap.PT_GID, scap.PT_MODE, scap.PT_SIGSET, scap.PT_ENUMFLAGS32:
			n = uint64(uint32(n))
		}
		op.N = n
	case TPort, TBool, TDouble, TIPAddr:
		return parseScalarOperand(op, t, s)
	default:
		op.S = []byte(s)
	}
	return nil
}

// parseScalarOperand parses an operand of type TPort, TBool, TDouble or
// TIPAddr, the types fields and raw parameters share.
func parseScalarOperand(op *Operand, t Type, s string) error {
	switch t {
	case TPort:
		p, err := ParsePort(s)
		if err != nil {
			return err
		}
		op.N = uint64(p)
	case TBool:
		switch s {
		case "true":
			op.N = 1
		case "false":
		default:
			return fmt.Errorf("filter error: unrecognized boolean value %s", s)
		}
	case TDouble:
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("%s is not a valid number", s)
		}
		op.F = v
	case TIPAddr:
		ip, err := ParseIP(s)
		if err != nil {
			return err
		}
		op.S = ip
	}
	return nil
}
