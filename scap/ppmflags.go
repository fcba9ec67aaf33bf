package scap

// Clone flags (PPM_CL_*): the flags parameter of clone, fork and vfork
// exits, and what sinsp keeps in a thread's flags (the last five).
const (
	PPM_CL_CLONE_FILES    = 1 << 0
	PPM_CL_CLONE_FS       = 1 << 1
	PPM_CL_CLONE_NEWPID   = 1 << 6
	PPM_CL_CLONE_THREAD   = 1 << 13
	PPM_CL_CLONE_VM       = 1 << 15
	PPM_CL_CLONE_INVERTED = 1 << 16
	PPM_CL_NAME_CHANGED   = 1 << 17
	PPM_CL_CLOSED         = 1 << 18
	PPM_CL_ACTIVE         = 1 << 19 // set by sinsp on threads seen in events
	PPM_CL_CLONE_VFORK    = 1 << 27
	PPM_CL_CHILD_IN_PIDNS = 1 << 29

	// Open flags (PPM_O_*) and mode bits (PPM_S_*) of open-like events.
	PPM_O_RDONLY    = 1 << 0
	PPM_O_WRONLY    = 1 << 1
	PPM_O_CREAT     = 1 << 2
	PPM_O_DIRECTORY = 1 << 10
	PPM_O_TMPFILE   = 1 << 14
	PPM_S_IXOTH     = 1 << 0
	PPM_S_IXGRP     = 1 << 3
	PPM_S_IXUSR     = 1 << 6
)
