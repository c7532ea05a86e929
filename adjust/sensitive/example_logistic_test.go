package sensitive_test

import (
	"fmt"

	"github.com/candorpoll/candor/adjust/sensitive"
	"gonum.org/v1/gonum/mat"
)

func ExampleLogistic() {
	// Fractional outcomes with weights: 3 of 10 and 6 of 10 "yes" in two
	// groups, entered as y = k/m with weight m.
	x := mat.NewDense(2, 2, []float64{1, 0, 1, 1})
	fit, err := sensitive.Logistic{}.Fit(x, []float64{0.3, 0.6}, []float64{10, 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	se, _ := fit.SE()
	fmt.Printf("intercept %.4f (SE %.4f), slope %.4f (SE %.4f)\n", fit.Coef[0], se[0], fit.Coef[1], se[1])
	// Output:
	// intercept -0.8473 (SE 0.6901), slope 1.2528 (SE 0.9449)
}
