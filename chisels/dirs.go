package chisels

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed builtin/*.lua
var builtinFS embed.FS

// BuiltinDir names the embedded chisels in search paths and error
// messages (their files are "builtin:NAME.lua").
const BuiltinDir = "builtin:"

// Dirs returns the chisel search path sysdig uses, with trace's embedded
// chisels in place of the install directory: each entry of
// SYSDIG_CHISEL_DIR (';'-separated, the last one first), the current
// directory (the name as given), ./chisels/, ~/.chisels/ when it exists,
// then BuiltinDir. Directories end with '/'.
func Dirs() []string {
	var dirs []string
	if env, ok := os.LookupEnv("SYSDIG_CHISEL_DIR"); ok {
		for _, d := range strings.Split(env, ";") {
			dirs = append([]string{withSlash(d)}, dirs...)
		}
	}
	dirs = append(dirs, "", "./chisels/")
	if home := os.Getenv("HOME"); home != "" {
		if real, err := filepath.EvalSymlinks(filepath.Join(home, ".chisels")); err == nil {
			if st, err := os.Stat(real); err == nil && st.IsDir() {
				dirs = append(dirs, withSlash(real))
			}
		}
	}
	return append(dirs, BuiltinDir)
}

func withSlash(d string) string {
	if strings.HasSuffix(d, "/") {
		return d
	}
	return d + "/"
}

// ErrNotFound is returned when no search directory has the chisel.
var ErrNotFound = errors.New("chisel not found")

// readChisel reads dir+name, from the embedded files for BuiltinDir.
func readChisel(dir, name string) ([]byte, error) {
	if dir == BuiltinDir {
		if strings.Contains(name, "/") {
			return nil, fs.ErrNotExist
		}
		return builtinFS.ReadFile("builtin/" + name)
	}
	p := dir + name
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(p)
}

// find locates a chisel as sysdig does: NAME.lua in the first directory
// having it, else the file NAME as is. It returns the path and content.
func find(dirs []string, name string) (string, []byte, error) {
	name = strings.TrimSpace(name)
	for _, try := range []string{name + ".lua", name} {
		for _, d := range dirs {
			if b, err := readChisel(d, try); err == nil {
				return d + try, b, nil
			}
		}
	}
	return "", nil, ErrNotFound
}

// listFiles returns the .lua files of dir (base names).
func listFiles(dir string) []string {
	var names []string
	if dir == BuiltinDir {
		ents, _ := builtinFS.ReadDir("builtin")
		for _, e := range ents {
			names = append(names, e.Name())
		}
	} else {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil
		}
		for _, e := range ents {
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	var out []string
	for _, n := range names {
		if strings.HasSuffix(n, ".lua") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
