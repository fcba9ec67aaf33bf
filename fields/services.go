package fields

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/traceproj/trace/state"
)

// The services database (/etc/services), read on first use, as
// getservbyport/getservbyname would.
var services struct {
	once   sync.Once
	byPort map[string]string // "80/tcp" -> "http"
	byName map[string]uint16 // "http" -> 80
}

// ServicesFile is the services database read for port names.
var ServicesFile = "/etc/services"

func loadServices() {
	services.byPort = map[string]string{}
	services.byName = map[string]uint16{}
	f, err := os.Open(ServicesFile)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		portStr, proto, ok := strings.Cut(fs[1], "/")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil {
			continue
		}
		key := portStr + "/" + proto
		if _, dup := services.byPort[key]; !dup {
			services.byPort[key] = fs[0]
		}
		for _, name := range append([]string{fs[0]}, fs[2:]...) {
			if _, dup := services.byName[name]; !dup {
				services.byName[name] = uint16(port)
			}
		}
	}
}

// serviceName returns the service name of port for proto ("tcp", "udp";
// "" tries tcp then udp), or "".
func serviceName(port uint16, proto string) string {
	services.once.Do(loadServices)
	p := strconv.Itoa(int(port))
	if proto != "" {
		return services.byPort[p+"/"+proto]
	}
	if n := services.byPort[p+"/tcp"]; n != "" {
		return n
	}
	return services.byPort[p+"/udp"]
}

// servicePort returns the port of a service name.
func servicePort(name string) (uint16, bool) {
	services.once.Do(loadServices)
	p, ok := services.byName[name]
	return p, ok
}

// PortName names a port by its service in /etc/services, for the
// protocol when it is TCP or UDP ("" when unknown): sysdig's -R, for
// state.Options.PortNames and Renderer.Ports.
func PortName(port uint16, l4 uint8) string {
	switch l4 {
	case state.L4TCP:
		return serviceName(port, "tcp")
	case state.L4UDP:
		return serviceName(port, "udp")
	}
	return serviceName(port, "")
}
