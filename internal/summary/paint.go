package summary

import "strings"

// ANSI SGR codes used by k6's summary.
const (
	sgrBold  = "1"
	sgrFaint = "2"
	sgrRed   = "31"
	sgrGreen = "32"
	sgrCyan  = "36"
	sgrWhite = "37"
)

// painter decorates text with ANSI codes, or leaves it plain when off.
type painter struct{ on bool }

func (p painter) paint(text string, codes ...string) string {
	if !p.on || len(codes) == 0 {
		return text
	}
	return "\x1b[" + strings.Join(codes, ";") + "m" + text + "\x1b[0m"
}
