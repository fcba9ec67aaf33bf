//go:build 386 || amd64

package bpf

import (
	"encoding/binary"
	"testing"
)

// TestLayout pins the sizes the Go decoder relies on.
func TestLayout(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		size int
	}{
		{"rec_hdr", RecHdr{}, RecHdrSize},
		{"blob_hdr", BlobHdr{}, BlobHdrSize},
		{"blob_spec", BlobSpec{}, 4},
		{"sc_spec", ScSpec{}, 4 + 2*MaxBlobs*4},
		{"sock_info", SockInfo{}, 168},
		{"file_info", FileInfo{}, 24},
		{"pipe_info", PipeInfo{}, 16},
		{"sockpair_info", SockpairInfo{}, 24},
		{"vm_info", VMInfo{}, 16},
		{"task_info", TaskInfo{}, 104},
		{"counters", Counters{}, 32},
	} {
		if got := binary.Size(c.v); got != c.size {
			t.Errorf("%s: %d bytes, want %d", c.name, got, c.size)
		}
	}
}
