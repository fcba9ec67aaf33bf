package synth

import "github.com/traceproj/trace/scap"

// WriteScript writes an uncompressed capture holding m's tables and the
// events fn emits through a Scenario (parameters by name), for tests that
// check the state and field values of a hand-written event sequence.
func WriteScript(path string, m *scap.Metadata, fn func(s *Scenario)) error {
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	if err := w.WriteSection(m); err != nil {
		w.Close()
		return err
	}
	s := NewScenario(1, w)
	fn(s)
	if err := s.Err(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Script is a named, hand-written event sequence over the small system of
// Gen.Metadata: tests replay it through the engine and check the state and
// field values after each numbered event (evt.num counts from 1 in the
// order of Emit calls).
type Script struct {
	Name  string
	Build func(s *Scenario)
}

// cloneX returns the exit parameters of a clone/fork/vfork: res is the
// child's tid in the parent's exit and 0 in the child's.
func cloneX(res, tid, pid, ptid int64, comm, cwd string, flags, uid uint32, vtid, vpid int64) P {
	return P{"res": res, "exe": comm, "args": "-c\x00x\x00", "tid": tid, "pid": pid, "ptid": ptid, "cwd": cwd,
		"fdlimit": 1024, "comm": comm, "flags": flags, "uid": uid, "gid": uid, "vtid": vtid, "vpid": vpid,
		"cgroups": "cpu=/user.slice\x00"}
}

// ProcScript forks, clones a thread, vforks, execs and exits.
func ProcScript() Script {
	return Script{Name: "procs", Build: func(s *Scenario) {
		// 1-3: bash (100) forks 1000 with clone; the child's exit last.
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 100, nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, cloneX(1000, 100, 100, 1, "bash", "/home/alice", 0, 1000, 100, 100))
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 1000, cloneX(0, 1000, 1000, 100, "bash", "/home/alice", 0, 1000, 1000, 1000))
		// 4-5: 1000 execs cat with its own args, cwd and env.
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, 1000, P{"filename": "/usr/bin/cat"})
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, 1000, P{"res": 0, "exe": "cat", "args": "/etc/passwd\x00-n\x00", "tid": 1000, "pid": 1000,
			"ptid": 100, "cwd": "/ignored", "fdlimit": 4096, "comm": "cat", "cgroups": "cpu=/user.slice\x00", "env": "LANG=C\x00",
			"loginuid": 1000, "pgid": 1000})
		// 6-8: python3 (102, uid 0) forks 1001 with fork; child first.
		s.Emit(scap.PPME_SYSCALL_FORK_20_E, 102, nil)
		s.Emit(scap.PPME_SYSCALL_FORK_20_X, 1001, cloneX(0, 1001, 1001, 102, "python3", "/tmp", 0, 0, 1001, 1001))
		s.Emit(scap.PPME_SYSCALL_FORK_20_X, 102, cloneX(1001, 102, 102, 100, "python3", "/tmp", 0, 0, 102, 102))
		// 9-11: nginx (200) vforks 1002.
		s.Emit(scap.PPME_SYSCALL_VFORK_20_E, 200, nil)
		s.Emit(scap.PPME_SYSCALL_VFORK_20_X, 200, cloneX(1002, 200, 200, 1, "nginx", "/", 0, 33, 200, 200))
		s.Emit(scap.PPME_SYSCALL_VFORK_20_X, 1002, cloneX(0, 1002, 1002, 200, "nginx", "/", 0, 33, 1002, 1002))
		// 12-14: bash clones thread 1003 (shares fds, fs, vm).
		th := uint32(scap.PPM_CL_CLONE_THREAD | scap.PPM_CL_CLONE_FILES | scap.PPM_CL_CLONE_VM | scap.PPM_CL_CLONE_FS)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 100, nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, cloneX(1003, 100, 100, 1, "bash", "/home/alice", th, 1000, 100, 100))
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 1003, cloneX(0, 1003, 100, 100, "bash", "/home/alice", th, 1000, 1003, 100))
		// 15-16: bash forks 1004 into a new pid namespace (vtid/vpid 1).
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, cloneX(1004, 100, 100, 1, "bash", "/home/alice", scap.PPM_CL_CLONE_NEWPID, 1000, 100, 100))
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 1004, cloneX(0, 1004, 1004, 100, "bash", "/home/alice", scap.PPM_CL_CLONE_NEWPID|scap.PPM_CL_CHILD_IN_PIDNS, 1000, 1, 1))
		// 17-18: a failed execve leaves 1001 as it was.
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, 1001, P{"filename": "/nope"})
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, 1001, P{"res": -2, "exe": "nope", "args": "", "tid": 1001, "pid": 1001, "ptid": 102,
			"cwd": "/tmp", "fdlimit": 1024, "comm": "nope"})
		// 19-21: cat exits; its next event comes from the removed tid.
		s.Emit(scap.PPME_PROCEXIT_1_E, 1000, P{"status": 0, "ret": 0})
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 100, P{"fd": 99})
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 1000, P{"fd": 99})
	}}
}

