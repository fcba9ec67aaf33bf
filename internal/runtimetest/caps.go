//go:build linux

package runtimetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// capNames are the Linux capabilities by number.
var capNames = [...]string{"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
	"MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"}

// missingCaps lists the capabilities outside this process's bounding
// set: some VMs lack CAP_SYS_RESOURCE, and a runtime that grants every
// capability (docker run --privileged) then fails with "unable to apply
// caps: operation not permitted".
func missingCaps() []string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "CapBnd:"); ok {
			bnd, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				return nil
			}
			var out []string
			for i, n := range capNames {
				if bnd&(1<<i) == 0 {
					out = append(out, "CAP_"+n)
				}
			}
			return out
		}
	}
	return nil
}

// runcWithoutCaps writes dir/runc-caps: runc, after taking the
// capabilities in caps out of a bundle's config.json at create (the
// Docker Engine writes it as compact JSON).
func runcWithoutCaps(dir string, caps []string) (string, error) {
	var sed []string
	for _, c := range caps {
		sed = append(sed, fmt.Sprintf(`-e 's/"%[1]s",//g' -e 's/,"%[1]s"//g' -e 's/"%[1]s"//g'`, c))
	}
	script := `#!/bin/sh
# runc, without the capabilities this machine cannot grant.
prev=
for a in "$@"; do
	if [ "$prev" = --bundle ] || [ "$prev" = -b ]; then
		sed -i ` + strings.Join(sed, " ") + ` "$a/config.json"
	fi
	prev=$a
done
exec runc "$@"
`
	path := filepath.Join(dir, "runc-caps")
	return path, os.WriteFile(path, []byte(script), 0o755)
}
