package report

import (
	"fmt"
	"html/template"
	"io"
	"sync"
)

// Index is a suite's index page: the suite's verdict and one row per script, linking each
// script's own report.
type Index struct {
	Title   string
	Passed  bool
	Code    int
	Meaning string // of Code
	Rows    []IndexRow
}

// IndexRow is one script of a suite. Href is its report relative to the index ("" when the
// script wrote none: it did not run, or stopped before its load); NotRun says why a script
// did not run.
type IndexRow struct {
	Name, Script string
	NotRun       string
	Code         int
	Meaning      string
	Duration     string
	Thresholds   string
	Checks       string
	Integrity    string
	Href         string
}

// indexPage is the index: like the report, one file with its style inline and a
// Content-Security-Policy that forbids any request; it has no script. It is parsed on first
// use, not at every start of nnjs.
var indexPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("index").Funcs(template.FuncMap{
		"inc": func(i int) int { return i + 1 },
	}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + cspStatic + `">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
{{.CSS}}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<div class="verdict {{if .Passed}}ok{{else}}bad{{end}}">
<div class="head">{{if .Passed}}PASSED{{else}}FAILED{{end}}, exit code {{.Code}}</div>
<div>{{.Meaning}}</div>
</div>
<table class="index">
<thead><tr><th>#</th><th>script</th><th>exit</th><th>meaning</th><th>duration</th><th>thresholds</th><th>checks</th><th>integrity</th><th>report</th></tr></thead>
<tbody>
{{range $i, $r := .Rows}}<tr class="{{if $r.NotRun}}notrun{{else if eq $r.Code 0}}ok{{else}}bad{{end}}">
<td>{{inc $i}}</td><td title="{{$r.Script}}">{{$r.Name}}</td>
{{if $r.NotRun}}<td>-</td><td colspan="5">not run: {{$r.NotRun}}</td>{{else}}<td>{{$r.Code}}</td><td>{{$r.Meaning}}</td><td>{{$r.Duration}}</td><td>{{$r.Thresholds}}</td><td>{{$r.Checks}}</td><td>{{$r.Integrity}}</td>{{end}}
<td>{{if $r.Href}}<a href="{{$r.Href}}">report</a>{{else}}-{{end}}</td>
</tr>
{{end}}</tbody>
</table>
</main>
</body>
</html>
`))
})

// WriteIndex writes the suite's index page.
func WriteIndex(w io.Writer, idx Index) error {
	data := struct {
		Index
		CSS template.CSS
	}{idx, template.CSS(reportCSS + indexCSS)}
	if err := indexPage().Execute(w, data); err != nil {
		return fmt.Errorf("report: write index: %w", err)
	}
	return nil
}

// indexCSS is the index table's style over the report's.
const indexCSS = `
table.index { border-collapse: collapse; width: 100%; }
table.index th, table.index td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
table.index tr.bad td:nth-child(3) { color: var(--bad); font-weight: 650; }
table.index tr.ok td:nth-child(3) { color: var(--ok); font-weight: 650; }
table.index tr.notrun { color: var(--muted); }
`