// FDScript opens, duplicates, pipes and closes fds, relative to the
// working directory and to directory fds.
func FDScript() Script {
	return Script{Name: "fds", Build: func(s *Scenario) {
		rd := func(tid, fd int64) {
			s.Emit(scap.PPME_SYSCALL_READ_E, tid, P{"fd": fd, "size": 10})
			s.Emit(scap.PPME_SYSCALL_READ_X, tid, P{"res": 2, "data": "hi"})
		}
		// 1-2: python3 (102, cwd /tmp) opens /etc/hosts as 4.
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 102, P{"name": "/etc/hosts", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 102, P{"fd": 4, "name": "/etc/hosts", "flags": 1, "mode": 0, "dev": 0x803})
		// 3-4: openat(AT_FDCWD, "rel.txt") is 5, in /tmp.
		s.Emit(scap.PPME_SYSCALL_OPENAT_2_E, 102, P{"dirfd": -100, "name": "rel.txt", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPENAT_2_X, 102, P{"fd": 5, "dirfd": -100, "name": "rel.txt", "flags": 1, "mode": 0, "dev": 1})
		// 5-6: bash (100) openat(3 = /etc, "passwd") is 11.
		s.Emit(scap.PPME_SYSCALL_OPENAT_2_E, 100, P{"dirfd": 3, "name": "passwd", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPENAT_2_X, 100, P{"fd": 11, "dirfd": 3, "name": "passwd", "flags": 1, "mode": 0, "dev": 1})
		// 7-8: python3 changes directory to /var/log, 9-10 opens ../lib/x as 6.
		s.Emit(scap.PPME_SYSCALL_CHDIR_E, 102, nil)
		s.Emit(scap.PPME_SYSCALL_CHDIR_X, 102, P{"res": 0, "path": "/var/log"})
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 102, P{"name": "../lib/x", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 102, P{"fd": 6, "name": "../lib/x", "flags": 1, "mode": 0, "dev": 1})
		// 11-12: dup(5) is 7; 13-14 read on 7.
		s.Emit(scap.PPME_SYSCALL_DUP_E, 102, P{"fd": 5})
		s.Emit(scap.PPME_SYSCALL_DUP_X, 102, P{"res": 7})
		rd(102, 7)
		// 15-16: pipe is 8 and 9; 17-18 read on 9.
		s.Emit(scap.PPME_SYSCALL_PIPE_E, 102, nil)
		s.Emit(scap.PPME_SYSCALL_PIPE_X, 102, P{"res": 0, "fd1": 8, "fd2": 9, "ino": 5555})
		rd(102, 9)
		// 19-20: fcntl(4, F_DUPFD) is 10; 21-22 read on 10.
		s.Emit(scap.PPME_SYSCALL_FCNTL_E, 102, P{"fd": 4, "cmd": 1})
		s.Emit(scap.PPME_SYSCALL_FCNTL_X, 102, P{"res": 10})
		rd(102, 10)
		// 23-24: close(4); 25-26 read on 4 (gone) and 27-28 on 10 (kept).
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 102, P{"fd": 4})
		s.Emit(scap.PPME_SYSCALL_CLOSE_X, 102, P{"res": 0})
		rd(102, 4)
		rd(102, 10)
		// 29-30: a failed open creates no fd; 31-32 read on 6.
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 102, P{"name": "/missing", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 102, P{"fd": -2, "name": "/missing", "flags": 1, "mode": 0, "dev": 0})
		rd(102, 6)
		// 33-34: dup of 6 onto 9 (dup2) replaces the pipe end.
		s.Emit(scap.PPME_SYSCALL_DUP_E, 102, P{"fd": 6})
		s.Emit(scap.PPME_SYSCALL_DUP_X, 102, P{"res": 9})
		rd(102, 9)
	}}
}

// Container writes a PPME_CONTAINER_JSON_2_E event describing obj.
func (s *Scenario) Container(obj map[string]any) {
	s.Ts += 1000
	if err := s.W.WriteRaw(0, 0, ContainerEvent(s.Ts, obj)); err != nil && s.err == nil {
		s.err = err
	}
}

// SocketScript serves TCP, connects TCP and UDP (twice on one UDP
// socket) and sends datagrams on an unconnected socket.
func SocketScript() Script {
	return Script{Name: "sockets", Build: func(s *Scenario) {
		ip := func(a, b, c, d byte) [4]byte { return [4]byte{a, b, c, d} }
		local := ip(10, 0, 0, 5)
		rd := func(tid, fd int64) {
			s.Emit(scap.PPME_SYSCALL_READ_E, tid, P{"fd": fd, "size": 10})
			s.Emit(scap.PPME_SYSCALL_READ_X, tid, P{"res": 2, "data": "hi"})
		}
		// 1-2: nginx (200) socket(AF_INET, SOCK_STREAM) is 3; 3-4 bind to
		// 0.0.0.0:8080; 5-6 listen.
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 200, P{"domain": 2, "type": 1, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 200, P{"fd": 3})
		s.Emit(scap.PPME_SOCKET_BIND_E, 200, P{"fd": 3})
		s.Emit(scap.PPME_SOCKET_BIND_X, 200, P{"res": 0, "addr": Addr4(ip(0, 0, 0, 0), 8080)})
		s.Emit(scap.PPME_SOCKET_LISTEN_E, 200, P{"fd": 3, "backlog": 5})
		s.Emit(scap.PPME_SOCKET_LISTEN_X, 200, P{"res": 0})
		// 7-8: accept4 gives 4 from 10.0.0.9:5555; 9-10 read on it.
		s.Emit(scap.PPME_SOCKET_ACCEPT4_5_E, 200, P{"flags": 0})
		s.Emit(scap.PPME_SOCKET_ACCEPT4_5_X, 200, P{"fd": 4, "tuple": Tuple4(ip(10, 0, 0, 9), 5555, local, 8080), "queuepct": 0})
		rd(200, 4)
		// 11-14: bash (100) connects 12 to 93.184.216.34:443.
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 100, P{"domain": 2, "type": 1, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 100, P{"fd": 12})
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 100, P{"fd": 12, "addr": Addr4(ip(93, 184, 216, 34), 443)})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 100, P{"res": 0, "tuple": Tuple4(local, 40001, ip(93, 184, 216, 34), 443)})
		rd(100, 12)
		// 17-20: a UDP socket 13 connected to 8.8.8.8:53; 21-22 read.
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 100, P{"domain": 2, "type": 2, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 100, P{"fd": 13})
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 100, P{"fd": 13, "addr": Addr4(ip(8, 8, 8, 8), 53)})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 100, P{"res": 0, "tuple": Tuple4(local, 50000, ip(8, 8, 8, 8), 53)})
		rd(100, 13)
		// 23-24: connected again, to 1.1.1.1:53; 25-26 read.
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 100, P{"fd": 13, "addr": Addr4(ip(1, 1, 1, 1), 53)})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 100, P{"res": 0, "tuple": Tuple4(local, 50000, ip(1, 1, 1, 1), 53)})
		rd(100, 13)
		// 27-28: an unconnected UDP socket 14; 29-30 sendto 9.9.9.9:123.
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 100, P{"domain": 2, "type": 2, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 100, P{"fd": 14})
		s.Emit(scap.PPME_SOCKET_SENDTO_E, 100, P{"fd": 14, "size": 4, "tuple": Tuple4(ip(0, 0, 0, 0), 0, ip(9, 9, 9, 9), 123)})
		s.Emit(scap.PPME_SOCKET_SENDTO_X, 100, P{"res": 4, "data": "ping"})
		// 31-32: a failed connect (ECONNREFUSED) on a fresh TCP socket 15
		// at 33-34.
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 100, P{"domain": 2, "type": 1, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 100, P{"fd": 15})
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 100, P{"fd": 15, "addr": Addr4(ip(127, 0, 0, 1), 9)})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 100, P{"res": -111, "tuple": Tuple4(ip(127, 0, 0, 1), 40002, ip(127, 0, 0, 1), 9)})
	}}
}

