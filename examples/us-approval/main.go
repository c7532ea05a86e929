package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Stdout, "."); err != nil {
		fmt.Fprintln(os.Stderr, "us-approval:", err)
		os.Exit(1)
	}
}
