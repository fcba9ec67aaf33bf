package state

import (
	"encoding/binary"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/traceproj/trace/scap"
)

// Snapshot returns the engine's current tables as capture metadata, the
// header of a new capture file (rotation, live capture).
func (e *Engine) Snapshot() *scap.Metadata {
	m := &scap.Metadata{Major: 1, Minor: 2, Machine: e.Machine, Interfaces: e.Interfaces}
	for _, uid := range slices.Sorted(maps.Keys(e.users)) {
		m.Users = append(m.Users, *e.users[uid])
	}
	for _, gid := range slices.Sorted(maps.Keys(e.groups)) {
		m.Groups = append(m.Groups, *e.groups[gid])
	}
	for _, tid := range slices.Sorted(maps.Keys(e.threads)) {
		t := e.threads[tid]
		st := scap.Thread{
			Tid: t.Tid, Pid: t.Pid, Ptid: t.Ptid, Sid: t.Sid, Vpgid: t.Vpgid,
			Comm: t.Comm, Exe: t.Exe, ExePath: t.ExePath,
			Args:    joinNul(t.Args),
			Cwd:     t.Cwd,
			FDLimit: uint64(t.FDLimit), Flags: t.Flags &^ scap.PPM_CL_ACTIVE, UID: t.UID, GID: t.GID,
			VMSize: t.VMSize, VMRSS: t.VMRSS, VMSwap: t.VMSwap,
			PFMajor: t.PFMajor, PFMinor: t.PFMinor,
			Env:  joinNul(t.Env),
			Vtid: t.Vtid, Vpid: t.Vpid,
			Root: t.Root,
		}
		var cg []string
		for _, c := range t.Cgroups {
			cg = append(cg, c.Subsys+"="+c.Path)
		}
		st.Cgroups = joinNul(cg)
		st.Tail = binary.LittleEndian.AppendUint32(nil, t.LoginUID)
		st.Tail = append(st.Tail, 0)
		if t.fds != nil {
			t.fds.Each(func(f *FD) bool {
				st.FDs = append(st.FDs, fdToScap(f))
				return true
			})
			sort.Slice(st.FDs, func(i, j int) bool { return st.FDs[i].FD < st.FDs[j].FD })
		}
		m.Threads = append(m.Threads, st)
	}
	return m
}

func joinNul(ss []string) []byte {
	if len(ss) == 0 {
		return nil
	}
	return []byte(strings.Join(ss, "\x00") + "\x00")
}

func fdToScap(f *FD) scap.FDInfo {
	sf := scap.FDInfo{FD: f.Num, Ino: f.Ino, Type: f.Type, Name: f.Name}
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock, scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		copy(sf.SIP[:], f.SIP())
		copy(sf.DIP[:], f.DIP())
		sf.SPort, sf.DPort, sf.L4Proto = f.SPort(), f.DPort(), f.rawL4()
		sf.Name = ""
	case scap.FDUnixSock:
		sf.Source, sf.Dest = f.UnixSource(), f.UnixDest()
	case scap.FDFileV2:
		sf.Flags, sf.Dev, sf.HasDev = f.OpenFlags, f.Dev, true
	}
	return sf
}
