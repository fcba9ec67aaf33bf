package difftest

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A reference program that counts its runs and prints its input file.
func countingProgram(t *testing.T) (bin, input, counter string) {
	dir := t.TempDir()
	t.Setenv("TRACE_DIFFTEST_CACHE", filepath.Join(dir, "cache"))
	counter = filepath.Join(dir, "count")
	bin = filepath.Join(dir, "ref.sh")
	script := "#!/bin/sh\necho run >> " + counter + "\nfor a; do [ -f \"$a\" ] && cat \"$a\"; done\nexit 3\n"
	if err := os.WriteFile(bin, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	input = filepath.Join(dir, "in.txt")
	if err := os.WriteFile(input, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return bin, input, counter
}

func runs(t *testing.T, counter string) int {
	b, err := os.ReadFile(counter)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run")
}

func TestReferenceCache(t *testing.T) {
	bin, input, counter := countingProgram(t)
	r1 := Reference(bin, nil, "-r", input)
	r2 := Reference(bin, nil, "-r", input)
	if string(r1.Stdout) != "first\n" || r1.Code != 3 || string(r2.Stdout) != "first\n" || r2.Code != 3 {
		t.Fatalf("results %+v, %+v", r1, r2)
	}
	if n := runs(t, counter); n != 1 {
		t.Fatalf("the program ran %d times, want 1 (the second answer from the cache)", n)
	}
	// A copy of the input elsewhere is the same input.
	cp := filepath.Join(t.TempDir(), "copy.txt")
	os.WriteFile(cp, []byte("first\n"), 0o600)
	if r := Reference(bin, nil, "-r", cp); string(r.Stdout) != "first\n" || runs(t, counter) != 1 {
		t.Fatalf("copy of the input: %q, %d runs", r.Stdout, runs(t, counter))
	}
	// Changed contents, other arguments, other environment: new runs.
	os.WriteFile(input, []byte("second, longer\n"), 0o600)
	if r := Reference(bin, nil, "-r", input); string(r.Stdout) != "second, longer\n" {
		t.Fatalf("after the input changed: %q", r.Stdout)
	}
	Reference(bin, nil, "-r", input, "-v")
	Reference(bin, []string{"X=1"}, "-r", input, "-v")
	if n := runs(t, counter); n != 4 {
		t.Fatalf("%d runs, want 4", n)
	}
	// Another working directory is the same run, unless its ./chisels
	// differs (sysdig loads chisels from there).
	wd := t.TempDir()
	if r, _ := AgreeingIn(wd, bin, []string{"X=1"}, nil, func(Result) bool { return true }, "-r", input, "-v"); string(r.Stdout) != "second, longer\n" || runs(t, counter) != 4 {
		t.Fatalf("in another directory: %q after %d runs, want 4", r.Stdout, runs(t, counter))
	}
	os.Mkdir(filepath.Join(wd, "chisels"), 0o700)
	os.WriteFile(filepath.Join(wd, "chisels", "x.lua"), []byte("-- x"), 0o600)
	Reference(bin, nil, "-r", input) // (the test's own directory: a hit)
	AgreeingIn(wd, bin, []string{"X=1"}, nil, func(Result) bool { return true }, "-r", input, "-v")
	if n := runs(t, counter); n != 5 {
		t.Fatalf("with a ./chisels file: %d runs, want 5", n)
	}
	// A run that writes a file is never answered from the cache.
	Reference(bin, nil, "-r", input, "-w", "out")
	Reference(bin, nil, "-r", input, "-w", "out")
	if n := runs(t, counter); n != 7 {
		t.Fatalf("%d runs, want 7", n)
	}
}

func TestAgreeingRunsAgainOnDisagreement(t *testing.T) {
	bin, input, counter := countingProgram(t)
	Reference(bin, nil, "-r", input)
	yes := func(Result) bool { return true }
	if r, _ := Agreeing(bin, nil, nil, yes, "-r", input); string(r.Stdout) != "first\n" || runs(t, counter) != 1 {
		t.Fatalf("agreeing answer: %q after %d runs", r.Stdout, runs(t, counter))
	}
	no := func(Result) bool { return false }
	if r, _ := Agreeing(bin, nil, nil, no, "-r", input); string(r.Stdout) != "first\n" || runs(t, counter) != 2 {
		t.Fatalf("disagreeing answer: %q after %d runs, want a fresh run", r.Stdout, runs(t, counter))
	}
	// A corrupt entry is a miss, not an answer.
	filepath.Walk(os.Getenv("TRACE_DIFFTEST_CACHE"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			os.WriteFile(p, []byte("garbage"), 0o600)
		}
		return nil
	})
	if r := Reference(bin, nil, "-r", input); string(r.Stdout) != "first\n" || runs(t, counter) != 3 {
		t.Fatalf("corrupt entry: %q after %d runs", r.Stdout, runs(t, counter))
	}
	t.Setenv("TRACE_DIFFTEST_CACHE", "off")
	Reference(bin, nil, "-r", input)
	Reference(bin, nil, "-r", input)
	if n := runs(t, counter); n != 5 {
		t.Fatalf("cache off: %d runs, want 5", n)
	}
}

func TestVerdicts(t *testing.T) {
	bin, input, counter := countingProgram(t)
	t.Setenv("TRACE_DIFFTEST_CACHE", "off") // every miss is a run
	rec := filepath.Join(t.TempDir(), "verdicts")
	t.Setenv("TRACE_DIFFTEST_RECORD", rec)
	same := func(got []byte) func(Result) bool {
		return func(r Result) bool { return string(r.Stdout) == string(got) }
	}
	// Agreement is recorded; disagreement is not.
	if r, known := Agreeing(bin, nil, []byte("first\n"), same([]byte("first\n")), "-r", input); known || string(r.Stdout) != "first\n" {
		t.Fatalf("first comparison: known %v, %q", known, r.Stdout)
	}
	Agreeing(bin, nil, []byte("other\n"), same([]byte("other\n")), "-r", input)
	b, _ := os.ReadFile(rec)
	lines := strings.Fields(string(b))
	if len(lines) != 1 || len(lines[0]) != verdictLen {
		t.Fatalf("recorded %q, want one verdict", b)
	}
	// A recorded verdict answers the same subject without a run, and
	// only that subject, that run.
	old := verdictsFile
	t.Cleanup(func() { verdictsFile, verdictsOnce = old, sync.Once{} })
	verdictsFile, verdictsOnce = b, sync.Once{}
	n := runs(t, counter)
	if _, known := Agreeing(bin, nil, []byte("first\n"), same(nil), "-r", input); !known || runs(t, counter) != n {
		t.Fatalf("recorded subject: known %v after %d runs, want no run", known, runs(t, counter)-n)
	}
	if _, known := Agreeing(bin, nil, []byte("First\n"), same(nil), "-r", input); known || runs(t, counter) != n+1 {
		t.Fatal("another subject must run the program")
	}
	if _, known := Agreeing(bin, nil, []byte("first\n"), same(nil), "-r", input, "-v"); known || runs(t, counter) != n+2 {
		t.Fatal("other arguments must run the program")
	}
	os.WriteFile(input, []byte("changed\n"), 0o600)
	if _, known := Agreeing(bin, nil, []byte("first\n"), same(nil), "-r", input); known {
		t.Fatal("a changed input must run the program")
	}
	t.Setenv("TRACE_DIFFTEST_VERDICTS", "off")
	os.WriteFile(input, []byte("first\n"), 0o600)
	if _, known := Agreeing(bin, nil, []byte("first\n"), same(nil), "-r", input); known {
		t.Fatal("TRACE_DIFFTEST_VERDICTS=off must run the program")
	}
}
