package scap

// Captures come in two layouts. Sysdig 0.29.3 and the libs of its time
// record an enter and an exit event for each system call, and each exit
// carries at most the parameters of 0.29.3's event table. Current libs
// (0.2x, what Falco and sysdig record today) emit most system calls as an
// exit event alone that carries every parameter, the enter's included, and
// use event types 0.29.3 does not know.

// IsCurrentLayout reports whether ev is evidence of the current layout: an
// exit event with more parameters than 0.29.3's table gives its type, or an
// exit event of a type 0.29.3 does not know.
func IsCurrentLayout(ev *Event) bool {
	if ev.Type&1 == 0 {
		return false
	}
	info := Info(ev.Type)
	if info == nil {
		h := InfoHead(ev.Type)
		return h != nil && h.Dir == DirExit
	}
	return info.Dir == DirExit && ev.NumParams() > len(info.Params)
}

// DetectLayout reads up to limit events of the capture at path and reports
// whether it is in the current layout (see IsCurrentLayout). Errors count
// as the old layout: the real reading reports them.
func DetectLayout(path string, limit int) bool {
	r, err := Open(path)
	if err != nil {
		return false
	}
	defer r.Close()
	var ev Event
	for i := 0; i < limit; i++ {
		if r.NextInto(&ev) != nil {
			return false
		}
		if IsCurrentLayout(&ev) {
			return true
		}
	}
	return false
}
