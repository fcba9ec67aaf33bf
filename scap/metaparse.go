package scap

import (
	"fmt"

	"github.com/traceproj/trace/internal/bin"
)

// String length limits the reference readers enforce.
const (
	maxPathLen = 1024
	maxArgsLen = 4096
	maxNameLen = 256
)

func (r *Reader) parseMetadata(bt uint32, body []byte, start int64) error {
	var err error
	switch bt {
	case BlockMI:
		err = r.parseMI(body)
	case BlockPLv1, BlockPLv2, BlockPLv3, BlockPLv4, BlockPLv5, BlockPLv6, BlockPLv7, BlockPLv8, BlockPLv9:
		err = r.parsePL(bt, body)
	case BlockFDLv1, BlockFDLv2:
		err = r.parseFDL(bt, body)
	case BlockILv1, BlockILv2:
		err = r.parseIL(bt, body)
	case BlockULv1, BlockULv2:
		err = r.parseUL(bt, body)
	default:
		// Unknown metadata blocks are skipped, as both reference readers do.
		return nil
	}
	if err != nil {
		return &BlockError{Offset: start, What: blockName(bt), Err: ErrCorrupt, Detail: err.Error()}
	}
	return nil
}

func (r *Reader) parseMI(body []byte) error {
	if len(body) < 180 {
		return fmt.Errorf("machine info is %d bytes, want 180", len(body))
	}
	c := cursor{b: body}
	mi := &MachineInfo{}
	mi.NumCPUs = c.u32()
	mi.MemoryBytes = c.u64()
	mi.MaxPID = c.u64()
	mi.Hostname = bin.CString(c.take(128))
	mi.BootTime = c.u64()
	mi.Flags = c.u64()
	mi.Reserved3 = c.u64()
	mi.Reserved4 = c.u64()
	r.meta.Machine = mi
	return nil
}

func plVersion(bt uint32) int {
	switch bt {
	case BlockPLv1:
		return 1
	case BlockPLv2:
		return 2
	case BlockPLv3:
		return 3
	case BlockPLv4:
		return 4
	case BlockPLv5:
		return 5
	case BlockPLv6:
		return 6
	case BlockPLv7:
		return 7
	case BlockPLv8:
		return 8
	}
	return 9
}

func (r *Reader) parsePL(bt uint32, body []byte) error {
	v := plVersion(bt)
	c := cursor{b: body}
	for c.left() >= 4 {
		entryStart, entryLen, err := c.entryHeader(v >= 9, 4, 0, "process")
		if err != nil {
			return err
		}
		var t Thread
		t.Tid = int64(c.u64())
		t.Pid = int64(c.u64())
		t.Ptid = int64(c.u64())
		t.Sid, t.Vpgid = -1, -1 // what older layouts leave unknown
		if v >= 6 {
			t.Sid = int64(c.u64())
		}
		if v >= 8 {
			t.Vpgid = int64(c.u64())
		}
		t.Comm = string(c.str16(maxPathLen))
		t.Exe = string(c.str16(maxPathLen))
		if v >= 7 {
			t.ExePath = string(c.str16(maxPathLen))
		}
		t.Args = append([]byte(nil), c.str16(maxArgsLen)...)
		t.Cwd = string(c.str16(maxPathLen))
		t.FDLimit = c.u64()
		t.Flags = c.u32()
		t.UID = c.u32()
		t.GID = c.u32()
		if v >= 2 {
			t.VMSize = c.u32()
			t.VMRSS = c.u32()
			t.VMSwap = c.u32()
			t.PFMajor = c.u64()
			t.PFMinor = c.u64()
		}
		if v >= 3 {
			t.Env = append([]byte(nil), c.str16(maxArgsLen)...)
		}
		if v >= 4 {
			t.Vtid = int64(c.u64())
			t.Vpid = int64(c.u64())
			t.Cgroups = append([]byte(nil), c.str16(maxArgsLen)...)
		}
		if v >= 5 {
			t.Root = string(c.str16(maxPathLen))
		}
		if c.bad {
			return fmt.Errorf("process entry at +%d is cut short", entryStart)
		}
		if v >= 9 {
			end := entryStart + entryLen
			if c.off > end {
				return fmt.Errorf("process entry at +%d overruns its length %d", entryStart, entryLen)
			}
			if end > c.off {
				t.Tail = append([]byte(nil), body[c.off:end]...)
			}
			c.off = end
		} else {
			t.Vtid, t.Vpid = defaultV(t.Vtid, t.Tid, v), defaultV(t.Vpid, t.Pid, v)
		}
		r.meta.addThread(t)
	}
	return nil
}

// defaultV gives threads of process lists older than v4 their tid/pid as
// virtual ids, as the reference reader does.
func defaultV(vid, id int64, v int) int64 {
	if v < 4 {
		return id
	}
	return vid
}

