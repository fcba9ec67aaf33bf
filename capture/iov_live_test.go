//go:build linux && amd64

package capture

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/traceproj/trace/scap"
)

// iovWorkload writes three buffers with writev and reads them back with
// readv into two, over a pipe; then writev with 20 buffers (more than the
// probe walks).
func iovWorkload() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return err
	}
	if _, err := unix.Writev(p[1], [][]byte{[]byte("iov-one,"), []byte("iov-two,"), []byte("iov-three")}); err != nil {
		return err
	}
	a, b := make([]byte, 10), make([]byte, 20)
	if _, err := unix.Readv(p[0], [][]byte{a, b}); err != nil {
		return err
	}
	var many [][]byte
	for i := 0; i < 20; i++ {
		many = append(many, []byte("ab"))
	}
	if _, err := unix.Writev(p[1], many); err != nil {
		return err
	}
	return nil
}

// TestLiveIOV checks the iovec walk of the probes: sizes and data of
// writev and readv, across buffers, and the cap on the buffers walked.
func TestLiveIOV(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{scap.PPME_SYSCALL_WRITEV_E, scap.PPME_SYSCALL_WRITEV_X, scap.PPME_SYSCALL_READV_X}, SkipProcScan: true, BufferSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	child := uint64(runWorkload(t, "TRACE_CAPTURE_CHILD=iov"))
	c.Stop()
	var got []string
	for _, e := range drain(t, c) {
		if e.ev.Tid != child {
			continue
		}
		checkParams(t, "iov event", e.ev)
		switch e.ev.Type {
		case scap.PPME_SYSCALL_WRITEV_E:
			got = append(got, "writev> size="+itoa64(e.int("size")))
		case scap.PPME_SYSCALL_WRITEV_X:
			got = append(got, "writev< res="+itoa64(e.int("res"))+" data="+string(e.param("data")))
		case scap.PPME_SYSCALL_READV_X:
			got = append(got, "readv< res="+itoa64(e.int("res"))+" size="+itoa64(e.int("size"))+" data="+string(e.param("data")))
		}
	}
	want := []string{
		"writev> size=25",
		"writev< res=25 data=iov-one,iov-two,iov-three",
		"readv< res=25 size=30 data=iov-one,iov-two,iov-three", // size: of the buffers
		// 20 buffers: the probe walks the first 16 (32 bytes).
		"writev> size=32",
		"writev< res=40 data=" + string(bytes.Repeat([]byte("ab"), 16)),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("iovec events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }
