package chisels

import (
	"strings"
	"testing"
)

var spyFile = &Desc{
	Name:             "spy_file",
	Category:         "I/O",
	ShortDescription: "Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file.",
	Description:      "This chisel intercepts all reads and writes to all files. Instead of all files, you can limit interception to one file.",
	Args: []Arg{
		{Name: "read_or_write", Type: "string", Optional: true, Description: "Specify 'R' to capture only read events; 'W' to capture only write events; 'RW' to capture read and write events. By default both read and write events are captured."},
		{Name: "spy_on_file_name", Type: "string", Optional: true, Description: "The name of the file which the chisel should spy on for all read and write activity."},
	},
}

// sysdig -i spy_file (CHISELS.md §4).
const spyFileInfo = `
Category: I/O
-------------
spy_file        Echo any read/write made by any process to all files. Optionall
                y, you can provide the name of one file to only intercept reads
                /writes to that file.

This chisel intercepts all reads and writes to all files. Instead of all files,
 you can limit interception to one file.
Args:
[string] read_or_write - Specify 'R' to capture only read event
                s; 'W' to capture only write events; 'RW' to capture read and w
                rite events. By default both read and write events are captured
                .
[string] spy_on_file_name - The name of the file which the chis
                el should spy on for all read and write activity.

`

func TestWriteInfo(t *testing.T) {
	var b strings.Builder
	WriteInfo(&b, spyFile)
	if b.String() != spyFileInfo {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), spyFileInfo)
	}
	b.Reset()
	WriteInfo(&b, &Desc{Name: "x", Category: "C", ShortDescription: "s", Description: "d"})
	if want := "\nCategory: C\n-----------\nx               s\n\nd\nArgs:\n(None)\n"; b.String() != want {
		t.Errorf("no args: %q, want %q", b.String(), want)
	}
}

func TestWriteList(t *testing.T) {
	var b strings.Builder
	WriteList(&b, []*Desc{
		{Name: "topcontainers_cpu", Category: "CPU Usage", ShortDescription: "Top containers by CPU usage"},
		{Name: "topprocs_cpu", Category: "CPU Usage", ShortDescription: "Top processes by CPU usage"},
		{Name: "topfiles_errors", Category: "Errors", ShortDescription: "Top files by number of errors"},
	})
	want := `
Category: CPU Usage
-------------------
topcontainers_cpu
                Top containers by CPU usage
topprocs_cpu    Top processes by CPU usage

Category: Errors
----------------
topfiles_errors Top files by number of errors

Use the -i flag to get detailed information about a specific chisel
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// The built-in chisels are the 50 sysdig lists, helpers excluded.
func TestBuiltinList(t *testing.T) {
	descs := List([]string{BuiltinDir})
	if len(descs) != 50 {
		t.Errorf("%d built-in chisels listed, want 50", len(descs))
	}
	cats := map[string]int{}
	for _, d := range descs {
		cats[d.Category]++
		switch d.Name {
		case "common", "ansiterminal", "dkjson", "http", "statsd", "table_generator", "top_table", "cpu_table":
			t.Errorf("helper %s is listed", d.Name)
		}
	}
	want := map[string]int{"Application": 3, "CPU Usage": 4, "Errors": 3, "I/O": 15, "Logs": 2, "Misc": 1, "Net": 7, "Performance": 7, "Security": 3, "System State": 4, "Tracers": 1}
	for c, n := range want {
		if cats[c] != n {
			t.Errorf("category %s: %d chisels, want %d", c, cats[c], n)
		}
	}
	if _, err := Info([]string{BuiltinDir}, "table_generator"); err == nil || err.Error() != "chisel table_generator not found - use -cl to list them." {
		t.Errorf("Info(table_generator) = %v", err)
	}
}

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  a  ", []string{"a"}},
		{"R /x", []string{"R", "/x"}},
		{"a  b", []string{"a", "", "b"}},
		{"'# Calls' x", []string{"# Calls", "x"}},
		{"`a b` 'c'", []string{"a b", "c"}},
		{"evt.type Syscall evt.latency Time  30 time", []string{"evt.type", "Syscall", "evt.latency", "Time", "", "30", "time"}},
	}
	for _, c := range cases {
		got, err := splitArgs("x", c.in)
		if err != nil || strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := splitArgs("spy_file", "'R /x"); err == nil || err.Error() != "corrupted parameters for chisel spy_file" {
		t.Errorf("unbalanced quote: %v", err)
	}
	d := &Desc{Args: []Arg{{Name: "a"}, {Name: "b", Optional: true}}}
	for args, want := range map[string]string{
		"":      "wrong number of parameters for chisel c, 1 required, 0 given",
		"x y z": "too many parameters for chisel c, 1 required, 1 optional, 3 given",
		"x y":   "",
	} {
		err := d.CheckArgs("c", args)
		if (err == nil && want != "") || (err != nil && err.Error() != want) {
			t.Errorf("CheckArgs(%q) = %v, want %q", args, err, want)
		}
	}
}
