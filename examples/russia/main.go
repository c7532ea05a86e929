package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Stdout, "."); err != nil {
		fmt.Fprintln(os.Stderr, "russia:", err)
		os.Exit(1)
	}
}
