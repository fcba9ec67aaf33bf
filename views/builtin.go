package views

import "slices"

// builtin are trace's own definitions of the views csysdig 0.29.3 ships:
// the same ids, columns, fields, aggregations, filters and drill-downs.
// BuiltinDir names them in Path.
var builtin = []View{
	{
		ID: "backlog", Name: "Socket Queues",
		Description:     "Listening sockets with their accept queue: how many connections wait to be accepted, against the queue's limit.",
		Tags:            []string{"Default"},
		Kind:            TableView,
		AppliesTo:       []string{"", "proc.pid", "proc.name", "fd.sport", "fd.sproto"},
		Filter:          "evt.type=accept",
		UseDefaults:     true,
		DrilldownTarget: "connections",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "fd.sport", Size: -1, Key: true},
			{Name: "PID", Field: "proc.pid", Size: 15},
			{Name: "PORT", Field: "fd.sport", Size: 15},
			{Name: "BACKLOG", Field: "evt.arg[3]", Size: 15, Sorting: true, Aggr: Avg},
			{Name: "BACKLOG_PCT", Field: "evt.arg[2]", Size: 15, Aggr: Avg},
			{Name: "BACKLOG_MAX", Field: "evt.arg[4]", Size: 15},
			{Name: "PROC", Field: "proc.name", Size: 50},
		},
	},
	{
		ID: "connections", Name: "Connections",
		Description:     "Network connections (TCP and UDP, IPv4 and IPv6): bytes per second each way and I/O calls, per connection.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "fd.dport", "fd.dproto", "fd.port", "fd.proto", "fd.lport", "fd.rport", "evt.res"),
		Filter:          "(fd.type=ipv4 or fd.type=ipv6) and fd.name!=''",
		UseDefaults:     true,
		DrilldownTarget: "incoming_connections",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "fd.name", Size: -1, Key: true, Tags: []string{"default"}},
			{Name: "NA", Field: "fd.containername", Size: -1, Key: true, Tags: []string{"containers"}},
			{Name: "L4PROTO", Field: "fd.l4proto", Size: 8},
			{Name: "LIP", Field: "fd.lip", Size: 17},
			{Name: "LPORT", Field: "fd.lport", Size: 8},
			{Name: "RIP", Field: "fd.rip", Size: 17},
			{Name: "RPORT", Field: "fd.rport", Size: 8},
			{Name: "BPS IN", Field: "evt.buflen.net.in", Size: 12, Sorting: true, Aggr: TimeAvg},
			{Name: "BPS OUT", Field: "evt.buflen.net.out", Size: 12, Aggr: TimeAvg},
			{Name: "IOPS", Field: "evt.count", Size: 12, Aggr: TimeAvg},
			colContainer,
			colCommand,
		},
		Actions: []Action{
			{Hotkey: 'c', Command: "tcpdump -niany host %fd.lip and host %fd.rip and port %fd.lport and port %fd.rport", Description: "tcpdump connection", AskConfirmation: false, WaitFinish: true},
			{Hotkey: 'l', Command: "tcpdump -niany host %fd.lip", Description: "tcpdump local IP", AskConfirmation: false, WaitFinish: true},
			{Hotkey: 'n', Command: "nslookup %fd.rip", Description: "nslookup remote IP", AskConfirmation: false, WaitFinish: true},
			{Hotkey: 'P', Command: "ping %fd.rip", Description: "ping remote IP", AskConfirmation: false, WaitFinish: false},
			{Hotkey: 'r', Command: "tcpdump -niany host %fd.rip", Description: "tcpdump remote IP", AskConfirmation: false, WaitFinish: true},
			{Hotkey: 't', Command: "traceroute %fd.rip", Description: "traceroute remote IP", AskConfirmation: false, WaitFinish: true},
		},
	},
	{
		ID: "containers", Name: "Containers",
		Description:     "Containers on the machine with the CPU, memory, file and network use of their processes.",
		Tags:            []string{"wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "evt.res"),
		Filter:          "container.name != host",
		UseDefaults:     true,
		DrilldownTarget: "procs",
		PropagateFilter: true,
		Columns: []Column{
			colThreadKey,
			{Name: "NA", Field: "container.id", Size: -1, GroupBy: true},
			colCPU,
			{Name: "PROCS", Field: "evt.count.procinfo", Size: 8, Aggr: Avg, GroupByAggr: Sum},
			{Name: "THREADS", Field: "evt.count.threadinfo", Size: 8, Aggr: Avg, GroupByAggr: Sum},
			colVirt,
			colRes,
			colFile,
			colNet,
			{Name: "ENGINE", Field: "container.type", Size: 8},
			{Name: "IMAGE", Field: "container.image", Size: 30},
			{Name: "ID", Field: "container.id", Size: 13},
			{Name: "NAME", Field: "container.name", Size: 0},
		},
		Actions: dockerActions(Action{Hotkey: 's', Command: "docker stop %container.id", Description: "docker stop", AskConfirmation: false, WaitFinish: true}),
	},
	{
		ID: "containers_errors", Name: "Containers Errors",
		Description:     "Failed system calls per container, split into file, network, memory and other errors.",
		Tags:            []string{"Default"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory", "fd.containerdirectory"),
		Filter:          "container.name != host",
		UseDefaults:     true,
		DrilldownTarget: "errors",
		PropagateFilter: true,
		Columns: slices.Concat(
			[]Column{colPIDKey, {Name: "ID", Field: "container.id", Size: -1, GroupBy: true}},
			errorColumns(true),
			[]Column{
				{Name: "ENGINE", Field: "container.type", Size: 8},
				{Name: "ID", Field: "container.id", Size: 13},
				{Name: "CONTAINER", Field: "container.name", Size: 0},
			}),
		Actions: dockerActions(Action{Hotkey: 's', Command: "docker stats %container.id", Description: "docker stop", AskConfirmation: false, WaitFinish: true}),
	},
	{
		ID: "directories", Name: "Directories",
		Description:     "File I/O grouped by directory: bytes read and written, operations, opens and errors.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "evt.res"),
		Filter:          "(fd.type=file or fd.type=directory) and fd.name!=''",
		UseDefaults:     true,
		DrilldownTarget: "files",
		PropagateFilter: true,
		Columns:         fileIOColumns("fd.directory", "fd.containerdirectory", "DIRNAME"),
		Actions: []Action{
			{Hotkey: 'l', Command: "ls -al %fd.directory", Description: "ls directory", AskConfirmation: false, WaitFinish: true},
		},
	},
	{
		ID: "docker_events", Name: "Docker Events",
		Description:     "Docker engine events (container start, stop, image pulls...) as a list.",
		Tags:            []string{"Default", "nocsysdig"},
		Kind:            ListView,
		AppliesTo:       []string{""},
		Filter:          "evt.type=infra",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 18},
			{Name: "EVENT TYPE", Field: "evt.arg.name", Size: 20},
			{Name: "CONTAINER ID", Field: "evt.infra.docker.container.id", Size: 20},
			{Name: "CONTAINER IMAGE", Field: "evt.infra.docker.container.image", Size: 20},
			{Name: "CONTAINER NAME", Field: "evt.infra.docker.container.name", Size: 0},
		},
	},
	{
		ID: "errors", Name: "Errors",
		Description:     "System call errors, counted by error code.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "fd.directory", "fd.containerdirectory"),
		Filter:          "evt.res != SUCCESS",
		UseDefaults:     true,
		DrilldownTarget: "procs_errors",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "evt.res", Size: -1, Key: true},
			{Name: "COUNT", Field: "evt.count", Size: 12, Sorting: true, Aggr: Sum},
			{Name: "ERROR", Field: "evt.res", Size: 0},
		},
	},
	{
		ID: "file_opens", Name: "File Opens List",
		Description:     "Every file opened, one line per open, with its result and the process that opened it.",
		Tags:            []string{"Default"},
		Kind:            ListView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "fd.name", "fd.containername", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:          "evt.type=open and evt.dir=<",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 19},
			{Name: "RES", Field: "evt.res", Size: 8},
			{Name: "FILE", Field: "fd.name", Size: 40},
			colContainer,
			colCommand,
		},
		Actions: []Action{
			{Hotkey: 'l', Command: "less %fd.name", Description: "less file", AskConfirmation: false, WaitFinish: false},
		},
	},
	{
		ID: "files", Name: "Files",
		Description:     "File I/O per file: bytes read and written per second, operations, opens and errors.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "fd.directory", "fd.containerdirectory", "fd.containerdirectory", "evt.res"),
		Filter:          "(fd.type=file or fd.type=directory) and fd.name!=''",
		UseDefaults:     true,
		DrilldownTarget: "procs",
		PropagateFilter: true,
		Columns:         fileIOColumns("fd.name", "fd.containername", "FILENAME"),
		Actions: []Action{
			{Hotkey: 'l', Command: "less %fd.name", Description: "less file", AskConfirmation: false, WaitFinish: false},
		},
	},
	{
		ID: "incoming_connections", Name: "New Connections",
		Description:     "New network connections, one line per accept or connect.",
		Tags:            []string{"Default"},
		Kind:            ListView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "fd.dport", "fd.port", "fd.lport", "fd.rport"),
		Filter:          "evt.type=accept and evt.dir=< and evt.failed=false",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 19},
			{Name: "Connection", Field: "fd.name", Size: 40},
			colContainer,
			colCommand,
		},
	},
	{
		ID: "io_by_type", Name: "I/O by Type",
		Description:     "I/O split by kind of file descriptor (file, socket, pipe...): bytes each way, calls and time.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "evt.res"),
		UseDefaults:     true,
		DrilldownTarget: "procs",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "fd.type", Size: -1, Key: true},
			{Name: "BPS IN", Field: "evt.buflen.in", Size: 12, Aggr: TimeAvg},
			{Name: "BPS OUT", Field: "evt.buflen.out", Size: 12, Aggr: TimeAvg},
			{Name: "IOPS", Field: "evt.count", Size: 9, Sorting: true, Aggr: TimeAvg},
			{Name: "TIME", Field: "evt.latency", Size: 9, Aggr: Sum},
			{Name: "I/O Type", Field: "fd.type", Size: 0, Aggr: Sum},
		},
	},
	groupView("k8s.rc.id", View{
		ID: "kubernetes_controllers", Name: "K8s Controllers",
		Description:     "Kubernetes replication controllers with the resources their pods use.",
		AppliesTo:       []string{"", "evt.res", "k8s.pod.id", "k8s.svc.id", "k8s.ns.id"},
		DrilldownTarget: "kubernetes_pods",
		Columns:         k8sColumns("rc", true),
		Actions:         kubectlActions("rc %k8s.rc.name", "rc %k8s.rc.name"),
	}),
	groupView("k8s.deployment.id", View{
		ID: "kubernetes_deployments", Name: "K8s Deployments",
		Description:     "Kubernetes deployments with the resources their pods use.",
		AppliesTo:       []string{"", "evt.res", "k8s.pod.id", "k8s.svc.id", "k8s.ns.id"},
		DrilldownTarget: "kubernetes_pods",
		Columns:         k8sColumns("deployment", true),
		Actions:         kubectlActions("deployment %k8s.deployment.name", "deployment %k8s.deployment.name"),
	}),
	groupView("k8s.ns.id", View{
		ID: "kubernetes_namespaces", Name: "K8s Namespaces",
		Description:     "Kubernetes namespaces with the resources their pods use.",
		AppliesTo:       []string{"", "evt.res", "k8s.pod.id", "k8s.rc.id", "k8s.rs.id", "k8s.svc.id"},
		DrilldownTarget: "kubernetes_pods",
		Columns:         k8sColumns("ns", false),
		Actions:         kubectlActions("namespaces %k8s.ns.name", "namespaces %k8s.ns.name"),
	}),
	groupView("k8s.pod.id", View{
		ID: "kubernetes_pods", Name: "K8s Pods",
		Description:     "Kubernetes pods with the CPU, memory, file and network use of their containers.",
		AppliesTo:       []string{"", "evt.res", "k8s.rc.id", "k8s.rs.id", "k8s.svc.id", "k8s.ns.id"},
		DrilldownTarget: "containers",
		Columns:         k8sColumns("pod", true),
		Actions: kubectlActions("pods %k8s.pod.name", "pods %k8s.pod.name",
			Action{Hotkey: 'b', Command: "kubectl --namespace=%k8s.ns.name exec %k8s.pod.name -i -t -- /bin/bash", Description: "bash shell", AskConfirmation: false, WaitFinish: true},
			Action{Hotkey: 'l', Command: "kubectl --namespace=%k8s.ns.name logs %k8s.pod.name", Description: "log", AskConfirmation: false, WaitFinish: true},
			Action{Hotkey: 'f', Command: "kubectl --namespace=%k8s.ns.name logs -f %k8s.pod.name", Description: "follow log", AskConfirmation: false, WaitFinish: true},
			Action{Hotkey: 'o', Command: "kubectl --namespace=%k8s.ns.name logs -p %k8s.pod.name", Description: "previous log", AskConfirmation: false, WaitFinish: true},
		),
	}),
	groupView("k8s.rs.id", View{
		ID: "kubernetes_replicasets", Name: "K8s ReplicaSets",
		Description:     "Kubernetes replica sets with the resources their pods use.",
		AppliesTo:       []string{"", "evt.res", "k8s.pod.id", "k8s.svc.id", "k8s.ns.id"},
		DrilldownTarget: "kubernetes_pods",
		Columns:         k8sColumns("rs", true),
		Actions:         kubectlActions("rs %k8s.rs.name", "rs %k8s.rs.name"),
	}),
	groupView("k8s.svc.id", View{
		ID: "kubernetes_services", Name: "K8s Services",
		Description:     "Kubernetes services with the resources of the pods behind them.",
		AppliesTo:       []string{"", "evt.res", "k8s.pod.id", "k8s.rc.id", "k8s.rs.id", "k8s.ns.id"},
		DrilldownTarget: "kubernetes_pods",
		Columns:         k8sColumns("svc", true),
		Actions:         kubectlActions("services/%k8s.svc.name", "services %k8s.svc.name"),
	}),
	groupView("marathon.app.id", View{
		ID: "marathon_apps", Name: "Marathon Apps",
		Description:     "Marathon applications with the resources their tasks use.",
		AppliesTo:       []string{"", "evt.res", "marathon.group.id"},
		DrilldownTarget: "mesos_tasks",
		Columns: groupUsage("marathon.app.id",
			Column{Name: "ID", Field: "marathon.app.id", Size: 38},
			Column{Name: "LABELS", Field: "marathon.app.labels", Size: 0},
		),
	}),
	groupView("marathon.group.id", View{
		ID: "marathon_groups", Name: "Marathon Groups",
		Description:     "Marathon groups with the resources their applications use.",
		AppliesTo:       []string{"", "evt.res", "marathon.app.id"},
		DrilldownTarget: "marathon_apps",
		Columns: groupUsage("marathon.group.name",
			Column{Name: "ID", Field: "marathon.group.id", Size: 38},
		),
	}),
	groupView("mesos.framework.id", View{
		ID: "mesos_frameworks", Name: "Mesos Frameworks",
		Description:     "Mesos frameworks with the resources their tasks use.",
		AppliesTo:       []string{"", "evt.res", "mesos.task.id"},
		DrilldownTarget: "mesos_tasks",
		Columns: groupUsage("mesos.framework.name",
			Column{Name: "ID", Field: "mesos.framework.id", Size: 38},
			Column{Name: "NAME", Field: "mesos.framework.name", Size: 25},
		),
	}),
	groupView("mesos.task.id", View{
		ID: "mesos_tasks", Name: "Mesos Tasks",
		Description:     "Mesos tasks with the resources their processes use.",
		AppliesTo:       []string{"", "evt.res", "mesos.framework.id"},
		DrilldownTarget: "containers",
		Columns: groupUsage("mesos.task.id",
			Column{Name: "ID", Field: "mesos.task.id", Size: 38},
			Column{Name: "NAME", Field: "mesos.task.name", Size: 25},
			Column{Name: "LABELS", Field: "mesos.task.labels", Size: 0},
		),
	}),
	{
		ID: "notifications", Name: "Notifications",
		Description:     "Notification events written to /dev/null by instrumented programs, as a list.",
		Tags:            []string{"nocsysdig"},
		Kind:            ListView,
		AppliesTo:       []string{""},
		Filter:          "evt.type=notification",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 12},
			{Name: "ID", Field: "evt.arg.id", Size: 24},
			colContainer,
			{Name: "DESCRIPTION", Field: "evt.arg.desc", Size: 0},
		},
	},
	{
		ID: "page_faults", Name: "Page Faults",
		Description:     "Major and minor page faults per process.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		DrilldownTarget: "errors",
		PropagateFilter: true,
		Columns: []Column{
			colPIDKey,
			{Name: "MAJOR", Field: "thread.pfmajor", Size: 9, Sorting: true, Aggr: Max},
			{Name: "MINOR", Field: "thread.pfminor", Size: 9, Aggr: Max},
			{Name: "PID", Field: "proc.pid", Size: 8},
			colVPID,
			colContainer,
			colCommand,
		},
	},
	{
		ID: "port_bindings", Name: "Port bindings",
		Description:     "Every bind of a socket to a port, one line each, with the process.",
		Tags:            []string{"default", "wsysdig", "nocsysdig"},
		Kind:            ListView,
		AppliesTo:       []string{""},
		Filter:          "(evt.type=bind and evt.dir=< and (fd.type=ipv4 or fd.type=ipv6)) or (evt.type=close and evt.dir=> and fd.typechar=2 and fd.type=ipv4)",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 12},
			{Name: "OPERATION", Field: "evt.type", Size: 24},
			{Name: "PORT", Field: "fd.sport", Size: 24},
			colCommand,
		},
	},
	{
		ID: "procs", Name: "Processes",
		Description:     "The classic process list, as top shows it: CPU, memory, file and network use per process.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory", "fd.type"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		IsRoot:          true,
		DrilldownTarget: "threads",
		PropagateFilter: true,
		Columns: []Column{
			colThreadKey,
			{Name: "NA", Field: "proc.pid", Size: -1, GroupBy: true},
			{Name: "PID", Field: "proc.pid", Size: 7},
			{Name: "PPID", Field: "proc.ppid", Size: 7},
			colVPID,
			colCPU,
			{Name: "USER", Field: "user.name", Size: 12},
			{Name: "TH", Field: "proc.nthreads", Size: 5, Aggr: Max, GroupByAggr: Max},
			{Name: "VIRT", Field: "thread.vmsize.b", Size: 9, Aggr: Max, GroupByAggr: Max},
			{Name: "RES", Field: "thread.vmrss.b", Size: 9, Aggr: Max, GroupByAggr: Max},
			colFile,
			colNet,
			{Name: "CONTAINER", Field: "container.name", Size: 20, Tags: []string{"containers"}},
			colCommand,
		},
		Actions: procActions(
			Action{Hotkey: 'f', Command: "lsof -p %proc.pid", Description: "one-time lsof", AskConfirmation: false, WaitFinish: true},
			Action{Hotkey: '[', Command: "renice $(expr $(ps -h -p %proc.pid -o nice) + 1) -p %proc.pid", Description: "increment nice by 1", AskConfirmation: false, WaitFinish: false},
			Action{Hotkey: ']', Command: "renice $(expr $(ps -h -p %proc.pid -o nice) - 1) -p %proc.pid", Description: "decrement nice by 1", AskConfirmation: false, WaitFinish: false},
		),
	},
	{
		ID: "procs_cpu", Name: "Processes CPU",
		Description:     "CPU per process split into user and system time, with the number of system calls.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory", "fd.type"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		IsRoot:          true,
		DrilldownTarget: "threads",
		PropagateFilter: true,
		Columns: []Column{
			colThreadKey,
			{Name: "NA", Field: "proc.pid", Size: -1, GroupBy: true},
			{Name: "PID", Field: "proc.pid", Size: 8},
			colVPID,
			{Name: "TOT", Field: "thread.cpu", Size: 8, Sorting: true, Aggr: Avg, GroupByAggr: Sum},
			{Name: "USER", Field: "thread.cpu.user", Size: 8, Aggr: Avg, GroupByAggr: Sum},
			{Name: "SYS", Field: "thread.cpu.system", Size: 8, Aggr: Avg, GroupByAggr: Sum},
			{Name: "SYSCALLS", Field: "evt.count", Size: 9, Aggr: TimeAvg, GroupByAggr: Sum},
			{Name: "CONTAINER", Field: "container.name", Size: 20, Tags: []string{"containers"}},
			colCommand,
		},
		Actions: procActions(),
	},
	{
		ID: "procs_errors", Name: "Processes Errors",
		Description:     "Failed system calls per process, split into file, network, memory and other errors.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		DrilldownTarget: "errors",
		PropagateFilter: true,
		Columns: slices.Concat(
			[]Column{colPIDKey},
			errorColumns(false),
			[]Column{{Name: "PID", Field: "proc.pid", Size: 8}, colContainer, colCommand}),
		Actions: procActions(),
	},
	{
		ID: "procs_fd_usage", Name: "Processes FD Usage",
		Description:     "Open file descriptors per process against its limit.",
		Tags:            []string{"Default"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "fd.name", "fd.containername", "fd.sport", "fd.sproto", "evt.type", "fd.directory", "fd.containerdirectory", "fd.type"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		IsRoot:          true,
		DrilldownTarget: "io_by_type",
		PropagateFilter: true,
		Columns: []Column{
			colPIDKey,
			{Name: "PID", Field: "proc.pid", Size: 8},
			colVPID,
			{Name: "OPEN", Field: "proc.fdopencount", Size: 8, Sorting: true, Aggr: Max},
			{Name: "MAX", Field: "proc.fdlimit", Size: 8, Aggr: Max},
			{Name: "PCT", Field: "proc.fdusage", Size: 8, Aggr: Max},
			{Name: "The container this process belongs to.", Field: "container.name", Size: 20, Tags: []string{"containers"}},
			colCommand,
		},
		Actions: procActions(),
	},
	{
		ID: "slow_io", Name: "Slow File I/O",
		Description:     "File reads and writes that took longer than a millisecond, one line each.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name"),
		Filter:          "evt.is_io=true and fd.type=file and (not fd.name contains '/dev/') and evt.latency>1000000",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "evt.rawtime", Size: -1, Key: true},
			{Name: "TIME", Field: "evt.time", Size: 12},
			{Name: "LATENCY", Field: "evt.latency", Size: 8, Sorting: true},
			{Name: "FILENAME", Field: "fd.name", Size: 32},
			colContainer,
			{Name: "PID", Field: "proc.pid", Size: 12},
			colCommand,
		},
	},
	{
		ID: "spans_list", Name: "Spans List",
		Description:            "Tracer spans, one line each, with their duration and arguments.",
		Tags:                   []string{"Default"},
		Kind:                   TableView,
		AppliesTo:              appliesTo("span.tag", "span.id", "span.time", "span.parenttime", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:                 "span.ntags>=%depth+1",
		UseDefaults:            true,
		DrilldownTarget:        "spans_list",
		DrilldownIncreaseDepth: true,
		PropagateFilter:        true,
		Columns:                spanListColumns(),
	},
	{
		ID: "spans_summary", Name: "Spans Summary",
		Description:            "Tracer spans grouped by tag: hits and average, minimum and maximum duration.",
		Tags:                   []string{"Default"},
		Kind:                   TableView,
		AppliesTo:              appliesTo("span.tag", "span.id", "span.time", "span.parenttime", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:                 "span.ntags>=%depth+1",
		UseDefaults:            true,
		DrilldownTarget:        "spans_summary",
		DrilldownIncreaseDepth: true,
		PropagateFilter:        true,
		SpectroType:            "tracers",
		Columns:                spanSummaryColumns(),
	},
	{
		ID: "spectro_all", Name: "Spectrogram-All",
		Description:     "Latency of every system call over time, as a spectrogram.",
		Kind:            SpectroView,
		AppliesTo:       []string{"evt.type"},
		Filter:          "evt.dir=<",
		PropagateFilter: true,
		Columns:         spectroColumns("evt.latency.quantized", 8),
	},
	{
		ID: "spectro_file", Name: "Spectrogram-File",
		Description:     "Latency of file I/O calls over time, as a spectrogram.",
		Kind:            SpectroView,
		AppliesTo:       slices.Concat([]string{"", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name", "evt.res"}, orchestratorIDs, []string{"fd.name", "fd.containername", "fd.directory", "fd.containerdirectory", "fd.containerdirectory"}),
		Filter:          "evt.dir=< and fd.type=file",
		PropagateFilter: true,
		Columns:         spectroColumns("evt.latency.quantized", 8),
	},
	{
		ID: "spectro_traces", Name: "Traces Spectrogram",
		Description:     "Latency of tracer spans over time, as a spectrogram.",
		Kind:            SpectroView,
		AppliesTo:       slices.Concat([]string{"", "span.tag", "span.id", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name", "evt.res"}, orchestratorIDs, []string{"fd.name", "fd.containername", "fd.directory", "fd.containerdirectory", "fd.containerdirectory"}),
		Filter:          "span.ntags=%depth+1",
		DrilldownTarget: "spans_list",
		Columns:         spectroColumns("span.duration.quantized", -1),
	},
	{
		ID: "sports", Name: "Server Ports",
		Description:     "Server ports (the local port of accepted connections): bytes each way and I/O calls.",
		Tags:            []string{"wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name", "evt.res"),
		Filter:          "(fd.type=ipv4 or fd.type=ipv6) and fd.name!=''",
		UseDefaults:     true,
		DrilldownTarget: "connections",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "fd.sport", Size: -1, Key: true},
			{Name: "SPORT", Field: "fd.sport", Size: 8},
			{Name: "BPS IN", Field: "evt.buflen.net.in", Size: 12, Sorting: true, Aggr: TimeAvg},
			{Name: "BPS OUT", Field: "evt.buflen.net.out", Size: 12, Aggr: TimeAvg},
			{Name: "IO CALLS", Field: "evt.count", Size: 12, Aggr: Sum},
		},
		Actions: []Action{
			{Hotkey: 't', Command: "tcpdump -niany port %fd.sport", Description: "tcpdump port", AskConfirmation: false, WaitFinish: false},
		},
	},
	{
		ID: "spy_syslog", Name: "Spy Syslog",
		Description:     "Messages written to syslog, one line each, with facility and severity.",
		Tags:            []string{"Default"},
		Kind:            ListView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto"),
		Filter:          "fd.name contains /dev/log and evt.is_io_write=true and evt.dir=< and evt.failed=false",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "PID", Field: "proc.pid", Size: 8},
			{Name: "PROC", Field: "proc.name", Size: 8},
			{Name: "FAC", Field: "syslog.facility.str", Size: 8},
			{Name: "SEV", Field: "syslog.severity.str", Size: 8},
			colContainer,
			{Name: "MESSAGE", Field: "syslog.message", Size: 0},
		},
	},
	{
		ID: "spy_users", Name: "Spy Users",
		Description:     "Commands run by interactive users in their shells, one line each.",
		Tags:            []string{"Default"},
		Kind:            ListView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name"),
		Filter:          "((evt.type=execve and evt.dir=<) or (evt.type=chdir and evt.dir=< and proc.name contains sh and not proc.name contains sshd)) and evt.failed=false",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			{Name: "TIME", Field: "evt.time", Size: 12},
			{Name: "USER", Field: "user.name", Size: 12},
			{Name: "SHELL", Field: "proc.ppid", Size: 8},
			colContainer,
			colCommand,
		},
	},
	{
		ID: "spy_users_wsysdig", Name: "Spy Users",
		Description:     "Commands run by interactive users in their shells, one line each.",
		Tags:            []string{"Default", "wsysdig", "nocsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "thread.tid", "proc.name"),
		Filter:          "((evt.type=execve and evt.dir=<) or (evt.type=chdir and evt.dir=< and proc.name contains sh and not proc.name contains sshd)) and evt.failed=false",
		UseDefaults:     true,
		DrilldownTarget: "threads",
		Columns: []Column{
			{Name: "NA", Field: "thread.nametid", Size: -1, Key: true},
			{Name: "TIME", Field: "evt.time", Size: 12, Sorting: true},
			{Name: "USER", Field: "user.name", Size: 12},
			{Name: "SHELL", Field: "proc.ppid", Size: 8},
			colContainer,
			colCommand,
		},
	},
	{
		ID: "syscall_procs", Name: "Syscall Callers",
		Description:     "The processes that make a system call, with its rate and time.",
		Tags:            []string{"Default"},
		Kind:            TableView,
		AppliesTo:       []string{"evt.type"},
		Filter:          "syscall.type exists",
		UseDefaults:     true,
		PropagateFilter: true,
		Columns: []Column{
			colPIDKey,
			{Name: "CALLS/S", Field: "evt.count", Size: 10, Sorting: true, Aggr: TimeAvg},
			{Name: "TIME", Field: "evt.latency", Size: 10, Aggr: Sum},
			colContainer,
			colCommand,
		},
	},
	{
		ID: "syscalls", Name: "System Calls",
		Description:     "System calls by type: calls per second, total and average time.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.sport", "fd.sproto", "fd.name", "fd.containername", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:          "syscall.type exists",
		UseDefaults:     true,
		DrilldownTarget: "syscall_procs",
		PropagateFilter: true,
		Columns: []Column{
			{Name: "NA", Field: "evt.type", Size: -1, Key: true},
			{Name: "CALLS/S", Field: "evt.count", Size: 10, Sorting: true, Aggr: TimeAvg},
			{Name: "TOT TIME", Field: "evt.latency", Size: 10, Aggr: Sum},
			{Name: "AVG TIME", Field: "evt.latency", Size: 10, Aggr: Avg},
			{Name: "SYSCALL", Field: "evt.type", Size: 32, Aggr: Sum},
		},
	},
	{
		ID: "threads", Name: "Threads",
		Description:     "Threads with their CPU, file and network use.",
		Tags:            []string{"Default", "wsysdig"},
		Kind:            TableView,
		AppliesTo:       appliesTo("", "proc.pid", "thread.nametid", "proc.name", "container.id", "fd.sport", "fd.sproto", "fd.name", "fd.containername", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:          "evt.type!=switch",
		UseDefaults:     true,
		IsRoot:          true,
		DrilldownTarget: "files",
		PropagateFilter: true,
		Columns: []Column{
			colThreadKey,
			{Name: "PID", Field: "proc.pid", Size: 8},
			{Name: "TID", Field: "thread.tid", Size: 8},
			colVPID,
			{Name: "VTID", Field: "thread.vtid", Size: 8, Tags: []string{"containers"}},
			{Name: "CPU", Field: "thread.cpu", Size: 8, Sorting: true, Aggr: Avg},
			{Name: "FILE", Field: "evt.buflen.file", Size: 8, Aggr: TimeAvg},
			{Name: "NET", Field: "evt.buflen.net", Size: 8, Aggr: TimeAvg},
			colContainer,
			colCommand,
		},
	},
	{
		ID: "traces_list", Name: "Traces List",
		Description:            "Tracer spans at the top of their tree, one line each.",
		Tags:                   []string{"Default"},
		Kind:                   TableView,
		AppliesTo:              appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:                 "span.ntags>=%depth+1",
		DrilldownTarget:        "spans_list",
		DrilldownIncreaseDepth: true,
		PropagateFilter:        true,
		Columns:                spanListColumns(),
	},
	{
		ID: "traces_summary", Name: "Traces Summary",
		Description:            "Tracer spans at the top of their tree, grouped by tag.",
		Tags:                   []string{"Default"},
		Kind:                   TableView,
		AppliesTo:              appliesTo("", "container.id", "proc.pid", "thread.nametid", "proc.name", "thread.tid", "fd.directory", "fd.containerdirectory", "evt.res"),
		Filter:                 "span.ntags>=%depth+1",
		UseDefaults:            true,
		DrilldownTarget:        "spans_summary",
		DrilldownIncreaseDepth: true,
		PropagateFilter:        true,
		SpectroType:            "tracers",
		Columns:                spanSummaryColumns(),
	},
}

// Columns and actions many views share.
var (
	colThreadKey = Column{Name: "NA", Field: "thread.tid", Size: -1, Key: true}
	colPIDKey    = Column{Name: "NA", Field: "proc.pid", Size: -1, Key: true}
	colVPID      = Column{Name: "VPID", Field: "proc.vpid", Size: 8, Tags: []string{"containers"}}
	colContainer = Column{Name: "Container", Field: "container.name", Size: 20, Tags: []string{"containers"}}
	colCommand   = Column{Name: "Command", Field: "proc.exeline", Size: 0, Aggr: Max}
	colCPU       = Column{Name: "CPU", Field: "thread.cpu", Size: 8, Sorting: true, Aggr: Avg, GroupByAggr: Sum}
	colVirt      = Column{Name: "VIRT", Field: "thread.vmsize.b", Size: 9, Aggr: Max, GroupByAggr: Sum}
	colRes       = Column{Name: "RES", Field: "thread.vmrss.b", Size: 9, Aggr: Max, GroupByAggr: Sum}
	colFile      = Column{Name: "FILE", Field: "evt.buflen.file", Size: 8, Aggr: TimeAvg, GroupByAggr: Sum}
	colNet       = Column{Name: "NET", Field: "evt.buflen.net", Size: 8, Aggr: TimeAvg, GroupByAggr: Sum}
)

// orchestratorIDs are the Kubernetes, Marathon and Mesos object ids
// most views apply to, after their own keys.
var orchestratorIDs = []string{"k8s.pod.id", "k8s.rc.id", "k8s.rs.id", "k8s.svc.id", "k8s.ns.id", "marathon.app.id", "marathon.group.name", "mesos.task.id", "mesos.framework.name"}

// appliesTo returns keys, then orchestratorIDs.
func appliesTo(keys ...string) []string { return slices.Concat(keys, orchestratorIDs) }

// groupUsage returns the columns of a view that groups threads by
// groupBy (a container, pod, service...): CPU, memory, file and network
// use summed per group, then rest.
func groupUsage(groupBy string, rest ...Column) []Column {
	cols := []Column{colThreadKey, {Name: "NA", Field: groupBy, Size: -1, GroupBy: true}, colCPU, colVirt, colRes, colFile, colNet}
	return append(cols, rest...)
}

// procActions returns the hotkeys of the process views, then extra.
func procActions(extra ...Action) []Action {
	return append([]Action{
		{Hotkey: '9', Command: "kill -9 %proc.pid", Description: "kill -9", AskConfirmation: true, WaitFinish: false},
		{Hotkey: 'c', Command: "gcore %proc.pid", Description: "generate core", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'g', Command: "gdb -p %proc.pid", Description: "gdb attach", AskConfirmation: false, WaitFinish: false},
		{Hotkey: 'k', Command: "kill %proc.pid", Description: "kill", AskConfirmation: true, WaitFinish: false},
		{Hotkey: 'l', Command: "ltrace -p %proc.pid", Description: "ltrace", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 's', Command: "gdb -p %proc.pid --batch --quiet -ex \"thread apply all bt full\" -ex \"quit\"", Description: "print stack", AskConfirmation: false, WaitFinish: true},
	}, extra...)
}

// dockerActions returns the hotkeys of the container views; s is the
// one of 's' (csysdig's views differ there).
func dockerActions(s Action) []Action {
	return []Action{
		{Hotkey: 'a', Command: "docker attach %container.id", Description: "docker attach", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'b', Command: "docker exec -i -t %container.id /bin/bash", Description: "bash shell", AskConfirmation: false, WaitFinish: false},
		{Hotkey: 'f', Command: "docker logs -f %container.id", Description: "follow logs", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'h', Command: "docker history %container.image", Description: "image history", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'i', Command: "docker inspect %container.id", Description: "docker inspect", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'k', Command: "docker kill %container.id", Description: "docker kill", AskConfirmation: true, WaitFinish: true},
		{Hotkey: 'l', Command: "docker logs %container.id", Description: "docker logs", AskConfirmation: false, WaitFinish: true},
		s,
		{Hotkey: 'z', Command: "docker pause %container.id", Description: "docker pause", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'u', Command: "docker unpause %container.id", Description: "docker unpause", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'w', Command: "docker wait %container.id", Description: "docker wait", AskConfirmation: false, WaitFinish: true},
	}
}

// k8sColumns returns the columns of the view of Kubernetes objects obj
// (pod, svc, ...): their resources, id, name, namespace when namespaced,
// and labels.
func k8sColumns(obj string, namespaced bool) []Column {
	cols := []Column{{Name: "ID", Field: "k8s." + obj + ".id", Size: 38}, {Name: "NAME", Field: "k8s." + obj + ".name", Size: 25}}
	if namespaced {
		cols = append(cols, Column{Name: "NAMESPACE", Field: "k8s.ns.name", Size: 20})
	}
	cols = append(cols, Column{Name: "LABELS", Field: "k8s." + obj + ".labels", Size: 0})
	return groupUsage("k8s."+obj+".id", cols...)
}

// kubectlActions returns the describe and delete hotkeys of a Kubernetes
// view (the kubectl arguments after the verb), then extra.
func kubectlActions(describe, del string, extra ...Action) []Action {
	return append([]Action{
		{Hotkey: 'd', Command: "kubectl --namespace=%k8s.ns.name describe " + describe, Description: "describe", AskConfirmation: false, WaitFinish: true},
		{Hotkey: 'x', Command: "kubectl --namespace=%k8s.ns.name delete " + del, Description: "delete", AskConfirmation: false, WaitFinish: true},
	}, extra...)
}

// fileIOColumns returns the columns of the file I/O views: key (and
// containerKey in container mode), bytes each way, operations, opens,
// errors, and key again as the column named name.
func fileIOColumns(key, containerKey, name string) []Column {
	return []Column{
		{Name: "NA", Field: key, Size: -1, Key: true, Tags: []string{"default"}},
		{Name: "NA", Field: containerKey, Size: -1, Key: true, Tags: []string{"containers"}},
		{Name: "BYTES IN", Field: "evt.buflen.file.in", Size: 12, Aggr: Sum},
		{Name: "BYTES OUT", Field: "evt.buflen.file.out", Size: 12, Aggr: Sum},
		{Name: "OPS", Field: "evt.count.exit", Size: 9, Sorting: true, Aggr: Sum},
		{Name: "OPENS", Field: "evt.type.is.3", Size: 9, Aggr: Sum},
		{Name: "ERRORS", Field: "evt.count.error", Size: 9, Aggr: Sum},
		colContainer,
		{Name: name, Field: key, Size: 0},
	}
}

// errorColumns returns the failed system call counts by category,
// summed per group too when grouped.
func errorColumns(grouped bool) []Column {
	var g Aggregation
	if grouped {
		g = Sum
	}
	return []Column{
		{Name: "FILE", Field: "evt.count.error.file", Size: 8, Aggr: Sum, GroupByAggr: g},
		{Name: "NET", Field: "evt.count.error.net", Size: 8, Aggr: Sum, GroupByAggr: g},
		{Name: "MEMORY", Field: "evt.count.error.memory", Size: 8, Aggr: Sum, GroupByAggr: g},
		{Name: "OTHER", Field: "evt.count.error.other", Size: 8, Aggr: Sum, GroupByAggr: g},
	}
}

// spanListColumns are the columns of the lists of tracer spans: one row
// per span, its children shown on drill-down.
func spanListColumns() []Column {
	return []Column{
		{Name: "NA", Field: "span.rawtime", Size: -1, FilterField: "span.rawparenttime", Key: true, ChildOnly: true},
		{Name: "ID", Field: "span.id", Size: 10},
		{Name: "TIME", Field: "span.time", Size: 19},
		{Name: "DURATION", Field: "span.duration.fortag[%depth]", Size: 10, Sorting: true, Aggr: Avg},
		{Name: "TAG", Field: "span.tag[%depth]", Size: 32, Aggr: Sum},
		{Name: "ARGS", Field: "span.enterargs", Size: 256, Aggr: Sum},
	}
}

// spanSummaryColumns are the columns of the summaries of tracer spans:
// one row per tag at the current depth.
func spanSummaryColumns() []Column {
	return []Column{
		{Name: "NA", Field: "span.tag[%depth]", Size: -1, Key: true},
		{Name: "HITS", Field: "span.count.fortag[%depth]", Size: 10, Sorting: true, Aggr: Sum},
		{Name: "AVG TIME", Field: "span.duration.fortag[%depth]", Size: 10, Aggr: Avg},
		{Name: "MIN TIME", Field: "span.duration.fortag[%depth]", Size: 10, Aggr: Min},
		{Name: "MAX TIME", Field: "span.duration.fortag[%depth]", Size: 10, Aggr: Max},
		{Name: "CHD HITS", Field: "span.childcount.fortag[%depth]", Size: 10, Aggr: Sum},
		{Name: "TAG", Field: "span.tag[%depth]", Size: 256, Aggr: Sum},
	}
}

// spectroColumns are the columns of a spectrogram of the quantized
// latency field; countSize is the width of its COUNT column.
func spectroColumns(latency string, countSize int32) []Column {
	return []Column{
		{Name: "NA", Field: latency, Size: -1, Key: true},
		{Name: "LATENCY", Field: latency, Size: -1},
		{Name: "COUNT", Field: "evt.count", Size: countSize, Aggr: Sum},
	}
}

// groupView completes v, a table of the resources used per orchestrator
// object (pod, service, Mesos task...), for the objects whose field
// idField is set.
func groupView(idField string, v View) View {
	v.Kind = TableView
	v.Filter = idField + " != ''"
	v.UseDefaults = true
	v.PropagateFilter = true
	return v
}
