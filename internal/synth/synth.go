// Package synth builds synthetic captures for tests: every event type of
// sysdig 0.29.3's table with random but well-formed parameters, over a
// small made-up system, so that trace's rendering and state tracking can be
// compared with sysdig's on inputs no real capture covers.
package synth

import (
	"encoding/binary"
	"math/rand"

	"github.com/traceproj/trace/scap"
)

// Gen generates events.
type Gen struct {
	R    *rand.Rand
	Tids []int64
	Ts   uint64
	b    scap.Builder
	// Skip lists event types not to generate.
	Skip map[uint16]bool
}

// New returns a generator seeded with seed.
func New(seed int64) *Gen {
	return &Gen{R: rand.New(rand.NewSource(seed)), Tids: []int64{100, 101, 102, 200, 300}, Ts: 1700000000000000000}
}

// Metadata returns a small system: a few processes with files and sockets,
// users and groups, one interface.
func (g *Gen) Metadata() *scap.Metadata {
	m := &scap.Metadata{Major: 1, Minor: 2}
	m.Machine = &scap.MachineInfo{NumCPUs: 4, MemoryBytes: 8 << 30, MaxPID: 32768, Hostname: "synth"}
	m.Interfaces = []scap.Interface{
		{Type: scap.IfIPv4, Name: "lo", Addr: [16]byte{127, 0, 0, 1}, Netmask: [16]byte{255}, Bcast: [16]byte{127, 0, 0, 1}},
		{Type: scap.IfIPv4, Name: "eth0", Addr: [16]byte{10, 0, 0, 5}, Netmask: [16]byte{255, 255, 255}, Bcast: [16]byte{10, 0, 0, 255}},
	}
	m.Users = []scap.User{{UID: 0, GID: 0, Name: "root", HomeDir: "/root", Shell: "/bin/bash"}, {UID: 1000, GID: 1000, Name: "alice", HomeDir: "/home/alice", Shell: "/bin/sh"}}
	m.Groups = []scap.Group{{GID: 0, Name: "root"}, {GID: 1000, Name: "alice"}}
	add := func(tid, pid, ptid int64, comm, cwd string, uid uint32, fds []scap.FDInfo) {
		m.Threads = append(m.Threads, scap.Thread{
			Tid: tid, Pid: pid, Ptid: ptid, Sid: pid, Vpgid: pid, Comm: comm, Exe: comm, ExePath: "/usr/bin/" + comm,
			Args: []byte("-x\x00arg two\x00"), Cwd: cwd, FDLimit: 1024, UID: uid, GID: uid, Vtid: tid, Vpid: pid,
			Env: []byte("HOME=/root\x00PATH=/bin\x00"), Cgroups: []byte("cpu=/user.slice\x00memory=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\x00"),
			Root: "/", FDs: fds,
		})
	}
	ip := func(a, b, c, d byte) [16]byte { return [16]byte{a, b, c, d} }
	add(100, 100, 1, "bash", "/home/alice", 1000, []scap.FDInfo{
		{FD: 0, Type: scap.FDFileV2, Name: "/dev/pts/0", Flags: 2, HasDev: true},
		{FD: 1, Type: scap.FDFileV2, Name: "/dev/pts/0", Flags: 2},
		{FD: 3, Type: scap.FDDirectory, Name: "/etc"},
		{FD: 4, Type: scap.FDIPv4Sock, SIP: ip(10, 0, 0, 5), DIP: ip(93, 184, 216, 34), SPort: 40000, DPort: 443, L4Proto: 2},
		{FD: 5, Type: scap.FDUnixSock, Source: 0xffff888000001000, Dest: 0xffff888000002000, Name: "/run/sock"},
		{FD: 6, Type: scap.FDFifo, Name: "pipe:[1234]"},
		{FD: 7, Type: scap.FDIPv4ServSock, SIP: ip(0, 0, 0, 0), SPort: 8080, L4Proto: 2},
		{FD: 8, Type: scap.FDIPv6Sock, SIP: [16]byte{0x20, 0x01, 0xd, 0xb8, 15: 1}, DIP: [16]byte{0x20, 0x01, 0xd, 0xb8, 15: 2}, SPort: 1234, DPort: 53, L4Proto: 3},
		{FD: 9, Type: scap.FDEventPoll},
		{FD: 10, Type: scap.FDTimerFD},
	})
	add(101, 100, 1, "bash", "", 1000, nil)
	m.Threads[1].Flags = 1<<13 | 1 // CLONE_THREAD|CLONE_FILES
	add(102, 102, 100, "python3", "/tmp", 0, []scap.FDInfo{{FD: 3, Type: scap.FDFileV2, Name: "/tmp/x.py", Flags: 1}})
	add(200, 200, 1, "nginx", "/", 33, nil)
	return m
}

