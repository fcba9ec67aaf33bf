package synth

import (
	"bytes"

	"github.com/traceproj/trace/scap"
)

// SmallCapture returns a short capture (metadata and n random events of
// the types that change state and of those that do not) built in memory,
// a seed for fuzz tests.
func SmallCapture(seed int64, n int, comp scap.Compression) []byte {
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, comp)
	if err != nil {
		panic(err)
	}
	g := New(seed)
	m := g.Metadata()
	if err := w.WriteSection(m); err != nil {
		panic(err)
	}
	s := NewScenario(seed, w)
	s.Emit(scap.PPME_SYSCALL_OPEN_E, 100, P{"name": "rel/../x", "flags": 1})
	s.Emit(scap.PPME_SYSCALL_OPEN_X, 100, P{"fd": 20, "name": "rel/../x", "flags": 1})
	s.Emit(scap.PPME_SOCKET_SOCKET_E, 100, P{"domain": 10, "type": 1})
	s.Emit(scap.PPME_SOCKET_SOCKET_X, 100, P{"fd": 21})
	s.Emit(scap.PPME_SOCKET_CONNECT_E, 100, P{"fd": 21, "addr": Addr4([4]byte{1, 2, 3, 4}, 80)})
	s.Emit(scap.PPME_SOCKET_CONNECT_X, 100, P{"res": 0, "tuple": Tuple4([4]byte{10, 0, 0, 5}, 999, [4]byte{1, 2, 3, 4}, 80)})
	s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, P{"res": 300, "exe": "bash", "tid": 100, "pid": 100, "comm": "bash", "flags": 0})
	s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, 300, P{"filename": "/bin/ls"})
	s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, 300, P{"res": 0, "exe": "ls", "tid": 300, "pid": 300, "comm": "ls"})
	for i := 0; i < n; i++ {
		var t uint16
		for {
			t = uint16(g.R.Intn(scap.NumEvents029))
			if !skipRandom(t, scap.Info(t)) {
				break
			}
		}
		if err := w.WriteRaw(0, 0, g.Event(t, g.Tid(), -1)); err != nil {
			panic(err)
		}
	}
	s.Emit(scap.PPME_PROCEXIT_1_E, 300, nil)
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