func (r *Reader) parseFDL(bt uint32, body []byte) error {
	v2 := bt == BlockFDLv2
	c := cursor{b: body}
	tid := int64(c.u64())
	if c.bad {
		return fmt.Errorf("fd list too short")
	}
	var fds []FDInfo
	for c.left() >= 4 {
		entryStart, entryLen, err := c.entryHeader(v2, 4, 0, "fd")
		if err != nil {
			return err
		}
		var f FDInfo
		f.FD = int64(c.u64())
		f.Ino = c.u64()
		f.Type = c.u8()
		switch f.Type {
		case FDIPv4Sock:
			c.inetFD(&f, 4, true)
		case FDIPv4ServSock:
			c.inetFD(&f, 4, false)
		case FDIPv6Sock:
			c.inetFD(&f, 16, true)
		case FDIPv6ServSock:
			c.inetFD(&f, 16, false)
		case FDUnixSock:
			f.Source = c.u64()
			f.Dest = c.u64()
			f.Name = string(c.str16(maxPathLen))
		case FDFileV2:
			f.Flags = c.u32()
			f.Name = string(c.str16(maxPathLen))
			if v2 && entryStart+entryLen-c.off >= 4 {
				f.Dev = c.u32()
				f.HasDev = true
			}
		case FDFile, FDDirectory, FDFifo, FDEvent, FDUnsupported, FDSignalFD, FDEventPoll,
			FDInotify, FDTimerFD, FDNetlink, FDBPF, FDUserfaultFD, FDIOUring, FDMemFD, FDPidFD:
			f.Name = string(c.str16(maxPathLen))
		case FDUnknown:
		default:
			if !v2 {
				return fmt.Errorf("fd entry at +%d has unknown type %d", entryStart, f.Type)
			}
			// Newer producers: the entry length lets us skip it.
			f.Type = FDUnsupported
		}
		if c.bad {
			return fmt.Errorf("fd entry at +%d is cut short", entryStart)
		}
		if v2 {
			end := entryStart + entryLen
			if c.off > end {
				return fmt.Errorf("fd entry at +%d overruns its length %d", entryStart, entryLen)
			}
			c.off = end
		}
		fds = append(fds, f)
	}
	m := r.meta
	t := m.Thread(tid)
	if t == nil {
		m.addThread(Thread{Tid: tid, Pid: tid, Vtid: tid, Vpid: tid})
		t = m.Thread(tid)
	}
	t.FDs = append(t.FDs, fds...)
	return nil
}

func (r *Reader) parseIL(bt uint32, body []byte) error {
	v2 := bt == BlockILv2
	c := cursor{b: body}
	for c.left() >= 4 {
		entryStart, entryLen, err := c.entryHeader(v2, 0, 4, "interface")
		if err != nil {
			return err
		}
		var i Interface
		i.Type = c.u16()
		nameLen := int(c.u16())
		switch i.Type {
		case IfIPv4, IfIPv4NoLinkSpeed:
			c.ifAddrs(&i, 4)
		case IfIPv6, IfIPv6NoLinkSpeed:
			c.ifAddrs(&i, 16)
		default:
			if !v2 {
				return fmt.Errorf("interface entry at +%d has unknown type %d", entryStart, i.Type)
			}
			c.off = entryStart + 4 + entryLen
			continue
		}
		if i.Type == IfIPv4 || i.Type == IfIPv6 {
			i.LinkSpeed = c.u64()
		}
		if nameLen >= maxPathLen {
			return fmt.Errorf("interface name too long (%d)", nameLen)
		}
		i.Name = string(c.take(nameLen))
		if c.bad {
			return fmt.Errorf("interface entry at +%d is cut short", entryStart)
		}
		if v2 {
			c.off = entryStart + 4 + entryLen
		}
		r.meta.Interfaces = append(r.meta.Interfaces, i)
	}
	return nil
}

func (r *Reader) parseUL(bt uint32, body []byte) error {
	v2 := bt == BlockULv2
	c := cursor{b: body}
	for c.left() >= 4 {
		entryStart, entryLen, err := c.entryHeader(v2, 5, 0, "user")
		if err != nil {
			return err
		}
		typ := c.u8()
		switch typ {
		case 0:
			var u User
			u.UID = c.u32()
			u.GID = c.u32()
			u.Name = string(c.str16(maxNameLen))
			u.HomeDir = string(c.str16(maxPathLen))
			u.Shell = string(c.str16(maxPathLen))
			if c.bad {
				return fmt.Errorf("user entry at +%d is cut short", entryStart)
			}
			r.meta.Users = append(r.meta.Users, u)
		case 1:
			var g Group
			g.GID = c.u32()
			g.Name = string(c.str16(maxNameLen))
			if c.bad {
				return fmt.Errorf("group entry at +%d is cut short", entryStart)
			}
			r.meta.Groups = append(r.meta.Groups, g)
		default:
			if !v2 {
				return fmt.Errorf("user entry at +%d has unknown type %d", entryStart, typ)
			}
		}
		if v2 {
			c.off = entryStart + entryLen
		}
	}
	return nil
}

// inetFD reads the addresses (ipLen bytes each), ports and protocol of an
// IPv4/IPv6 socket fd entry; a server socket (peer false) has only the
// local address and port.
func (c *cursor) inetFD(f *FDInfo, ipLen int, peer bool) {
	copy(f.SIP[:], c.take(ipLen))
	if peer {
		copy(f.DIP[:], c.take(ipLen))
	}
	f.SPort = c.u16()
	if peer {
		f.DPort = c.u16()
	}
	f.L4Proto = c.u8()
}

// entryHeader reads the length that opens a v2 list entry (v1 entries have
// none). It must be at least min, and the entry, counted from its start
// plus skip bytes, must fit in the body.
func (c *cursor) entryHeader(v2 bool, min, skip int, what string) (start, n int, err error) {
	start = c.off
	if !v2 {
		return start, 0, nil
	}
	n = int(c.u32())
	if n < min || start+skip+n > len(c.b) {
		return start, n, fmt.Errorf("%s entry at +%d has bad length %d", what, start, n)
	}
	return start, n, nil
}

// ifAddrs reads the address, netmask and broadcast address (ipLen bytes
// each) of an interface entry.
func (c *cursor) ifAddrs(i *Interface, ipLen int) {
	copy(i.Addr[:], c.take(ipLen))
	copy(i.Netmask[:], c.take(ipLen))
	copy(i.Bcast[:], c.take(ipLen))
}
