package bpf

// Mirrors of the #defines in events.h (checked by TestConstsMatchHeader).
const (
	MaxSyscalls = 512
	MaxBlobs    = 6

	RecEnter    = 1
	RecExit     = 2
	RecProcExit = 3
	RecSwitch   = 4

	BNone     = 0
	BStr      = 1
	BBuf      = 2
	BIOV      = 3
	BSockaddr = 4
	BSock     = 5
	BFile     = 6
	BMem      = 7
	BTask     = 8
	BArgs     = 9
	BEnv      = 10
	BPipe     = 11
	BSockpair = 12
	BAcceptQ  = 13
	BMsgName  = 14
	BMsgIOV   = 15
	BVM       = 16
	BPoll     = 17
	BCgroups  = 18
	BCwd      = 19

	ArgRet  = 6
	ArgNone = 7
	LenPtr  = 0x80

	CapRet = 1
	NoData = 2

	WantEnter = 1
	WantExit  = 2

	MaxPollFDs  = 32
	MaxIOVs     = 16
	StrMax      = 4096
	ArgsMax     = 4096
	SockaddrMax = 128

	// RecHdrSize is the size of struct rec_hdr; BlobHdrSize of struct blob_hdr.
	RecHdrSize  = 32
	BlobHdrSize = 4
)
