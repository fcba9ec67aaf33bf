package chisels

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
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
// then BuiltinDir. Directories end with '/'. Unlike sysdig, a built-in
// chisel's name always means the built-in, and files of the current
// directory and ./chisels/ are used only when trusted (see untrusted).
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

// find locates a chisel: a built-in for a built-in's name, else as sysdig
// does, NAME.lua in the first directory having it, else the file NAME as
// is. It returns the path and content, and a line for each file of the
// current directory it skipped as untrusted.
func find(dirs []string, name string) (path string, src []byte, skipped []string, err error) {
	name = strings.TrimSpace(name)
	if !strings.Contains(name, "/") && slices.Contains(dirs, BuiltinDir) {
		// sudo trace -c topprocs_cpu run from /tmp must not run a
		// ./topprocs_cpu.lua planted there.
		for _, try := range []string{name + ".lua", name} {
			if b, err := readChisel(BuiltinDir, try); err == nil {
				return BuiltinDir + try, b, nil, nil
			}
		}
	}
	for _, try := range []string{name + ".lua", name} {
		for _, d := range dirs {
			if cwdDir(d) {
				if why := untrusted(d + try); why != "" {
					skipped = append(skipped, "chisel file "+d+try+" skipped: "+why)
					continue
				}
			}
			if b, err := readChisel(d, try); err == nil {
				return d + try, b, skipped, nil
			}
		}
	}
	return "", nil, skipped, ErrNotFound
}

// Untrusted says why the file name of search directory dir must not be
// run, "" when it may (only files of the current directory can be
// refused; see untrusted).
func Untrusted(dir, name string) string {
	if !cwdDir(dir) {
		return ""
	}
	return untrusted(dir + name)
}

// cwdDir tells the search path's entries relative to the current
// directory: the directory itself and ./chisels/.
func cwdDir(d string) bool { return d == "" || d == "./chisels/" }

// untrusted says why a file of the current directory must not be run
// (as root, the current directory may be /tmp): it must be a regular
// file, not a link, in a directory and owned, both, by the user running
// trace (or the one who ran sudo), neither writable by group or others.
// It returns "" for a trusted file and for one that does not exist.
func untrusted(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	if st.Mode()&os.ModeSymlink != 0 {
		return "a symbolic link"
	}
	if !st.Mode().IsRegular() {
		return ""
	}
	dir := filepath.Dir(path)
	for _, p := range []string{path, dir} {
		st, err := os.Stat(p)
		if err != nil {
			return err.Error()
		}
		if why := notOurs(p, st); why != "" {
			return why
		}
	}
	return ""
}

// notOurs says why st (of path) is not safe to run code from.
func notOurs(path string, st os.FileInfo) string {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	if !trustedOwner(sys.Uid) {
		return fmt.Sprintf("%s is owned by uid %d, not by you", path, sys.Uid)
	}
	if st.Mode().Perm()&0o022 != 0 {
		return path + " is writable by group or others"
	}
	return ""
}

// trustedOwner: the effective user, and under sudo the user who ran it.
func trustedOwner(uid uint32) bool {
	if int(uid) == os.Geteuid() {
		return true
	}
	if os.Geteuid() == 0 {
		if s, err := strconv.Atoi(os.Getenv("SUDO_UID")); err == nil && s >= 0 && uint32(s) == uid {
			return true
		}
	}
	return false
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
