package sensitive_test

import (
	"fmt"
	"strings"

	"github.com/candorpoll/candor/adjust/sensitive"
)

func ExampleReadRespondents() {
	in := `y,treat,direct
3,TRUE,0
2,FALSE,1
NA,TRUE,0
x,FALSE,0
`
	r, err := sensitive.ReadRespondents(strings.NewReader(in), sensitive.Columns{Direct: "direct"})
	fmt.Println(r.Len(), "rows read")
	fmt.Println(err)
	c, dropped := r.Complete()
	fmt.Println(c.Len(), "complete; dropped lines", dropped)
	// Output:
	// 3 rows read
	// 5:1: "x": adjust: invalid value: not a number
	// 2 complete; dropped lines [4]
}
