//go:build linux

package runtimetest

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/traceproj/trace/internal/difftest"
)

// Image is the test image every runtime the package starts has loaded: a
// rootfs of busybox-static (all its applets under /bin) with the host's
// /bin/bash and the shared libraries it needs. No registry is involved:
// the image is built from host files and imported as a docker-archive.
const Image = "localhost/trace-runtimetest/bash:1"

// PauseImage is the pods' sandbox image: a static Go program that sleeps
// until SIGTERM (see the pause directory).
const PauseImage = "localhost/trace-runtimetest/pause:1"

// imageTars are the docker-archive files of Image and PauseImage.
type imageTars struct {
	bash, pause string
}

// buildImages writes both images' archives into dir.
func buildImages(dir string) (imageTars, error) {
	tars := imageTars{bash: filepath.Join(dir, "bash.tar"), pause: filepath.Join(dir, "pause.tar")}
	l := newLayer()
	if err := l.addBusybox(); err != nil {
		return tars, err
	}
	if err := l.addBinary("/bin/bash", "/bin/bash"); err != nil {
		return tars, err
	}
	l.addData("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", 0o644)
	l.addData("/etc/group", "root:x:0:\nnogroup:x:65534:\n", 0o644)
	for _, d := range []string{"/tmp", "/root", "/proc", "/sys", "/dev", "/etc"} {
		l.addDir(d)
	}
	err := writeArchive(tars.bash, Image, l, imageConfig{Cmd: []string{"/bin/sh"}})
	if err != nil {
		return tars, err
	}
	bin := filepath.Join(dir, "pause")
	cmd := exec.Command("go", "build", "-o", bin, "./internal/runtimetest/pause")
	cmd.Dir = difftest.Root()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return tars, fmt.Errorf("building the pause program: %v\n%s", err, out)
	}
	p := newLayer()
	if err := p.addFile("/pause", bin, 0o755); err != nil {
		return tars, err
	}
	return tars, writeArchive(tars.pause, PauseImage, p, imageConfig{Entrypoint: []string{"/pause"}})
}

// layer is the content of one image layer by absolute path: headers
// (name, type, mode, link target) and the bytes of regular files.
type layer map[string]*layerEntry

type layerEntry struct {
	hdr  tar.Header
	data []byte
}

func newLayer() layer { return layer{} }

// addDir adds a directory and its parents.
func (l layer) addDir(name string) {
	for d := name; d != "/" && d != "."; d = path.Dir(d) {
		if _, ok := l[d]; !ok {
			l[d] = &layerEntry{hdr: tar.Header{Typeflag: tar.TypeDir, Mode: 0o755}}
		}
	}
}

// addData adds a regular file with the given content.
func (l layer) addData(name, data string, mode int64) {
	l.addDir(path.Dir(name))
	l[name] = &layerEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Mode: mode}, data: []byte(data)}
}

// addFile adds the host file src (symbolic links followed) as name.
func (l layer) addFile(name, src string, mode int64) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	l.addDir(path.Dir(name))
	l[name] = &layerEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Mode: mode}, data: b}
	return nil
}

// addLink adds a symbolic link name pointing at target.
func (l layer) addLink(name, target string) {
	l.addDir(path.Dir(name))
	l[name] = &layerEntry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Mode: 0o777, Linkname: target}}
}

// lddPath matches the library paths in ldd's output: "libc.so.6 =>
// /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".
var lddPath = regexp.MustCompile(`(?m)^\s*(?:\S+ => )?(/\S+) \(0x`)

// addBinary adds the host executable src as name, with the shared
// libraries ldd lists for it at the same paths as on the host.
func (l layer) addBinary(name, src string) error {
	if err := l.addFile(name, src, 0o755); err != nil {
		return err
	}
	out, err := exec.Command("ldd", src).CombinedOutput()
	if err != nil {
		if bytes.Contains(out, []byte("not a dynamic executable")) {
			return nil
		}
		return fmt.Errorf("ldd %s: %v\n%s", src, err, out)
	}
	for _, m := range lddPath.FindAllSubmatch(out, -1) {
		lib := string(m[1])
		if err := l.addFile(lib, lib, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// addBusybox adds the host's busybox as /bin/busybox and a link to it
// under /bin for each of its applets.
func (l layer) addBusybox() error {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		return fmt.Errorf("busybox is not installed (apt-get install busybox-static): %v", err)
	}
	if err := l.addBinary("/bin/busybox", bb); err != nil {
		return err
	}
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		return fmt.Errorf("busybox --list: %v", err)
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet != "busybox" && !strings.Contains(applet, "/") {
			l.addLink("/bin/"+applet, "busybox")
		}
	}
	return nil
}

// tar returns the layer as a tar file, in path order, files owned by root.
func (l layer) tar() ([]byte, error) {
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		e := l[n]
		h := e.hdr
		h.Name = strings.TrimPrefix(n, "/")
		if h.Typeflag == tar.TypeDir {
			h.Name += "/"
		}
		h.Size = int64(len(e.data))
		h.ModTime = time.Unix(0, 0)
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	err := tw.Close()
	return buf.Bytes(), err
}

// imageConfig is the part of an image's configuration the tests set.
type imageConfig struct {
	Entrypoint []string `json:"Entrypoint,omitempty"`
	Cmd        []string `json:"Cmd,omitempty"`
	Env        []string `json:"Env"`
}

// writeArchive writes a one-layer image named ref as a docker-archive
// (the format of `docker save`: manifest.json, the configuration and the
// layer), which `ctr images import`, `docker load` and `podman load` read.
func writeArchive(file, ref string, l layer, cfg imageConfig) error {
	layerTar, err := l.tar()
	if err != nil {
		return err
	}
	layerSum := sha256.Sum256(layerTar)
	layerHex := hex.EncodeToString(layerSum[:])
	cfg.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      "1970-01-01T00:00:00Z",
		"config":       cfg,
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + layerHex}},
		"history":      []map[string]string{{"created": "1970-01-01T00:00:00Z", "created_by": "package runtimetest"}},
	})
	if err != nil {
		return err
	}
	configSum := sha256.Sum256(config)
	configName := hex.EncodeToString(configSum[:]) + ".json"
	layerName := layerHex + "/layer.tar"
	manifest, err := json.Marshal([]map[string]any{{
		"Config": configName, "RepoTags": []string{ref}, "Layers": []string{layerName},
	}})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{layerHex + "/", nil}, {layerName, layerTar}, {configName, config}, {"manifest.json", manifest}} {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}
