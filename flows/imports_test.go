package flows

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Imports go one way: the core and the scheduler never reach the Telegram
// library, and a capability never imports another capability, so that each
// can be read, changed or removed alone.
func TestImportsGoOneWay(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var capabilities []string
	for _, e := range entries {
		// Packages under flows/ that are not capabilities: the date parser and the test world.
		if e.IsDir() && e.Name() != "when" && e.Name() != "flowstest" && e.Name() != "testdata" {
			capabilities = append(capabilities, "nido/flows/"+e.Name())
		}
	}
	if len(capabilities) < 2 {
		t.Fatalf("capability packages found: %v", capabilities)
	}
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const telegram = "github.com/go-telegram/bot"
	for _, pkg := range append([]string{"nido/flows", "nido/scheduler"}, capabilities...) {
		d := deps(pkg)
		if slices.Contains(d, telegram) {
			t.Errorf("%s imports %s", pkg, telegram)
		}
		for _, other := range capabilities {
			if other != pkg && slices.Contains(d, other) {
				t.Errorf("%s imports the capability %s", pkg, filepath.Base(other))
			}
		}
	}
}