func (g *Gen) pick(xs ...int64) int64 { return xs[g.R.Intn(len(xs))] }

func (g *Gen) str(kind int) string {
	words := []string{"foo", "bar", "/etc/passwd", "a b", "tmp/../x", "./y", "../../z", "//double//slash/", "/", ".", "..",
		"dir/", "weird\x01char", "tab\there", "ünï", "very/long/" + string(make([]byte, 0)) + "path/that/keeps/going/on/and/on/and/on/for/a/while/longer/than/eighty/characters/x"}
	if kind == 1 && g.R.Intn(4) == 0 {
		return "<NA>"
	}
	return words[g.R.Intn(len(words))]
}

func (g *Gen) bytesBuf() []byte {
	n := g.pick(0, 1, 5, 16, 33, 79, 80, 81, 120, 300)
	b := make([]byte, n)
	mode := g.R.Intn(3)
	for i := range b {
		switch mode {
		case 0:
			b[i] = byte(g.R.Intn(256))
		case 1:
			b[i] = byte(0x20 + g.R.Intn(95))
		default:
			if g.R.Intn(5) == 0 {
				b[i] = 0
			} else {
				b[i] = byte('a' + g.R.Intn(26))
			}
		}
	}
	return b
}

func (g *Gen) sockaddr() []byte {
	switch g.R.Intn(6) {
	case 0:
		return nil
	case 1:
		return append([]byte{1}, append([]byte(g.str(0)), 0)...)
	case 2:
		b := []byte{2, byte(g.R.Intn(256)), 0, 0, 1, 0, 0}
		binary.LittleEndian.PutUint16(b[5:], uint16(g.pick(0, 80, 443, 53, 65535)))
		return b
	case 3:
		b := make([]byte, 19)
		b[0] = 10
		b[1], b[2], b[16] = 0x20, 0x01, byte(g.R.Intn(3))
		binary.LittleEndian.PutUint16(b[17:], uint16(g.pick(0, 22, 8080)))
		return b
	case 4:
		return []byte{byte(g.pick(0, 16, 17, 99)), 1, 2}
	}
	b := make([]byte, 19)
	b[0] = 10
	b[11], b[12], b[13], b[14], b[15], b[16] = 0xff, 0xff, 127, 0, 0, 1
	b[17] = 80
	return b
}

func (g *Gen) tuple() []byte {
	switch g.R.Intn(6) {
	case 0:
		return nil
	case 1:
		b := make([]byte, 17)
		b[0] = 1
		binary.LittleEndian.PutUint64(b[1:], uint64(g.R.Int63()))
		binary.LittleEndian.PutUint64(b[9:], uint64(g.pick(0, 0x1234)))
		return append(b, append([]byte(g.str(0)), 0)...)
	case 2:
		b := []byte{2, 10, 0, 0, 5, 0, 0, byte(g.R.Intn(256)), 1, 2, 3, 0, 0}
		binary.LittleEndian.PutUint16(b[5:], uint16(g.R.Intn(65536)))
		binary.LittleEndian.PutUint16(b[11:], uint16(g.pick(80, 53, 443, 0)))
		return b
	case 3:
		b := make([]byte, 37)
		b[0] = 10
		b[1], b[2], b[16] = 0x20, 0x01, 1
		b[19], b[20], b[34] = 0x20, 0x01, 2
		binary.LittleEndian.PutUint16(b[17:], 5555)
		binary.LittleEndian.PutUint16(b[35:], 80)
		return b
	case 4:
		b := make([]byte, 37)
		b[0] = 10
		b[11], b[12], b[13], b[14], b[15], b[16] = 0xff, 0xff, 10, 0, 0, 5
		b[29], b[30], b[31], b[32], b[33], b[34] = 0xff, 0xff, 127, 0, 0, 1
		binary.LittleEndian.PutUint16(b[17:], 1000)
		binary.LittleEndian.PutUint16(b[35:], 2000)
		return b
	}
	return []byte{byte(g.pick(0, 7, 44))}
}

func (g *Gen) flags32(t *scap.FlagTable) uint32 {
	if t == nil || len(t.Entries) == 0 || g.R.Intn(5) == 0 {
		return uint32(g.pick(0, 1, 7, 0xffffffff, 0x80000000, 12345))
	}
	v := uint32(0)
	n := 1 + g.R.Intn(3)
	for i := 0; i < n; i++ {
		v |= uint32(t.Entries[g.R.Intn(len(t.Entries))].Value)
	}
	return v
}

