package capture

import (
	"fmt"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// blobSpec asks the BPF program to copy one piece of user or kernel
// memory (struct blob_spec of events.h).
type blobSpec struct{ kind, arg, lenArg, size uint8 }

const ret = bpf.ArgRet

func bStr(arg uint8) blobSpec             { return blobSpec{bpf.BStr, arg, bpf.ArgNone, 0} }
func bBuf(arg, lenArg uint8) blobSpec     { return blobSpec{bpf.BBuf, arg, lenArg, 0} }
func bIOV(arg, cnt, flags uint8) blobSpec { return blobSpec{bpf.BIOV, arg, cnt, flags} }
func bSockaddr(arg, lenArg uint8) blobSpec {
	return blobSpec{bpf.BSockaddr, arg, lenArg, 0}
}
func bSock(arg uint8) blobSpec          { return blobSpec{bpf.BSock, arg, bpf.ArgNone, 0} }
func bFile(arg uint8) blobSpec          { return blobSpec{bpf.BFile, arg, bpf.ArgNone, 0} }
func bMem(arg, size uint8) blobSpec     { return blobSpec{bpf.BMem, arg, bpf.ArgNone, size} }
func bPipe(arg uint8) blobSpec          { return blobSpec{bpf.BPipe, arg, bpf.ArgNone, 0} }
func bSockpair(arg uint8) blobSpec      { return blobSpec{bpf.BSockpair, arg, bpf.ArgNone, 0} }
func bAcceptQ(arg uint8) blobSpec       { return blobSpec{bpf.BAcceptQ, arg, bpf.ArgNone, 0} }
func bMsgName(arg uint8) blobSpec       { return blobSpec{bpf.BMsgName, arg, bpf.ArgNone, 0} }
func bMsgIOV(arg, flags uint8) blobSpec { return blobSpec{bpf.BMsgIOV, arg, bpf.ArgNone, flags} }
func bPoll(arg, cnt uint8) blobSpec     { return blobSpec{bpf.BPoll, arg, cnt, 0} }

var (
	bTask    = blobSpec{bpf.BTask, bpf.ArgNone, bpf.ArgNone, 0}
	bArgs    = blobSpec{bpf.BArgs, bpf.ArgNone, bpf.ArgNone, 0}
	bEnv     = blobSpec{bpf.BEnv, bpf.ArgNone, bpf.ArgNone, 0}
	bVM      = blobSpec{bpf.BVM, bpf.ArgNone, bpf.ArgNone, 0}
	bCgroups = blobSpec{bpf.BCgroups, bpf.ArgNone, bpf.ArgNone, 0}
	bCwd     = blobSpec{bpf.BCwd, bpf.ArgNone, bpf.ArgNone, 0}
)

// dirSpec is what one direction (enter or exit) of a syscall captures and
// how it becomes the parameters of its event.
type dirSpec struct {
	typ   uint16 // event type
	args  bool   // the encoder reads the raw arguments
	blobs []blobSpec
	enc   func(p *pw, r *record)
}

// sysSpec describes one syscall.
type sysSpec struct {
	name string
	nr   int
	dir  [2]dirSpec // enter, exit
}

// nargs is how many raw arguments the program sends for direction d: all
// six when the encoder reads them or blobs are copied (the blob path
// always sends them), else none.
func (s *sysSpec) nargs(d int) uint8 {
	if s.dir[d].args || len(s.dir[d].blobs) > 0 {
		return 6
	}
	return 0
}

// sysTable maps an x86_64 syscall number to its spec; syscalls without a
// spec of their own get the generic one.
var sysTable [bpf.MaxSyscalls]*sysSpec

// ppmSC029 maps a syscall name to its ppm_sc code in sysdig 0.29.3.
var ppmSC029 = map[string]uint16{}

func init() {
	for id := uint16(1); ; id++ {
		n := scap.SyscallName029(id)
		if n == "<unknown>" {
			break
		}
		if _, dup := ppmSC029[n]; !dup {
			ppmSC029[n] = id
		}
	}
	byName := map[string]int{}
	for nr, n := range sysNames {
		if n != "" {
			byName[n] = nr
		}
	}
	for _, s := range sysSpecs {
		nr, ok := byName[s.name]
		if !ok {
			panic(fmt.Sprintf("capture: unknown syscall %q", s.name))
		}
		s.nr = nr
		if sysTable[nr] != nil {
			panic(fmt.Sprintf("capture: syscall %q specified twice", s.name))
		}
		sysTable[nr] = s
	}
	for nr := range sysTable {
		if sysTable[nr] == nil {
			sysTable[nr] = genericSpec(nr)
		}
	}
}

// genericSpec is the spec of a syscall without events of its own: the
// generic syscall event carrying its 0.29.3 ppm_sc code (and, on enter,
// the native number).
func genericSpec(nr int) *sysSpec {
	name := ""
	if nr < len(sysNames) {
		name = sysNames[nr]
	}
	id := ppmSC029[name] // 0 (<unknown>) when 0.29.3 does not know it
	return &sysSpec{name: name, nr: nr, dir: [2]dirSpec{
		{typ: scap.PPME_GENERIC_E, enc: func(p *pw, r *record) { p.u16(id); p.u16(r.nr) }},
		{typ: scap.PPME_GENERIC_X, enc: func(p *pw, r *record) { p.u16(id) }},
	}}
}

// wanted computes the interesting-syscall bits for a set of event types
// (nil: everything).
func wanted(types []uint16) (bits [bpf.MaxSyscalls]uint8) {
	set := map[uint16]bool{}
	for _, t := range types {
		set[t] = true
	}
	for nr, s := range sysTable {
		if s.name == "" {
			continue // no syscall has this number
		}
		for d := 0; d < 2; d++ {
			if types == nil || set[s.dir[d].typ] {
				bits[nr] |= 1 << d
			}
		}
	}
	return bits
}
