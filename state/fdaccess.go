package state

// LastEventFD returns the number of the fd the thread's latest system
// call worked on, as the engine tracks it: the fd argument of its last
// enter event, or -1 (sinsp's m_lastevent_fd, on which fd.num and fd.uid
// are based).
func (t *Thread) LastEventFD() int64 { return t.lastEventFD }

// RoleNone reports whether a socket has been seen neither as the client
// nor as the server side of a connection.
func (f *FD) RoleNone() bool { return f.roleNone() }

// LastEventType returns the type of the thread's latest enter event, the
// one its next exit event is paired with.
func (t *Thread) LastEventType() uint16 { return t.lastEventType }

// FilteredEnterType returns the type of the thread's latest enter event
// when a capture filter rejected it (its fd is still known, as the fd
// argument of the last enter event), or 0.
func (t *Thread) FilteredEnterType() uint16 { return t.filteredEnter }
