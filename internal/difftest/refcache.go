package difftest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// The reference programs (sysdig 0.29.3, csysdig) are deterministic on a
// capture: the same binary, arguments, input files, environment and
// chisel directories give the same output. Reference memoizes their runs
// on disk so that a re-run of the suite spends its time on trace, not on
// re-computing sysdig's answers. The cache can only save time, never
// decide a test: Agreeing runs the program again when trace's output
// disagrees with a cached answer, and refreshes the entry.
//
// TRACE_DIFFTEST_CACHE names the cache directory (default: the user's
// cache directory, trace-difftest); "off" disables it.

const maxCachedOutput = 64 << 20

var (
	hashMu    sync.Mutex
	fileHashs = map[string]string{} // path|size|mtime → content hash
)

// cacheDir returns the cache directory, or "" when caching is off.
func cacheDir() string {
	d := os.Getenv("TRACE_DIFFTEST_CACHE")
	if d == "off" {
		return ""
	}
	if d == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		d = filepath.Join(base, "trace-difftest")
	}
	return d
}

// fileHash returns the content hash of a regular file, memoized by path,
// size and modification time, or "" when path is not a regular file.
func fileHash(path string) string {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return ""
	}
	id := fmt.Sprintf("%s|%d|%d", path, st.Size(), st.ModTime().UnixNano())
	hashMu.Lock()
	h, ok := fileHashs[id]
	hashMu.Unlock()
	if ok {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := sha256.New()
	if _, err := io.Copy(s, f); err != nil {
		return ""
	}
	h = hex.EncodeToString(s.Sum(nil))
	hashMu.Lock()
	fileHashs[id] = h
	hashMu.Unlock()
	return h
}

// describe adds to the key what a word refers to, relative paths taken
// from wd: the contents of a regular file (not its path, so that a
// temporary copy of the same input hits), the names and contents of a
// directory's regular files, or else the word itself.
func describe(w io.Writer, wd, word string) {
	path := word
	if !filepath.IsAbs(path) {
		path = filepath.Join(wd, path)
	}
	if h := fileHash(path); h != "" {
		fmt.Fprintf(w, "file:%s\n", h)
		return
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		ents, _ := os.ReadDir(path)
		fmt.Fprintf(w, "dir:\n")
		for _, e := range ents { // ReadDir sorts by name
			fmt.Fprintf(w, "  %s %s\n", e.Name(), fileHash(filepath.Join(path, e.Name())))
		}
		return
	}
	fmt.Fprintf(w, "word:%q\n", word)
}

// cacheKey identifies a run of bin (an absolute path) in wd, or returns
// "" when the run must not be cached (it writes files). Besides the
// arguments and the added environment, the key holds what the
// reference programs read on their own: the chisel directories
// (./chisels, ~/.chisels, $SYSDIG_CHISEL_DIR). Not the working
// directory's path or its other files: editing a test file must not
// empty the cache.
func cacheKey(wd, bin string, env, args []string) string {
	bh := ""
	if filepath.IsAbs(bin) {
		bh = fileHash(bin)
	}
	if bh == "" {
		return ""
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-w") || strings.HasPrefix(a, "--write") {
			return ""
		}
	}
	if wd == "" {
		wd, _ = os.Getwd()
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "v2\nbin:%s\n", bh)
	home, _ := os.UserHomeDir()
	for _, d := range []string{filepath.Join(wd, "chisels"), filepath.Join(home, ".chisels"), os.Getenv("SYSDIG_CHISEL_DIR")} {
		if st, err := os.Stat(d); d == "" || err != nil || !st.IsDir() {
			b.WriteString("no chisel dir\n") // (its path would defeat hits)
			continue
		}
		describe(&b, wd, d)
	}
	for _, a := range args {
		describe(&b, wd, a)
		if i := strings.IndexByte(a, '='); i > 0 && strings.HasPrefix(a, "--") {
			describe(&b, wd, a[i+1:])
		}
	}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		fmt.Fprintf(&b, "env:%s\n", k)
		describe(&b, wd, v)
	}
	s := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(s[:])
}

