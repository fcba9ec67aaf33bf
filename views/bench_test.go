package views

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/pipeline"
)

// BenchmarkProcsRaw runs the procs view over libs_sample.scap in --raw
// mode (reading, state, the view's filter, the table and its output).
func BenchmarkProcsRaw(b *testing.B) {
	c := filepath.Join(difftest.RequireShared(b), "scaps", "libs_sample.scap")
	set := Load([]string{BuiltinDir}, Options{})
	idx := set.Index("procs")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ctx := fields.NewCtx()
		r := &Runner{Set: set, View: idx, Mode: OutRaw, Out: bufio.NewWriter(io.Discard), Ctx: ctx}
		p := pipeline.New(pipeline.Options{Ctx: ctx, Quiet: true, Sinks: []pipeline.Sink{r}})
		if err := p.ReadFiles(context.Background(), []string{c}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuiltinViewsMatchFiles checks that the built-in views have the
// facts of csysdig's view files when those are installed.
func TestBuiltinViewsMatchFiles(t *testing.T) {
	dir := "/usr/share/sysdig/chisels/"
	files, _ := filepath.Glob(dir + "v_*.lua")
	if len(files) == 0 {
		t.Skip("sysdig's view files are not installed; skipping")
	}
	fromFiles := Load([]string{dir}, Options{JSON: true})
	builtin := Load([]string{chisels.BuiltinDir}, Options{JSON: true})
	if len(fromFiles.Views) != len(builtin.Views) {
		t.Fatalf("%d views from files, %d built in", len(fromFiles.Views), len(builtin.Views))
	}
	for _, fv := range fromFiles.Views {
		bv := builtin.ByID(fv.ID)
		if bv == nil {
			t.Errorf("view %s is not built in", fv.ID)
			continue
		}
		if fv.Name != bv.Name || fv.Filter != bv.Filter || fv.Kind != bv.Kind || fv.DrilldownTarget != bv.DrilldownTarget ||
			fv.SortCol != bv.SortCol || fv.UseDefaults != bv.UseDefaults || fv.IsRoot != bv.IsRoot || len(fv.Columns) != len(bv.Columns) {
			t.Errorf("view %s differs from its file", fv.ID)
			continue
		}
		for j := range fv.Columns {
			a, b := fv.Columns[j], bv.Columns[j]
			if a.Name != b.Name || a.Field != b.Field || a.Size != b.Size || a.Aggr != b.Aggr || a.GroupByAggr != b.GroupByAggr ||
				a.Key != b.Key || a.GroupBy != b.GroupBy || a.FilterField != b.FilterField {
				t.Errorf("view %s column %d: file %+v, built in %+v", fv.ID, j, a, b)
			}
		}
	}
}
