package chart

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func TestWrapAndTruncate(t *testing.T) {
	sty := textStyle(plot.New(), footerSize, nil)
	width := sty.Width("Data: Levada Center,")
	assert.Equal(t, []string{"Data: Levada Center,", "VTsIOM, FOM;", "analysis: candor"}, wrap("Data: Levada Center, VTsIOM, FOM; analysis: candor", sty, width))
	assert.Equal(t, []string{"a", "Supercalifragilisticexpialidocious", "b"}, wrap("a Supercalifragilisticexpialidocious b", sty, sty.Width("a b")),
		"a word wider than the width gets a line of its own")
	assert.Empty(t, wrap("  ", sty, width))

	assert.Equal(t, "Левада-Центр", truncate("Левада-Центр", sty, width))
	short := truncate("Global Strategy Group/GBAO (Navigator Research)", sty, width)
	assert.True(t, strings.HasPrefix(short, "Global Strategy") && strings.HasSuffix(short, "…"), short)
	assert.LessOrEqual(t, sty.Width(short), width)
	assert.Greater(t, sty.Width(truncate("Global Strategy Group/GBAO (Navigator Research)", sty, width+sty.Width("MM"))), width, "as long as fits")
	assert.Equal(t, "", truncate("abc", sty, vg.Points(0.1)))
	long := strings.Repeat("ж", 100_000)
	assert.LessOrEqual(t, sty.Width(truncate(long, sty, width)), width)
}
