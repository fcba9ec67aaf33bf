package main

import (
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
		ok   func(o *Options) bool
	}{
		{[]string{"-r", "f.scap", "--raw", "-v", "files"}, "", func(o *Options) bool { return o.ReadFile == "f.scap" && o.Raw && o.View == "files" }},
		{[]string{"-pc"}, "", func(o *Options) bool { return o.Containers }},
		{[]string{"-pcontainer"}, "", func(o *Options) bool { return o.Containers }},
		{[]string{"-j", "-d", "500"}, "", func(o *Options) bool { return o.JSON && o.RefreshNs == 500000000 }},
		{nil, "", func(o *Options) bool { return o.RefreshNs == 2000000000 && o.Snaplen == 80 && o.sortCol == -1 }},
		// csysdig joins the filter words with a space after each
		{[]string{"proc.name", "=", "sh"}, "", func(o *Options) bool { return o.Filter == "proc.name = sh " }},
		{[]string{"-n", "10", "-s", "200", "-R"}, "", func(o *Options) bool { return o.NumEvents == 10 && o.Snaplen == 200 && o.ResolvePorts }},
		{[]string{"--cri", "/run/x.sock", "--cri-timeout", "50"}, "", func(o *Options) bool { return o.CRI[0] == "/run/x.sock" && o.CRITimeout.Milliseconds() == 50 }},
		{[]string{"-d", "50"}, "Period must be bigger then 100ms", nil},
		{[]string{"-d", "x"}, "can't parse the -d argument", nil},
		{[]string{"-n", "0"}, "invalid event count 0", nil},
		{[]string{"-n", "z"}, "can't parse the -n argument", nil},
		{[]string{"-x"}, "invalid option", nil},
	} {
		o, err := parseArgs(c.args)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if !c.ok(o) {
			t.Errorf("%q: options %+v", c.args, o)
		}
	}
}
