package scap

// Captures come in two layouts. Sysdig 0.29.3 and the libs of its time
// record an enter and an exit event for each system call, and each exit
// carries at most the parameters of 0.29.3's event table. Current libs
// (0.2x, what Falco and sysdig record today) emit most system calls as an
// exit event alone that carries every parameter, the enter's included, and
// use event types 0.29.3 does not know.

// layoutEvidence classifies an exit event: +1 when it has exactly the
// parameters of current libs' table where that table has more than
// 0.29.3's (or it is an exit type 0.29.3 does not know), -1 when it has
// 0.29.3's count, 0 when it tells nothing.
func layoutEvidence(ev *Event) int {
	if ev.Type&1 == 0 {
		return 0
	}
	head := InfoHead(ev.Type)
	if head == nil || head.Dir != DirExit {
		return 0
	}
	old := Info(ev.Type)
	if old == nil {
		return 1
	}
	if old.Dir != DirExit || len(head.Params) <= len(old.Params) {
		return 0
	}
	switch ev.NumParams() {
	case len(head.Params):
		return 1
	case len(old.Params):
		return -1
	}
	return 0
}

// DetectLayout reads up to limit events of the capture at path and reports
// whether it is in the current layout: most of its exit events whose
// layout changed carry current libs' parameters (one odd event does not
// decide). Errors count as the old layout: the real reading reports them.
func DetectLayout(path string, limit int) bool {
	r, err := Open(path)
	if err != nil {
		return false
	}
	defer r.Close()
	var ev Event
	cur, old := 0, 0
	for i := 0; i < limit; i++ {
		if err := r.NextInto(&ev); IsWarning(err) {
			continue
		} else if err != nil {
			break
		}
		switch layoutEvidence(&ev) {
		case 1:
			cur++
		case -1:
			old++
		}
	}
	return cur >= 3 && cur >= 9*old
}
