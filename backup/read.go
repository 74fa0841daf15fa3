package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Read reads every record of kind in the backup of m from store, checking
// each part's SHA-256 and record count against the manifest, and calls f
// with each line (a Group, User or Member as JSON).
func Read(ctx context.Context, store Store, m *Manifest, kind string, f func(line []byte) error) error {
	for _, p := range m.Parts {
		if p.Kind != kind {
			continue
		}
		b, err := store.Get(ctx, p.Name)
		if err != nil {
			return fmt.Errorf("backup: %s: %w", p.Name, err)
		}
		if got := digest(b); got != p.SHA256 {
			return fmt.Errorf("backup: %s has SHA-256 %s; the manifest says %s (changed or damaged)", p.Name, got, p.SHA256)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		n := 0
		for sc.Scan() {
			n++
			if err := f(sc.Bytes()); err != nil {
				return fmt.Errorf("backup: %s line %d: %w", p.Name, n, err)
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("backup: %s: %w", p.Name, err)
		}
		if n != p.Records {
			return fmt.Errorf("backup: %s has %d records; the manifest says %d", p.Name, n, p.Records)
		}
	}
	return nil
}

// Each reads every record of kind into T (Group, User or Member).
func Each[T any](ctx context.Context, store Store, m *Manifest, kind string, f func(T) error) error {
	return Read(ctx, store, m, kind, func(line []byte) error {
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			return err
		}
		return f(v)
	})
}

// ReadPool reads pool.json, checking its SHA-256.
func ReadPool(ctx context.Context, store Store, m *Manifest) (*PoolConfig, error) {
	b, err := store.Get(ctx, PoolFile)
	if err != nil {
		return nil, fmt.Errorf("backup: %s: %w", PoolFile, err)
	}
	if digest(b) != m.Pool.SHA256 {
		return nil, fmt.Errorf("backup: %s does not match the manifest's SHA-256 (changed or damaged)", PoolFile)
	}
	var pc PoolConfig
	if err := json.Unmarshal(b, &pc); err != nil {
		return nil, fmt.Errorf("backup: %s: %w", PoolFile, err)
	}
	return &pc, nil
}
