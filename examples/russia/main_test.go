package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReport(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, run(&b, t.TempDir()))
	out := b.String()
	for _, want := range []string{
		"Levada.csv                            Levada    301    1999-08  2024-08  0",
		"putin-approval-fom.csv                FOM       374    2013-02  2020-08  0",
		// The ten NA weeks of the VTsIOM file are reported, not dropped silently.
		"vciom-presidential-approval-2006.csv  VTsIOM    707    2006-01  2020-08  10",
		"vciom-presidential-approval-2006.csv:line 96, column 2",
	} {
		assert.Contains(t, out, want)
	}
}
