// Package genfile holds what the code generators share: reading a spec
// file and writing a formatted Go file. Errors end the generator.
package genfile

import (
	"bufio"
	"go/format"
	"log"
	"os"
	"strings"
)

// Lines calls fn with each line of path, and its 1-based number.
func Lines(path string, fn func(n int, line string)) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		fn(n, sc.Text())
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
}

// TSV returns the tab-separated rows of path after its header line,
// without empty lines.
func TSV(path string) [][]string {
	var rows [][]string
	Lines(path, func(n int, line string) {
		if n > 1 && line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	})
	return rows
}

// WriteGo formats src and writes it to path; source that does not format
// is left in path+".broken" for a look.
func WriteGo(path string, src []byte) {
	out, err := format.Source(src)
	if err != nil {
		os.WriteFile(path+".broken", src, 0o644)
		log.Fatalf("format %s: %v", path, err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		log.Fatal(err)
	}
}