// Reference runs a reference program (an absolute path) like RunEnv,
// answering from the cache when the same run was made before.
func Reference(bin string, env []string, args ...string) Result {
	r, _ := reference("", bin, env, args)
	return r
}

func reference(wd, bin string, env, args []string) (r Result, cached bool) {
	dir, key := cacheDir(), ""
	if dir != "" {
		key = cacheKey(wd, bin, env, args)
	}
	if key != "" {
		if r, ok := loadCached(filepath.Join(dir, key[:2], key)); ok {
			return r, true
		}
	}
	r = RunIn(wd, bin, env, args...)
	if key != "" {
		storeCached(dir, key, r)
	}
	return r, false
}

// Agreeing returns the reference program's answer for a comparison:
// the cached one when agree accepts it, otherwise a fresh run's, so that
// a stale or path-dependent entry can never fail (or pass) a test.
// subject is the answer under test, as the bytes agree reads from it:
// when the same subject agreed with this run before (a recorded
// verdict), known is set and no answer is returned.
func Agreeing(bin string, env []string, subject []byte, agree func(Result) bool, args ...string) (r Result, known bool) {
	return AgreeingIn("", bin, env, subject, agree, args...)
}

// AgreeingIn is Agreeing with the program run in directory wd.
func AgreeingIn(wd, bin string, env []string, subject []byte, agree func(Result) bool, args ...string) (r Result, known bool) {
	var v string
	if key := cacheKey(wd, bin, env, args); key != "" {
		v = verdictKey(key, subject)
		if knownVerdict(v) {
			return Result{}, true
		}
	}
	r, cached := reference(wd, bin, env, args)
	ok := agree(r)
	if cached && !ok {
		r = fresh(wd, bin, env, args)
		ok = agree(r)
	}
	if ok && v != "" {
		recordVerdict(v)
	}
	return r, false
}

// Fresh runs the reference program and refreshes its cache entry: for a
// caller whose comparison with a cached answer failed.
func Fresh(bin string, env []string, args ...string) Result {
	return fresh("", bin, env, args)
}

func fresh(wd, bin string, env, args []string) Result {
	r := RunIn(wd, bin, env, args...)
	if dir := cacheDir(); dir != "" {
		if key := cacheKey(wd, bin, env, args); key != "" {
			storeCached(dir, key, r)
		}
	}
	return r
}

// Entry layout: code (int32), stdout length, stderr length (uint64 each),
// then both outputs, the whole zstd-compressed.
func storeCached(dir, key string, r Result) {
	if len(r.Stdout)+len(r.Stderr) > maxCachedOutput || r.Code < 0 {
		return
	}
	sub := filepath.Join(dir, key[:2])
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return
	}
	var raw bytes.Buffer
	var hdr [20]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(int32(r.Code)))
	binary.LittleEndian.PutUint64(hdr[4:], uint64(len(r.Stdout)))
	binary.LittleEndian.PutUint64(hdr[12:], uint64(len(r.Stderr)))
	raw.Write(hdr[:])
	raw.Write(r.Stdout)
	raw.Write(r.Stderr)
	if encoder == nil {
		return
	}
	data := encoder.EncodeAll(raw.Bytes(), nil)
	tmp, err := os.CreateTemp(sub, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), filepath.Join(sub, key)) != nil {
		os.Remove(tmp.Name())
	}
}

// One encoder and one decoder for all entries (EncodeAll and DecodeAll
// may be called concurrently).
var (
	encoder, _ = zstd.NewWriter(nil)
	decoder, _ = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxCachedOutput+1024))
)

func loadCached(path string) (Result, bool) {
	data, err := os.ReadFile(path)
	if err != nil || decoder == nil {
		return Result{}, false
	}
	raw, err := decoder.DecodeAll(data, nil)
	if err != nil || len(raw) < 20 {
		return Result{}, false
	}
	code := int(int32(binary.LittleEndian.Uint32(raw[0:])))
	no := binary.LittleEndian.Uint64(raw[4:])
	ne := binary.LittleEndian.Uint64(raw[12:])
	if no > uint64(len(raw)-20) || ne != uint64(len(raw)-20)-no {
		return Result{}, false
	}
	body := raw[20:]
	return Result{Stdout: body[:no:no], Stderr: body[no:], Code: code}, true
}
