//go:build 386 || amd64

package bpf

import "github.com/cilium/ebpf"

// LoadSpec returns the collection spec of the capture programs. The
// caller sizes the per-CPU maps and sets the constants before loading.
func LoadSpec() (*ebpf.CollectionSpec, error) { return loadCapture() }

// Objects are the loaded programs and maps, for CollectionSpec.LoadAndAssign.
type Objects = captureObjects

// Go mirrors of the C structs, generated from the object's BTF.
type (
	RecHdr       = captureRecHdr
	BlobHdr      = captureBlobHdr
	BlobSpec     = captureBlobSpec
	ScSpec       = captureScSpec
	SockInfo     = captureSockInfo
	FileInfo     = captureFileInfo
	PipeInfo     = capturePipeInfo
	SockpairInfo = captureSockpairInfo
	VMInfo       = captureVmInfo
	TaskInfo     = captureTaskInfo
	Counters     = captureCounters
)

// Supported reports whether this build carries compiled objects.
const Supported = true
