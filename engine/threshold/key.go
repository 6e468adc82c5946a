package threshold

import (
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// ParseKey splits a thresholds key into the metric name and the sub-metric tag filter:
// "http_req_duration" gives a nil filter; "http_req_duration{name:pay, method:POST}" gives
// {method:POST, name:pay}. A tag value may contain ':' ("group_duration{group:::checkout}" has
// group "::checkout"); whitespace and surrounding quotes are trimmed from keys and values, as
// in k6. Errors wrap ErrSyntax.
func ParseKey(key string) (metric string, filter *metrics.Tags, err error) {
	key = strings.TrimSpace(key)
	open := strings.IndexByte(key, '{')
	closing := strings.LastIndexByte(key, '}')
	switch {
	case open < 0 && closing < 0:
		if key == "" {
			return "", nil, syntaxErr(key, "empty metric name")
		}
		return key, nil, nil
	case open < 0 || closing < 0 || closing < open:
		return "", nil, syntaxErr(key, "unmatched curly brace")
	case closing != len(key)-1:
		return "", nil, syntaxErr(key, "text after the closing curly brace")
	}
	metric = strings.TrimSpace(key[:open])
	if metric == "" {
		return "", nil, syntaxErr(key, "empty metric name")
	}
	tags := map[string]string{}
	for _, kv := range strings.Split(key[open+1:closing], ",") {
		k, v, ok := strings.Cut(kv, ":")
		k, v = trimTag(k), trimTag(v)
		if !ok || k == "" || v == "" {
			return "", nil, syntaxErr(key, "tag filter "+strings.TrimSpace(kv)+" is not key:value")
		}
		tags[k] = v
	}
	return metric, metrics.NewTags(tags), nil
}

func trimTag(s string) string {
	return strings.Trim(strings.TrimSpace(s), `"'`)
}

// SubMetricName returns the summary name of a metric restricted to filter, as k6 prints it:
// "http_req_duration{name:pay}" (tags in key order), or the bare metric name for an empty filter.
func SubMetricName(metric string, filter *metrics.Tags) string {
	if filter.Len() == 0 {
		return metric
	}
	return metric + "{" + filter.Key() + "}"
}
