package main

import (
	"context"
	"fmt"
	"os"

	"github.com/traceproj/trace/views"
)

func runUI(ctx context.Context, o *Options, set *views.Set, idx int, stderr *os.File) int {
	fmt.Fprintln(stderr, "ctrace: the interactive UI is not built yet; use --raw or -j")
	return 1
}
