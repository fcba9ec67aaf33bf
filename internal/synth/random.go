package synth

import (
	"github.com/traceproj/trace/scap"
)

// crashers are event types sysdig 0.29.3 cannot take with random
// parameters: in-memory parameter types (tracer events) and JSON payloads
// it aborts on when invalid.
func skipRandom(t uint16, info *scap.EventInfo) bool {
	if info.Name == "NA" || info.Flags&scap.EF_UNUSED != 0 {
		return true
	}
	for _, p := range info.Params {
		if p.Type == scap.PT_CHARBUFARRAY || p.Type == scap.PT_CHARBUF_PAIR_ARRAY {
			return true
		}
	}
	switch t {
	case scap.PPME_K8S_E, scap.PPME_MESOS_E, scap.PPME_CONTAINER_JSON_E, scap.PPME_CONTAINER_JSON_2_E,
		scap.PPME_INFRASTRUCTURE_EVENT_E:
		return true
	}
	return false
}

// stateTypes are the events trace's engine (like sysdig's parser) turns
// into state changes. With random parameters they build inconsistent
// process trees that sysdig itself crashes on, so random captures leave
// them out; scripted scenarios cover them.
var stateTypes = map[uint16]bool{
	scap.PPME_SYSCALL_FCNTL_E: true, scap.PPME_SYSCALL_FCNTL_X: true,
	scap.PPME_SYSCALL_CHDIR_X: true, scap.PPME_SYSCALL_FCHDIR_X: true, scap.PPME_SYSCALL_GETCWD_X: true,
	scap.PPME_SYSCALL_DUP_X: true, scap.PPME_SYSCALL_GETRLIMIT_X: true, scap.PPME_SYSCALL_SETRLIMIT_X: true,
	scap.PPME_SYSCALL_PRLIMIT_X: true, scap.PPME_SCHEDSWITCH_6_E: true, scap.PPME_SYSCALL_BRK_4_X: true,
	scap.PPME_SYSCALL_MMAP_X: true, scap.PPME_SYSCALL_MMAP2_X: true, scap.PPME_SYSCALL_MUNMAP_X: true,
	scap.PPME_SYSCALL_SETSID_X: true, scap.PPME_SOCKET_GETSOCKOPT_X: true, scap.PPME_SYSCALL_CLOSE_E: true,
	scap.PPME_PROCEXIT_E: true, scap.PPME_PROCEXIT_1_E: true,
}

// RandomCapture writes n random events (plus paired exits) after the
// synthetic metadata. Events that change state always come as an
// enter/exit pair with a full parameter list; others sometimes carry too
// few or too many parameters.
func RandomCapture(path string, seed int64, n int, only []uint16) error {
	g := New(seed)
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	if err := w.WriteSection(g.Metadata()); err != nil {
		return err
	}
	types := only
	if len(types) == 0 {
		for t := 0; t < scap.NumEvents029; t++ {
			info := scap.Info(uint16(t))
			if !skipRandom(uint16(t), info) && info.Flags&scap.EF_MODIFIES_STATE == 0 && !stateTypes[uint16(t)] {
				types = append(types, uint16(t))
			}
		}
	}
	for i := 0; i < n; i++ {
		t := types[g.R.Intn(len(types))]
		tid := g.Tid()
		np := -1
		state := scap.Info(t).Flags&scap.EF_MODIFIES_STATE != 0
		if g.R.Intn(10) == 0 && !state && t > scap.PPME_GENERIC_X {
			np = g.R.Intn(len(scap.Info(t).Params) + 2)
		}
		if state && t&1 == 1 {
			t--
		}
		if err := w.WriteRaw(uint16(g.R.Intn(4)), 0, g.Event(t, tid, np)); err != nil {
			return err
		}
		if t&1 == 0 && (state || g.R.Intn(2) == 0) {
			if x := scap.Info(t + 1); x != nil && !skipRandom(t+1, x) {
				if err := w.WriteRaw(0, 0, g.Event(t+1, tid, -1)); err != nil {
					return err
				}
			}
		}
	}
	return w.Close()
}
