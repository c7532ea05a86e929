package chart

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValueTicks(t *testing.T) {
	tests := []struct {
		min, max float64
		want     []string
	}{
		{31, 89, []string{"40", "50", "60", "70", "80"}},
		{60, 90, []string{"60", "65", "70", "75", "80", "85", "90"}},
		{-7.9, 0.7, []string{"-6", "-4", "-2", "0"}},
		{-8.5, 7.5, []string{"-5", "0", "5"}}, // not -7.5, -5, …: no step of 2.5
		{0.1, 0.35, []string{"0.10", "0.15", "0.20", "0.25", "0.30", "0.35"}},
		{49, 51, []string{"49.0", "49.5", "50.0", "50.5", "51.0"}},
	}
	for _, tt := range tests {
		var labels []string
		for _, tk := range (valueTicks{}).Ticks(tt.min, tt.max) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		assert.Equal(t, tt.want, labels, "range %g–%g", tt.min, tt.max)
	}
}
