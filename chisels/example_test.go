package chisels_test

import (
	"os"

	"github.com/traceproj/trace/chisels"
)

// Describe a built-in chisel as sysdig -i does.
func ExampleWriteInfo() {
	d, err := chisels.Info([]string{chisels.BuiltinDir}, "ps")
	if err != nil {
		panic(err)
	}
	chisels.WriteInfo(os.Stdout, d)
	// Output:
	// Category: System State
	// ----------------------
	// ps              List (and optionally filter) the machine processes.
	//
	// List the running processes, with an output that is similar to the one of ps. Ou
	// tput is at a point in time; adjust this in the filter. It defaults to time of e
	// vt.num=0
	// Args:
	// [filter] filter - A sysdig-like filter expression that allows r
	//                 estricting the FD list. For example 'fd.name contains /etc' sho
	//                 ws all the processes that have files open under /etc.
}
