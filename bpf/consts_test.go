package bpf

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestConstsMatchHeader checks the Go mirrors against the #defines of
// events.h, so that an edit on one side cannot go unnoticed.
func TestConstsMatchHeader(t *testing.T) {
	want := map[string]int{
		"MAX_SYSCALLS": MaxSyscalls, "MAX_BLOBS": MaxBlobs,
		"REC_ENTER": RecEnter, "REC_EXIT": RecExit, "REC_PROCEXIT": RecProcExit, "REC_SWITCH": RecSwitch,
		"B_NONE": BNone, "B_STR": BStr, "B_BUF": BBuf, "B_IOV": BIOV, "B_SOCKADDR": BSockaddr,
		"B_SOCK": BSock, "B_FILE": BFile, "B_MEM": BMem, "B_TASK": BTask, "B_ARGS": BArgs,
		"B_ENV": BEnv, "B_PIPE": BPipe, "B_SOCKPAIR": BSockpair, "B_ACCEPTQ": BAcceptQ,
		"B_MSGNAME": BMsgName, "B_MSGIOV": BMsgIOV, "B_VM": BVM, "B_POLL": BPoll,
		"B_CGROUPS": BCgroups, "B_CWD": BCwd,
		"ARG_RET": ArgRet, "ARG_NONE": ArgNone, "LEN_PTR": LenPtr,
		"CAP_RET": CapRet, "NO_DATA": NoData, "WANT_ENTER": WantEnter, "WANT_EXIT": WantExit,
		"MAX_POLLFDS": MaxPollFDs, "MAX_IOVS": MaxIOVs, "STR_MAX": StrMax, "ARGS_MAX": ArgsMax,
		"SOCKADDR_MAX": SockaddrMax,
	}
	f, err := os.Open("events.h")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || fields[0] != "#define" {
			continue
		}
		name := fields[1]
		w, ok := want[name]
		if !ok {
			continue
		}
		v, err := strconv.ParseInt(fields[2], 0, 64)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if int(v) != w {
			t.Errorf("%s = %d in events.h, %d in Go", name, v, w)
		}
		seen[name] = true
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s not defined in events.h", name)
		}
	}
}
