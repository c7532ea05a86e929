package data

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	s, err := Load()
	require.NoError(t, err)
	n := map[string]int{}
	for _, p := range s.Polls {
		n[p.Pollster]++
	}
	assert.Equal(t, map[string]int{"Levada": 301, "FOM": 374, "VTsIOM": 707}, n)
	assert.Len(t, s.Rejected["vciom-presidential-approval-2006.csv"], 10)
	for i := 1; i < len(s.Polls); i++ {
		require.False(t, s.Polls[i].End.Before(s.Polls[i-1].End), "sorted by end date")
	}
}

// TestCopies checks that every embedded file is an unmodified copy of
// the repository's testdata (SOURCES.md).
func TestCopies(t *testing.T) {
	entries, err := fs.ReadDir(FS(), ".")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		emb, err := fs.ReadFile(FS(), e.Name())
		require.NoError(t, err)
		orig := filepath.Join("..", "..", "..", "testdata", "russia", e.Name())
		if strings.HasPrefix(e.Name(), "2024") {
			orig = filepath.Join("..", "..", "..", "testdata", "elections", e.Name())
		}
		b, err := os.ReadFile(orig)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(b, emb), "%s differs from %s", e.Name(), orig)
	}
	assert.ElementsMatch(t, []string{"Levada.csv", "putin-approval-fom.csv", "vciom-presidential-approval-2006.csv", Election2024, Election2024Remote}, names)
}
