//go:build !linux

package procscan

import "os"

type fileStat struct {
	ino  uint64
	dev  uint32
	dir  bool
	fifo bool
}

// statFollow stats path; inode and device numbers are Linux-only.
func statFollow(path string) (fileStat, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStat{}, false
	}
	return fileStat{dir: fi.IsDir(), fifo: fi.Mode()&os.ModeNamedPipe != 0}, true
}

func writable(path string) bool { return false }
