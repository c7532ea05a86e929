package data

import (
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
