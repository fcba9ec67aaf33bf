package filter

import (
	"sort"

	"github.com/traceproj/trace/scap"
)

func eventName(t uint16) string { return scap.Info(t).Name }

func sortStrings(s []string) { sort.Strings(s) }
