// Package solver computes exact minimum-cost flows with integer data, convex
// piecewise-linear arc costs, node potentials that prove optimality, and cut
// certificates that prove infeasibility; it also solves linear programmes
// (SolveLP) and minimises convex nonsmooth functions (Bundle). It imports
// no other package of roundtable.
//
//	g := solver.NewGraph(3)
//	g.SetSupply(0, 2)
//	g.SetSupply(2, -2)
//	g.AddArc(0, 1, 0, 2, -5)                       // lower 0, capacity 2, cost -5 per unit
//	g.AddConvexArc(1, 2, 0, []solver.Step{{1, 0}, {1, 40}}) // 2nd unit costs 40
//	sol, err := g.Solve(ctx)                       // sol.Cost == 30
//	var cut *solver.InfeasibleError
//	if errors.As(err, &cut) { ... }                // cut.Cut cannot ship its supply
//	g.SetCost(0, -7)
//	sol, err = g.Solve(ctx)                        // warm start
//
// SolveLP solves a linear programme (LP: rows and columns with ranges,
// sparse coefficients) by the bounded dual simplex method: a left-looking
// sparse LU of the basis (Gilbert and Peierls) updated by eta columns and
// refactorised every 100 pivots, whose solves skip the steps a sparse
// right-hand side cannot reach (the same numbers, bit for bit, as the
// dense solves: on the 200-person relaxations of BenchmarkSolveMixed200
// 25 % less time, on denser ones no gain), dual steepest-edge pricing, a
// bound-flipping ratio test over a heap of breakpoints (of the 32
// smallest first: a pivot may have thousands of candidates and passes one
// to three), a crash start
// (each row x₁ + … + x_k ≤ b of boxed columns begins with its cheapest
// column in the basis, which on an event's relaxation seats everyone in
// their best session of each round and saves a quarter of the pivots),
// and a small cost perturbation against dual degeneracy (without it, one 200-person
// event's relaxation took 564,000 pivots instead of 8,000). Every basis
// it visits is dual feasible, and LP.DualBound turns any row prices into
// an upper bound that also holds in exact arithmetic, so a stopped solve
// still proves something. Simplex keeps the method between solves: after
// column bounds change (a dive towards an integral solution), it goes on
// from the last basis, still dual feasible, usually for a few pivots. It
// is checked against gonum's simplex on random programmes and, in package
// assign, against CBC on event relaxations.
//
//	lp := &solver.LP{}
//	x := lp.AddCol(3, 0, 1)                          // maximise 3x + 2y, x, y in [0, 1]
//	y := lp.AddCol(2, 0, 1)
//	lp.AddRow(math.Inf(-1), 1, []int{x, y}, []float64{1, 1}) // x + y <= 1
//	sol, err := solver.SolveLP(ctx, lp, solver.LPOptions{}) // sol.Bound == 3
//
// What did not help, measured on 42 event relaxations of 1,300-7,500 rows
// under three perturbation seeds: a Harris ratio test (tolerance 1e-7, with
// or without shifting costs; 1e-8 to 1e-5 were worse on a first seed) and
// perturbations of 1e-6 to 1e-4; none lowered the mean time (17.5 s for all
// 42 at 1e-7, 18.5-27.7 s otherwise). The seed alone moves a single
// relaxation by 2-4 times in pivots and more in time (one took 3,295 pivots
// and 0.29 s, or 11,113 and 2.7 s), because a longer path also meets denser
// bases; that spread, not any one setting, is what is left to tame.
//
// Bundle minimises a convex nonsmooth function known only through values
// and subgradients (a Lagrangian dual, say) by a proximal bundle method;
// package assign moves the pooled prices of its bound with it.
//
// # Units and limits
//
// Flows, capacities and supplies are in flow units, costs in cost units per
// flow unit; all are int64 and the arithmetic is exact. Solve refuses (with
// ErrOverflow) problems where the sum of |supply| and of capacities, the sum
// of |cost| x capacity, or (nodes+1) x max |cost| exceeds 2^60, which keeps
// every flow, cost, distance and potential far from the int64 limit.
//
// # Algorithm
//
// Solve is a primal-dual successive-shortest-path method (Ahuja, Magnanti and
// Orlin, Network Flows, 1993, sections 9.7 and 9.8) specialised for networks
// with many sources of small supply and few other nodes:
//
//  1. Leaves are contracted. A leaf is a node with positive supply, no
//     entering arc and only plain leaving arcs with lower bound 0: a
//     participant. A leaf never holds excess; its supply is always out on its
//     arcs. A residual path passes through leaf v only as m -> v -> m' (one
//     unit less on v->m, one more on v->m'), whose reduced cost
//     c(v,m') - c(v,m) + pi(m) - pi(m') does not involve pi(v). So for each
//     ordered pair (m, m') of core nodes a min-heap keeps the leaves that
//     could make that detour, keyed by c(v,m') - c(v,m), a key no potential
//     update changes. This is the transportation remark of REFERENCES.md:
//     shortest paths live on the core (sessions, pairs, sink), with the best
//     participant per pair of core nodes kept in heaps. Stale heap entries
//     are dropped lazily; a clean/dirty flag per pair avoids re-checking tops.
//  2. Start: every core arc is set to satisfy complementary slackness with
//     the current potentials (0 on a cold start), every leaf sends its supply
//     along its cheapest arcs. The remaining excess and deficit sit on core
//     nodes.
//  3. Phase: a Dijkstra search on the core over reduced costs (all >= 0)
//     from the excess nodes (or, when excess is spread over more than 1024
//     nodes, from the deficit nodes over reversed arcs) stops at the nearest
//     terminal at distance D; potentials of the settled nodes move by
//     D - dist, which keeps all reduced costs >= 0 and makes shortest paths
//     tight. A depth-first search with current-arc pointers then pushes flow
//     along tight paths until none is left (a blocking flow in the admissible
//     network). Each phase moves at least one unit; with one sink the number
//     of phases is at most the number of distinct sink distances, bounded by
//     the cost range, not by the number of participants.
//  4. Potentials of leaves are filled in at the end; Solution.Verify checks
//     the whole proof independently.
//
// Convex arcs are handled natively: the residual arc of a convex arc carries
// the marginal cost of the next (or last) unit and only the units at that
// cost, so n colleagues in one session cost one arc, not n.
//
// Why not the others. Cost scaling (Goldberg, "An efficient implementation
// of a scaling minimum-cost flow algorithm", J. Algorithms 22, 1997) is the
// best general method on large sparse graphs (Kovacs, "Minimum-cost flow
// algorithms: an experimental evaluation", Optimization Methods and Software
// 30(1), 2015), but it works on every arc of the graph and restarts from
// scratch; REFERENCES.md reports 17 s for LEMON's cost scaling on 10^5
// participants. Network simplex warm-starts well but is slow on these
// highly degenerate assignment networks (900 s there). Here the per-phase work
// is on the core (about 100 to a few thousand nodes), the per-unit work on
// the d arcs of the participant who moves, and warm starts after SetCost
// repair only the changed participants: re-solves cost a few percent of a
// cold solve.
//
// Complexity: a phase costs O((K + P) log K) for K core nodes and P core
// pairs in use, plus O(d log L) per participant moved (d its arc count, L a
// heap size). Memory is about 60 to 80 bytes per arc on the benchmark
// networks, including the returned Solution.
//
// Weak spot: when the core is large (tens of thousands of "(organisation,
// session)" nodes) and excess is spread over all of them, each phase still
// visits much of the core; see benchmarks/README.md.
//
// # DIMACS
//
// ReadDIMACS, WriteDIMACS and WriteSolution read and write the DIMACS
// minimum-cost flow format of LEMON and glpsol --mincost; the command
// examples/mincostflow solves such files.
package solver
