package summary

import (
	"math"
	"strconv"
)

// The number formats below reproduce k6's summary formatting (jslib k6-summary).

// formatValue formats v for metric m: rates as percentages, data as bytes, time as durations
// (in timeUnit when set), other values with up to 6 decimals.
func formatValue(v float64, m Metric, timeUnit string) string {
	if m.Type == "rate" {
		return formatPercent(v)
	}
	switch m.Contains {
	case "data":
		return formatBytes(v)
	case "time":
		return formatDuration(v, timeUnit)
	}
	return fixedNoTrailingZeros(v, 6)
}

// formatPercent truncates (not rounds) a ratio to two decimals of a percent: 0.99999 → "99.99%".
func formatPercent(ratio float64) string {
	return strconv.FormatFloat(math.Trunc(ratio*100*100)/100, 'f', 2, 64) + "%"
}

var byteUnits = []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}

// formatBytes uses decimal units: 999 → "999 B", 1234 → "1.2 kB", 56789012 → "57 MB".
func formatBytes(b float64) string {
	if b < 10 {
		return jsNumber(b) + " B"
	}
	e := int(math.Floor(math.Log(b) / math.Log(1000)))
	e = min(max(e, 0), len(byteUnits)-1)
	val := math.Floor(b/math.Pow(1000, float64(e))*10+0.5) / 10
	prec := 0
	if val < 10 {
		prec = 1
	}
	return strconv.FormatFloat(val, 'f', prec, 64) + " " + byteUnits[e]
}

// formatDuration formats milliseconds. With timeUnit "s", "ms" or "us" it prints two decimals in
// that unit; otherwise it picks the unit: "0s", "850ns", "12.5µs", "148.92ms", "1.5s", "2m5s", "1h0m0s".
func formatDuration(ms float64, timeUnit string) string {
	switch timeUnit {
	case "s":
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + "s"
	case "ms":
		return strconv.FormatFloat(ms, 'f', 2, 64) + "ms"
	case "us":
		return strconv.FormatFloat(ms*1000, 'f', 2, 64) + "µs"
	}
	switch {
	case ms == 0:
		return "0s"
	case ms < 0.001:
		return strconv.FormatFloat(math.Trunc(ms*1e6), 'f', 0, 64) + "ns"
	case ms < 1:
		return truncNoTrailingZeros(ms*1000, 2) + "µs"
	case ms < 1000:
		return truncNoTrailingZeros(ms, 2) + "ms"
	}
	prec := 2
	if ms > 60000 {
		prec = 0
	}
	out := truncNoTrailingZeros(math.Mod(ms, 60000)/1000, prec) + "s"
	minutes := math.Trunc(ms / 60000)
	if minutes < 1 {
		return out
	}
	out = jsNumber(math.Mod(minutes, 60)) + "m" + out
	hours := math.Trunc(minutes / 60)
	if hours < 1 {
		return out
	}
	return jsNumber(hours) + "h" + out
}

// fixedNoTrailingZeros rounds to prec decimals and drops trailing zeros: (1.50, 6) → "1.5".
func fixedNoTrailingZeros(v float64, prec int) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', prec, 64), 64)
	if err != nil {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return jsNumber(r)
}

// truncNoTrailingZeros truncates to prec decimals and drops trailing zeros: (1.239, 2) → "1.23".
func truncNoTrailingZeros(v float64, prec int) string {
	mult := math.Pow(10, float64(prec))
	return fixedNoTrailingZeros(math.Trunc(v*mult)/mult, prec)
}

// jsNumber prints a number the way JavaScript's String(n) does for ordinary magnitudes.
func jsNumber(v float64) string {
	if v == 0 {
		return "0" // also for -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
