//go:build !386 && !amd64

package bpf

import (
	"errors"

	"github.com/cilium/ebpf"
)

// ErrUnsupported is returned on architectures without compiled objects.
var ErrUnsupported = errors.New("bpf: no compiled capture objects for this architecture")

// LoadSpec fails: only amd64 objects are built.
func LoadSpec() (*ebpf.CollectionSpec, error) { return nil, ErrUnsupported }

// Supported reports whether this build carries compiled objects.
const Supported = false
