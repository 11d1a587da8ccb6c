package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"chainkb/models"
)

// An import checks the prerequisites of its whole bundle for loops at once, before it writes any:
// the graph of every prerequisite-of in the database and in the bundle is built once and its
// strongly connected components found in one pass (Tarjan), which is linear in the number of
// relations. Checking each relation as it is written, as a single API write does
// (prerequisiteLoop), walks the chain so far each time: a chain of 600 prerequisites listed
// backwards took 11 s on SQLite and up to 35 s on PostgreSQL, holding the writer.

// loopsCheckedKey marks the context of a transaction whose prerequisites have been checked for
// loops all together: its relation writes skip the search of their own.
type loopsCheckedKey struct{}

// withLoopsChecked is tx, marked as checked for loops.
func withLoopsChecked(tx *gorm.DB) *gorm.DB {
	return tx.WithContext(context.WithValue(tx.Statement.Context, loopsCheckedKey{}, true))
}

// loopsChecked reports whether tx is marked by withLoopsChecked.
func loopsChecked(tx *gorm.DB) bool {
	ok, _ := tx.Statement.Context.Value(loopsCheckedKey{}).(bool)
	return ok
}

// checkImportLoops reports, as a fault at the relation's "to", each prerequisite-of of the bundle
// that closes a loop with the others and with those in the database, naming the loop; then marks
// the import's transaction so that its relation writes do not search again. It holds the lock of
// prerequisite writes (prepareRelation) until the import commits, so that no API write closes a
// loop with the bundle's meanwhile.
func checkImportLoops(im *importer, items []models.RelationInput) error {
	if err := serialize(im.tx, "prerequisites"); err != nil {
		return err
	}
	var rows []struct{ From, To string }
	err := im.tx.Table("relations r").Select("f.code AS \"from\", t.code AS \"to\"").
		Joins("JOIN tactics f ON f.id = r.from_id").Joins("JOIN tactics t ON t.id = r.to_id").
		Where("r.type = ?", models.RelationPrerequisiteOf).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("store: check prerequisites: %w", err)
	}
	g := newCodeGraph()
	for _, r := range rows {
		g.add(r.From, r.To, -1)
	}
	for i, in := range items {
		if in.Type == models.RelationPrerequisiteOf && models.IsCode(in.From) && models.IsCode(in.To) && in.From != in.To {
			g.add(in.From, in.To, i)
		}
	}
	for _, loop := range g.loops() {
		in := items[loop.item]
		im.fault(fmt.Sprintf("/relations/%d/to", loop.item), "%s prerequisite-of %s would close a loop of prerequisites: %s; a tactic cannot be, through others, a prerequisite of itself",
			in.From, in.To, strings.Join(loop.path, " → "))
	}
	im.tx = withLoopsChecked(im.tx)
	return nil
}

// codeGraph is a graph of prerequisites between tactics named by code. An edge remembers the
// bundle item that adds it (-1 for one already in the database, or already added).
type codeGraph struct {
	index map[string]int // code -> node
	codes []string       // node -> code
	out   [][]edge       // node -> its edges
}

type edge struct {
	to, item int
}

func newCodeGraph() *codeGraph { return &codeGraph{index: map[string]int{}} }

func (g *codeGraph) node(code string) int {
	if n, ok := g.index[code]; ok {
		return n
	}
	n := len(g.codes)
	g.index[code] = n
	g.codes = append(g.codes, code)
	g.out = append(g.out, nil)
	return n
}

// add adds the edge from -> to, made by bundle item (-1 if it is in the database). An edge that is
// there already is left as it is: a bundle that lists a relation of the database adds nothing.
func (g *codeGraph) add(from, to string, item int) {
	f, t := g.node(from), g.node(to)
	for _, e := range g.out[f] {
		if e.to == t {
			return
		}
	}
	g.out[f] = append(g.out[f], edge{to: t, item: item})
}

// loop is a loop that a bundle item closes: the item, and the loop as codes, from the item's
// "from" back to itself.
type loop struct {
	item int
	path []string
}

// loops finds, in each strongly connected component of more than one tactic that a bundle item
// adds an edge to, the last such item in bundle order, with a loop through it: removing the edges
// the bundle adds there leaves the database as it was, which had no loop. Every node and edge is
// visited a bounded number of times: linear in the size of the graph.
func (g *codeGraph) loops() []loop {
	comp := g.components()
	last := map[int]edge{} // component -> the bundle's last edge inside it, with its from in to's place
	lastFrom := map[int]int{}
	for f, edges := range g.out {
		for _, e := range edges {
			if e.item < 0 || comp[f] != comp[e.to] {
				continue
			}
			if cur, ok := last[comp[f]]; !ok || e.item > cur.item {
				last[comp[f]] = e
				lastFrom[comp[f]] = f
			}
		}
	}
	var out []loop
	for c, e := range last {
		from := lastFrom[c]
		path := g.pathWithin(e.to, from, comp)
		codes := []string{g.codes[from]}
		for _, n := range path {
			codes = append(codes, g.codes[n])
		}
		out = append(out, loop{item: e.item, path: codes})
	}
	slices.SortFunc(out, func(a, b loop) int { return a.item - b.item })
	return out
}

// pathWithin is a shortest path from start to end (both included) that stays in start's
// component, found breadth first.
func (g *codeGraph) pathWithin(start, end int, comp []int) []int {
	parent := map[int]int{start: -1}
	queue := []int{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == end {
			break
		}
		for _, e := range g.out[n] {
			if _, seen := parent[e.to]; seen || comp[e.to] != comp[start] {
				continue
			}
			parent[e.to] = n
			queue = append(queue, e.to)
		}
	}
	var path []int
	for n := end; n != -1; n = parent[n] {
		path = append(path, n)
	}
	slices.Reverse(path)
	return path
}

// components numbers the strongly connected components of the graph (Tarjan's algorithm, without
// recursion, so that a chain of 100,000 prerequisites needs no deep stack): comp[node] is its
// component.
func (g *codeGraph) components() []int {
	n := len(g.codes)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	onStack := make([]bool, n)
	var stack []int
	next, count := 0, 0
	type frame struct{ node, edge int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		calls := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.edge < len(g.out[f.node]) {
				w := g.out[f.node][f.edge].to
				f.edge++
				switch {
				case index[w] < 0:
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{w, 0})
				case onStack[w]:
					low[f.node] = min(low[f.node], index[w])
				}
				continue
			}
			v := f.node
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].node
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = count
					if w == v {
						break
					}
				}
				count++
			}
		}
	}
	return comp
}
