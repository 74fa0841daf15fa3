// Package hashindex is a static open-addressing hash table over a newline-
// separated list of strings, stored as bytes so it can be embedded as
// read-only data and used without any start-up work.
package hashindex

import "encoding/binary"

// Each slot of an index is a little-endian uint32: the byte offset of a line
// of the list, or Empty. Slots are probed linearly from Hash(s) & (slots-1).

// Empty marks an unused slot.
const Empty = 0xFFFFFFFF

// Hash is 32-bit FNV-1a, the hash of the index.
func Hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Build returns the index for list (one domain per line; lines starting
// with '#' are skipped), with a power-of-two number of slots at most half full.
func Build(list string) []byte {
	var offsets []uint32
	for off := 0; off < len(list); {
		end := off
		for end < len(list) && list[end] != '\n' {
			end++
		}
		if end > off && list[off] != '#' {
			offsets = append(offsets, uint32(off))
		}
		off = end + 1
	}
	slots := 1
	for slots < 2*len(offsets) {
		slots <<= 1
	}
	table := make([]byte, 4*slots)
	for i := range slots {
		binary.LittleEndian.PutUint32(table[4*i:], Empty)
	}
	for _, off := range offsets {
		d := line(list, off)
		for s := Hash(d) & uint32(slots-1); ; s = (s + 1) & uint32(slots-1) {
			if binary.LittleEndian.Uint32(table[4*s:]) == Empty {
				binary.LittleEndian.PutUint32(table[4*s:], off)
				break
			}
		}
	}
	return table
}

// Contains reports whether s is a line of list, using index (from Build).
func Contains(list, index, s string) bool {
	slots := uint32(len(index) / 4)
	if slots == 0 {
		return false
	}
	for slot := Hash(s) & (slots - 1); ; slot = (slot + 1) & (slots - 1) {
		i := 4 * slot
		off := uint32(index[i]) | uint32(index[i+1])<<8 | uint32(index[i+2])<<16 | uint32(index[i+3])<<24
		if off == Empty {
			return false
		}
		if line(list, off) == s {
			return true
		}
	}
}

func line(list string, off uint32) string {
	end := int(off)
	for end < len(list) && list[end] != '\n' {
		end++
	}
	return list[off:end]
}
