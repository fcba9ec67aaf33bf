package procscan

import (
	"net"

	"github.com/traceproj/trace/scap"
)

// Interfaces lists the addresses of the network interfaces, one entry
// per address, as sysdig's interface list does.
func Interfaces() ([]scap.Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []scap.Interface
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				if e, ok := interfaceEntry(ifc.Name, ifc.Flags, n); ok {
					out = append(out, e)
				}
			}
		}
	}
	return out, nil
}

// interfaceEntry converts one address of an interface.
func interfaceEntry(name string, flags net.Flags, n *net.IPNet) (scap.Interface, bool) {
	e := scap.Interface{Name: name}
	if ip4 := n.IP.To4(); ip4 != nil && len(n.Mask) == net.IPv4len {
		e.Type = scap.IfIPv4
		copy(e.Addr[:4], ip4)
		copy(e.Netmask[:4], n.Mask)
		if flags&net.FlagBroadcast != 0 {
			for i := 0; i < 4; i++ {
				e.Bcast[i] = ip4[i] | ^n.Mask[i]
			}
		} else {
			// Loopback and point-to-point links report their own address.
			copy(e.Bcast[:4], ip4)
		}
		return e, true
	}
	if ip6 := n.IP.To16(); ip6 != nil && len(n.Mask) == net.IPv6len {
		e.Type = scap.IfIPv6
		copy(e.Addr[:], ip6)
		copy(e.Netmask[:], n.Mask)
		return e, true
	}
	return e, false
}
