package summary

import (
	"crypto/md5" //nolint:gosec // k6's group and check ids are md5 of the path
	"encoding/hex"
	"strings"

	"github.com/nnprotect/nnjs/engine/metrics"
)

// groupSeparator joins group names into k6 paths ("::outer::inner").
const groupSeparator = "::"

// groupNode is a mutable group while the tree is built.
type groupNode struct {
	name, path string
	children   []*groupNode
	checks     []*Check
}

// buildGroups derives k6's root_group from the `checks` series (tags group and check) and the
// `group_duration` series (tag group). Groups and checks keep the order of their first series
// in the snapshot.
func buildGroups(snap *metrics.Snapshot) Group {
	root := &groupNode{}
	for _, se := range snap.Series {
		switch se.Metric.Name {
		case metrics.Checks:
			name, ok := se.Tags.Get("check")
			if !ok {
				continue
			}
			c := root.find(groupPath(se.Tags)).check(name)
			c.Passes += int64(se.Sink.Sum)
			c.Fails += int64(se.Sink.Count) - int64(se.Sink.Sum)
		case metrics.GroupDuration:
			root.find(groupPath(se.Tags))
		}
	}
	return root.export()
}

func groupPath(tags *metrics.Tags) string {
	p, _ := tags.Get("group")
	return p
}

// find returns the node of path, creating it and its parents.
func (g *groupNode) find(path string) *groupNode {
	rest := strings.TrimPrefix(path, groupSeparator)
	if rest == "" {
		return g
	}
	node := g
	for _, name := range strings.Split(rest, groupSeparator) {
		node = node.child(name)
	}
	return node
}

func (g *groupNode) child(name string) *groupNode {
	for _, c := range g.children {
		if c.name == name {
			return c
		}
	}
	c := &groupNode{name: name, path: g.path + groupSeparator + name}
	g.children = append(g.children, c)
	return c
}

func (g *groupNode) check(name string) *Check {
	for _, c := range g.checks {
		if c.Name == name {
			return c
		}
	}
	path := g.path + groupSeparator + name
	c := &Check{Name: name, Path: path, ID: pathID(path)}
	g.checks = append(g.checks, c)
	return c
}

func (g *groupNode) export() Group {
	out := Group{Name: g.name, Path: g.path, ID: pathID(g.path), Groups: []Group{}, Checks: []Check{}}
	for _, c := range g.children {
		out.Groups = append(out.Groups, c.export())
	}
	for _, c := range g.checks {
		out.Checks = append(out.Checks, *c)
	}
	return out
}

func pathID(path string) string {
	sum := md5.Sum([]byte(path)) //nolint:gosec // identifier, not security
	return hex.EncodeToString(sum[:])
}
