//go:build linux

package procscan

import "golang.org/x/sys/unix"

// fileStat is what the fd scan needs to know about an fd's target.
type fileStat struct {
	ino  uint64
	dev  uint32 // userspace encoding of the device number
	dir  bool
	fifo bool
}

// statFollow stats path, following symlinks.
func statFollow(path string) (fileStat, bool) {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return fileStat{}, false
	}
	major, minor := unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev))
	return fileStat{
		ino:  st.Ino,
		dev:  minor&0xff | major<<8 | (minor&^0xff)<<12,
		dir:  st.Mode&unix.S_IFMT == unix.S_IFDIR,
		fifo: st.Mode&unix.S_IFMT == unix.S_IFIFO,
	}, true
}

// writable reports whether the scanning process may write path.
func writable(path string) bool { return unix.Access(path, unix.W_OK) == nil }
