package state

import (
	"testing"

	"github.com/traceproj/trace/scap"
)

// FuzzContainerJSON: container events (what the runtimes' answers become,
// and what captures carry) never make the engine panic, whatever their
// JSON (one without an id makes a container of id "", as in sysdig).
func FuzzContainerJSON(f *testing.F) {
	for _, s := range []string{
		`{"container":{"id":"0123456789ab","type":7,"name":"web","image":"nginx:1.25","privileged":true,"Mounts":[{"Source":"/a","Destination":"/b","RW":true}],"labels":{"io.kubernetes.pod.name":"p"},"HealthcheckProbe":{"exe":"x","args":["a"]}}}`,
		`{"container":{"id":"x","type":"7","memory_limit":"big","env":[1,2],"port_mappings":[{"HostIp":"1.2.3.4","HostPort":"x"}]}}`,
		`{"container":null}`, `[]`, `{"container":{"id":` + "\x00", `{"container":{"id":"a","LivenessProbe":{"args":{}}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 60000 {
			return
		}
		e := NewEngine()
		var b scap.Builder
		b.Begin(1, 0, scap.PPME_CONTAINER_JSON_E)
		b.Str(s)
		var raw scap.Event
		if err := raw.SetRaw(b.Finish(), 0, 0); err != nil {
			return
		}
		var ev Event
		e.Process(&raw, &ev)
		e.Containers.Each(func(c *Container) { _ = c.Name })
	})
}
