// Command refresh copies the specification tables that the generators of
// internal/gen read (event and flag tables, the verbose field listing, the
// syscall table) from the shared specification into internal/gen/spec,
// where `go generate` finds them in any clone of the module.
//
// Run it from the module root when the shared specification changes, then
// regenerate and commit both the tables and the generated files:
//
//	go run ./internal/gen/refresh            # reads ../shared/spec
//	go run ./internal/gen/refresh -from DIR
//	go generate ./scap ./fields ./capture
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
)

func main() {
	from := flag.String("from", "../shared/spec", "directory of the shared specification")
	to := flag.String("to", "internal/gen/spec", "directory the generators read")
	flag.Parse()
	// The inputs of the generators: event_table.tsv and flag_tables.tsv
	// (internal/gen/tables, package scap), fields_verbose.txt
	// (internal/gen/fields, package fields), syscall_table.tsv
	// (capture/gen_sysnames.go).
	files := []string{"event_table.tsv", "flag_tables.tsv", "fields_verbose.txt", "syscall_table.tsv"}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(*from, name))
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*to, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
