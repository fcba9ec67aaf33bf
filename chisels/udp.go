package chisels

import (
	"net"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// udpPeer is the datagram socket of sysdig.udp_setpeername/udp_send.
type udpPeer struct{ conn *net.UDPConn }

func (u *udpPeer) close() { u.conn.Close() }

func (c *Chisel) sysdigUDPPeer(L *lua.LState) int {
	addr, _ := luaString(L.Get(1))
	ports, _ := luaString(L.Get(2))
	port, _ := strconv.ParseUint(ports, 10, 16)
	ip := net.ParseIP(addr)
	if ip == nil {
		c.fail(L, "udp_setpeername error: invalid address")
	}
	conn, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: ip, Port: int(port)})
	if err != nil {
		c.fail(L, "udp_setpeername error: unable to create the socket")
	}
	if c.udp != nil {
		c.udp.close()
	}
	c.udp = &udpPeer{conn: conn}
	return 0
}

func (c *Chisel) sysdigUDPSend(L *lua.LState) int {
	msg, _ := luaString(L.Get(1))
	if c.udp != nil {
		c.udp.conn.Write([]byte(msg))
	}
	return 0
}
