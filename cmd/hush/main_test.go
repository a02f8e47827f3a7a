package main

import (
	"os"
	"testing"
)

// envRunMain makes the test binary the hush command: a test that needs
// hush as a process of its own (to measure its CPU, to stop it with a
// signal) runs os.Args[0] with it set.
const envRunMain = "HUSH_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}