// IdentityScript changes users and groups and runs processes in
// containers described by container events.
func IdentityScript() Script {
	return Script{Name: "identity", Build: func(s *Scenario) {
		// 1: the container of every thread of the metadata (its memory
		// cgroup is /docker/0123456789ab...).
		s.Container(map[string]any{"id": "0123456789ab", "type": 0, "name": "web", "image": "nginx:1.25",
			"imagerepo": "nginx", "imagetag": "1.25", "privileged": false})
		// 2-3: bash (alice, 1000) setuid(0); 4-5 setgid(0).
		s.Emit(scap.PPME_SYSCALL_SETUID_E, 100, P{"uid": 0})
		s.Emit(scap.PPME_SYSCALL_SETUID_X, 100, P{"res": 0})
		s.Emit(scap.PPME_SYSCALL_SETGID_E, 100, P{"gid": 0})
		s.Emit(scap.PPME_SYSCALL_SETGID_X, 100, P{"res": 0})
		// 6-7: a failed setuid(1000) by nginx (33) changes nothing.
		s.Emit(scap.PPME_SYSCALL_SETUID_E, 200, P{"uid": 1000})
		s.Emit(scap.PPME_SYSCALL_SETUID_X, 200, P{"res": -1})
		// 8-9: python3 (0) setresuid(-1, 1000, -1): the euid counts.
		s.Emit(scap.PPME_SYSCALL_SETRESUID_E, 102, P{"ruid": -1, "euid": 1000, "suid": -1})
		s.Emit(scap.PPME_SYSCALL_SETRESUID_X, 102, P{"res": 0})
		// 10-12: nginx forks 1010 onto the host's cgroups as uid 4242
		// (in no user table).
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 200, nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 200, cloneX(1010, 200, 200, 1, "nginx", "/", 0, 33, 200, 200))
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 1010, cloneX(0, 1010, 1010, 200, "nginx", "/", 0, 4242, 1010, 1010))
		// 13-14: bash's close, to see its identity after the changes.
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 100, P{"fd": 99})
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 102, P{"fd": 99})
	}}
}

// StateScripts returns every script.
func StateScripts() []Script {
	return []Script{ProcScript(), FDScript(), SocketScript(), IdentityScript()}
}
