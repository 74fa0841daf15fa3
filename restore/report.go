package restore

import (
	"encoding/csv"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Report file names Write writes.
const (
	ReportFile = "restore-report.json"
	SubMapFile = "sub-map.csv" // old_sub,new_sub: one restored user a line
)

// Write writes the report (JSON) and, beside it, the old-to-new sub map
// (CSV with a header, sorted by old sub) into dir, readable by the owner
// only: they name users.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ReportFile), append(b, '\n'), 0o600); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, SubMapFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"old_sub", "new_sub"})
	for _, old := range slices.Sorted(maps.Keys(r.SubMap)) {
		w.Write([]string{old, r.SubMap[old]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
