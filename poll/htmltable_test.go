package poll

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadHTMLTablesPositions(t *testing.T) {
	page := "<html>\n" + // 1
		"<body>\n" + // 2
		"<p>НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ АНО «ЛЕВАДА-ЦЕНТР». 18+</p>\n" + // 3
		"<h2>Title &amp; more</h2>\n" + // 4
		"<table>\n" + // 5
		"<thead><tr><th>&nbsp;</th><th colspan=\"2\">08.2020</th></tr></thead>\n" + // 6
		"<tbody>\n" + // 7
		"<tr><td rowspan=\"2\"><span>Одобряю</span></td>\n" + // 8
		"<td>\n" + // 9
		"  66</td><td>6<sup>1</sup>7</td></tr>\n" + // 10
		"<tr><td>1<br>2</td></tr>\n" + // 11
		"</tbody></table>\n" + // 12
		"<p>After\n the table.</p>\n" + // 13-14
		"<table><caption>Cap</caption><tr><td>x</td><td><table><tr><td>inner</td></tr></table></td></tr></table>\n" + // 15
		"<script>var a = [1];\n</script>\n" + // 16-17
		"<p>The ANO Levada Center is included in the registry of non-commercial organizations acting as foreign agents.</p>\n" +
		"</body></html>"
	doc, _ := readHTMLTables([]byte(page), nil)
	require.Len(t, doc.Tables, 3)
	t0 := doc.Tables[0]
	assert.Equal(t, "Title & more", t0.Title)
	assert.Equal(t, []string{"After the table."}, t0.Notes)
	require.Len(t, t0.Rows, 3)
	// &nbsp; alone is blank; colspan repeats an empty cell.
	assert.Equal(t, []cell{{"", 6, 1}, {"08.2020", 6, 2}, {"", 6, 3}}, t0.Rows[0])
	// The cell's line is that of its first text, two lines below its <td>;
	// <sup> footnote marks are dropped.
	assert.Equal(t, []cell{{"Одобряю", 8, 1}, {"66", 10, 2}, {"67", 10, 3}}, t0.Rows[1])
	// rowspan leaves an aligned placeholder; <br> is a space.
	assert.Equal(t, []cell{{"", 11, 1}, {"1 2", 11, 2}}, t0.Rows[2])

	// Tables are in document order; the outer table starts first.
	assert.Equal(t, "Cap", doc.Tables[1].Title)
	assert.Equal(t, "x", doc.Tables[1].Rows[0][0].Text)
	assert.Equal(t, "inner", doc.Tables[2].Rows[0][0].Text)

	require.Len(t, doc.Scripts, 1)
	assert.Equal(t, 16, doc.Scripts[0].Line)

	// Neither banner is text.
	for _, b := range doc.Text {
		assert.NotContains(t, b.Text, "ИНОСТРАННЫМ")
		assert.NotContains(t, b.Text, "foreign agents")
	}
	assert.Equal(t, textBlock{"Title & more", 4}, doc.Text[0])
}

// Browsers' leniency: unclosed cells and rows, no <tr>, stray text.
func TestReadHTMLTablesLenient(t *testing.T) {
	doc, _ := readHTMLTables([]byte("<table><td>a<td>b<tr><td>c</table><table><tr><td>d"), nil)
	require.Len(t, doc.Tables, 2)
	assert.Equal(t, [][]cell{{{"a", 1, 1}, {"b", 1, 2}}, {{"c", 1, 1}}}, doc.Tables[0].Rows)
	assert.Equal(t, [][]cell{{{"d", 1, 1}}}, doc.Tables[1].Rows)
}

func TestLooksLikeHTML(t *testing.T) {
	assert.True(t, looksLikeHTML([]byte("  <!DOCTYPE html><html>")))
	assert.True(t, looksLikeHTML([]byte("<table><tr><td>1</td></tr></table>")))
	assert.False(t, looksLikeHTML([]byte(";08.2020\nОдобряю;66\n")))
	assert.False(t, looksLikeHTML([]byte("<not html>;1;2\n")))
}

// Hostile spans are bounded: every cell spanning 1000 × 1000 must neither
// exhaust memory nor take long.
func TestReadHTMLTablesSpanBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("<table>")
	for i := 0; i < 2000; i++ {
		b.WriteString(`<tr><td colspan="1000" rowspan="1000">x</td><td>1</td></tr>`)
	}
	b.WriteString("</table>")
	doc, _ := readHTMLTables([]byte(b.String()), nil)
	require.Len(t, doc.Tables, 1)
	cells := 0
	for _, r := range doc.Tables[0].Rows {
		cells += len(r)
	}
	assert.Less(t, cells, maxSpanCells+2*2000+1)
}
