package poll

import "strings"

// cell is one table cell as read, with where it stands in the source so
// that errors can name the line and column. Text is already decoded to
// UTF-8 and unquoted, but not otherwise normalised.
type cell struct {
	Text      string
	Line, Col int // 1-based; Col counts fields for CSV, cells for HTML tables
}

// table is a grid of cells read from a CSV/TSV export or an HTML <table>,
// the common input of the layout detectors. Rows may be ragged.
type table struct {
	Title string   // caption, heading or question text found before the table, if any
	Lead  []string // free text between the previous table and this one, in order (HTML only)
	Notes []string // free text around the table (methodology blocks), in order
	Rows  [][]cell
}

// nonEmptyCells counts the cells of row holding more than white space.
func nonEmptyCells(row []cell) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c.Text) != "" {
			n++
		}
	}
	return n
}