// appendParam appends a random value for parameter p.
func (g *Gen) appendParam(p *scap.ParamInfo) {
	b := &g.b
	switch p.Type {
	case scap.PT_INT8, scap.PT_UINT8, scap.PT_SIGTYPE, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
		b.U8(uint8(g.pick(0, 1, 9, 15, 31, 64, 127, 200, 255)))
	case scap.PT_FLAGS8, scap.PT_ENUMFLAGS8:
		b.U8(uint8(g.flags32(p.Table)))
	case scap.PT_INT16, scap.PT_UINT16, scap.PT_PORT:
		b.U16(uint16(g.pick(0, 1, 80, 1000, 32767, 65535)))
	case scap.PT_FLAGS16, scap.PT_ENUMFLAGS16:
		b.U16(uint16(g.flags32(p.Table)))
	case scap.PT_SYSCALLID:
		b.U16(uint16(g.R.Intn(329)))
	case scap.PT_INT32, scap.PT_UINT32, scap.PT_BOOL:
		b.U32(uint32(g.pick(0, 1, 42, 0644, 4096, 2147483647, -1, -2)))
	case scap.PT_FLAGS32, scap.PT_ENUMFLAGS32, scap.PT_MODE:
		b.U32(g.flags32(p.Table))
	case scap.PT_UID, scap.PT_GID:
		b.U32(uint32(g.pick(0, 1000, 33, 4242, -1)))
	case scap.PT_SIGSET:
		b.U32(uint32(g.R.Int63()))
	case scap.PT_IPV4ADDR:
		b.U32(uint32(g.R.Int63()))
	case scap.PT_INT64, scap.PT_UINT64, scap.PT_ABSTIME:
		b.U64(uint64(g.pick(0, 1, 42, 0x7fad48782000, -1, -100, 1700000000123456789, 4294967295)))
	case scap.PT_RELTIME:
		b.U64(uint64(g.pick(0, 1, 1500, 1000000000, 1500000000, 123456789012, -1)))
	case scap.PT_ERRNO:
		b.I64(g.pick(0, 3, 1024, -1, -2, -11, -115, -999, -4096, -100000))
	case scap.PT_FD:
		b.I64(g.pick(-100, -1, -2, 0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 42, 4294967295))
	case scap.PT_PID:
		b.I64(g.pick(100, 101, 102, 200, 555, 0, -1))
	case scap.PT_CHARBUF:
		b.Str(g.str(0))
	case scap.PT_FSPATH, scap.PT_FSRELPATH:
		b.Str(g.str(1))
	case scap.PT_BYTEBUF:
		b.Raw(g.bytesBuf())
	case scap.PT_SOCKADDR:
		b.Raw(g.sockaddr())
	case scap.PT_SOCKTUPLE:
		b.Raw(g.tuple())
	case scap.PT_FDLIST:
		n := g.R.Intn(4)
		v := binary.LittleEndian.AppendUint16(nil, uint16(n))
		for i := 0; i < n; i++ {
			v = binary.LittleEndian.AppendUint64(v, uint64(g.pick(0, 3, 4, 5, 99)))
			v = binary.LittleEndian.AppendUint16(v, uint16(g.pick(1, 4, 0x41, 0xffff)))
		}
		b.Raw(v)
	case scap.PT_DYN:
		idx := g.R.Intn(len(p.Dyn) + 1)
		v := []byte{byte(idx)}
		if idx < len(p.Dyn) {
			switch p.Dyn[idx].Type {
			case scap.PT_BYTEBUF:
				v = append(v, g.bytesBuf()...)
			case scap.PT_UINT32:
				v = binary.LittleEndian.AppendUint32(v, uint32(g.R.Int63()))
			case scap.PT_SIGTYPE:
				v = append(v, byte(g.R.Intn(40)))
			default:
				v = binary.LittleEndian.AppendUint64(v, uint64(g.pick(0, 1, -2, 1000000000)))
			}
		} else {
			v = append(v, 1, 2, 3, 4, 5, 6, 7, 8)
		}
		b.Raw(v)
	case scap.PT_IPV6ADDR:
		b.Raw(make([]byte, 16))
	case scap.PT_DOUBLE:
		b.U64(0x3ff8000000000000)
	default:
		b.Raw(nil)
	}
}

// Event returns a random event of type typ for thread tid; nparams
// overrides the parameter count when >= 0 (extra parameters are random
// 8-byte values).
func (g *Gen) Event(typ uint16, tid int64, nparams int) []byte {
	info := scap.Info(typ)
	g.Ts += uint64(1 + g.R.Intn(100000))
	g.b.Begin(g.Ts, uint64(tid), typ)
	n := len(info.Params)
	if nparams >= 0 {
		n = nparams
	}
	for i := 0; i < n; i++ {
		if i < len(info.Params) {
			g.appendParam(&info.Params[i])
		} else {
			g.b.U64(uint64(g.R.Int63()))
		}
	}
	return g.b.Finish()
}

// Tid returns a random thread id: mostly known ones, sometimes unknown.
func (g *Gen) Tid() int64 {
	if g.R.Intn(8) == 0 {
		return g.pick(555, 556, 0)
	}
	return g.Tids[g.R.Intn(len(g.Tids))]
}
