// Package assign plans an event of roundtable: it chooses the round and
// host of every delegation room and who sits in which session of each
// round, maximising the objective of docs/FORMAT.md, and proves how close
// the plan is to the best possible.
//
//	plan, err := assign.Solve(ctx, ev, assign.Options{TimeLimit: 10 * time.Second})
//
// Repair re-plans after late registrations, drop-outs or changed sessions,
// keeping everyone already told where they were unless the event forbids
// it, and says who moved and why; Compare solves what-if variants side by
// side; Explain says why each person is where they are; WriteLP exports the
// exact MIP for third-party solvers.
//
// Every plan obeys every hard rule of the format (model.Check finds nothing
// to report: Solve checks it before returning) and carries a bound that no
// plan of the event can exceed. Status is optimal exactly when the two are
// equal.
//
// # The bound: a Lagrangian relaxation by organisation
//
// Sessions link participants only through their seats (capacity) and
// through colleagues (the samePair penalty of n colleagues in one session
// is n(n-1)/2 times its weight, a convex function of n); hosts link
// organisations only through "one room per host and round". Pricing these
// links leaves one small problem per organisation:
//
//   - π(s) >= 0 is the price of a seat of session s;
//   - σ(o, k, s) is the price of a colleague of organisation o in session s
//     when o's delegation room is in its k-th possible round: the penalty is
//     then paid, per organisation and session, as max over n of
//     σn - samePair·n(n-1)/2;
//   - the hosts' rounds are priced too.
//
// Given the prices, each organisation picks the round of its room (and the
// best host at the host prices), and each of its members picks, on their
// own, at most one session per free round, no theme twice, at most the
// sessions they want, pins kept, maximising value minus prices, where the
// value of a session is its preference and competence weights plus the
// unplaced weight it saves. That choice is a tiny assignment of rounds to
// themes; an optimal one only ever uses, in each round, one of the round's
// best R themes (R rounds), so it is found by a short search.
//
// For any prices the sum of these problems' optima plus the prices of all
// seats and host hours is an upper bound on every plan (weak duality).
// Minimum session sizes and the repeatPair penalty are dropped, which can
// only raise it (repeats are counted by a second relaxation, below). Because σ depends on the room's round, this bound is
// stronger than the LP relaxation of the MIP when delegation rooms are
// chosen: the LP may place an organisation half in each round and so spread
// colleagues thinner than any real plan can. The prices are improved by
// projected subgradient steps with Polyak's step size towards the best
// plan's objective. Every term of the objective is a whole multiple of
// one weight, so every objective is a multiple of the weights' greatest
// common divisor (5 with the default weights), and the bound is rounded
// down to one; a plan whose objective reaches it is proven optimal. On
// the eight 200-person events of BenchmarkSolveRandom200 this alone
// turned one more plan into a proof (2 of 8).
//
// Parallel sessions of a theme in a round are alike for every participant,
// so at any prices the relaxation sends all their takers to the cheapest
// one, and prices moved one by one chase each other among them. On events
// of more than a thousand people the steps therefore start pooled: the
// seat prices of such sessions, and each organisation's colleague prices
// in them, move together (any prices give a bound, so nothing is lost).
// Pooled, the prices are few enough (on regional 11,000 against 105,000)
// for a proximal bundle method (solver.Bundle): it keeps the last cuts
// of the dual function and steps to the minimiser of their maximum plus a
// proximal term, aimed at half the gap to the best plan, where
// subgradient steps zig-zag and level off. Once it has not lowered the
// bound for 50 evaluations, every price moves on its own by subgradient
// steps, and a step that overshoots by more than the gap left goes back
// to the best prices with half the size. On regional (3,000 people)
// pooling took the gap at 1 s from 2.7 % to under 0.1 %, and the bundle
// method from 0.06-0.08 % to 0.047-0.050 % (mean of seeds 1-5). Where
// prices are not pooled the bundle method did worse than subgradient
// steps as the way the prices move (it steps less often, and prices
// still chase each other), but it goes further in the end: on events of
// up to a thousand people whose rooms are absent or fixed, or have more
// than 32 rooms whose round is to be chosen (fewer are left to the
// branch and bound over the rooms' rounds, below), once the
// steps have halved below a tenth, the bound is polished by the bundle
// method over every price on its own, from the best prices and without
// building plans, in slices of 25 evaluations between 25 of the steps,
// until it stalls; the steps go on from their own prices (their
// wandering is what finds plans). On 16 random events of 200
// people the steps had left the bound up to 3.3 % above CBC's optimum
// (which there equals the LP relaxation) on 5 of them at 1 s; polished,
// it reaches it on all 16. A stalled polish whose bound is the search's
// starts afresh from its centre, with an empty bundle, for as long as
// each start lowers it: on national's shape at 600 people (seed 3) the
// first stalled 130 points above CBC's optimum, which the restarts reach
// within 10 s.
//
// # The LP bound, on events of up to three thousand people
//
// On such events without a repeatPair weight, whose delegation rooms (if
// any) each have only one round to meet in, the linear relaxation of the
// exact MIP (the programme WriteLP writes) is solved first, by the dual
// simplex method of package solver. Its optimum is a bound (any prices it reaches are: a solve
// stopped by the time limit still gains); on the 16 events of
// BenchmarkSolveMixed200 and the first 10 of BenchmarkSolvePlain200
// (random, 200 people) it equals the integer optimum, which the
// Lagrangian steps took 0.1-0.5 s to reach. The samePair term enters it
// as increments: one row per organisation and session, sum of its
// members' x minus z_2 .. z_n at most 1, with z_k in [0, 1] costing the
// k-th colleague's k-1 new pairs, rather than a row per colleague count;
// that halved the rows. The LP's solution then starts a plan: the rooms
// where it puts them, everyone in the sessions it gives them more than
// half of, repaired. When that plan falls short of the bound, a dive
// follows: every binary above one half is fixed to 1 (or the largest
// one, or, if that leaves no solution, it is fixed to 0) and the LP is
// solved again from its last basis (solver.Simplex), until its solution
// is integral (60 steps at most); that solution's plan is taken if it is
// better. The first descent starts from the better plan instead of the
// first pass of round flows, and every descent, walk, reseating,
// subgradient step and branch stops once the best plan reaches the
// bound, whichever part of the search proved it. On the 16 events of
// BenchmarkSolveMixed200 the LP takes 7-60 ms and the solve at most
// 78-81 ms (mean 40 ms, all 16 proven; 0.37-0.39 s before the LP; mean
// 32-35 ms since the simplex starts from a crash basis, 24-25 ms and
// at most 72-74 ms since its solves exploit sparse right-hand sides); on
// BenchmarkSolvePlain200, where seats are short, the dive took the
// proven events from 10 to 12 of 16, and the crash basis to 13.
//
// Where a room may meet in one of several rounds the LP is skipped: it
// may put half a room in each round, and the Lagrangian bound, which
// prices colleagues by the room's round, is stronger (on the knowledge
// day's family at 200 people the LP stayed 0.8 % above the optimum,
// which the Lagrangian bound proves in 0.14 s). The LP takes a third of the time
// left at most; its pivots cost time that grows with rows times columns,
// and the path the pivots take varies: on regional's shape at 200 people
// (2,600-2,800 rows, 9,600-11,900 columns) it needs 1,700-3,100 pivots
// and 0.08-0.42 s, on two of BenchmarkSolvePlain200's events 4,400-6,700
// pivots and 0.9-1.5 s, and within a 1 s limit such a third is lost.
// Programmes of 2e8 to 1e10 rows times columns (events of 400-3,000
// people with few themes and rounds) get a tenth of the time left first:
// on those measured the LP took anything from 0.2 s to over 20 s,
// whatever their size. An LP stopped short of its optimum is taken up
// again after the first plan and its descent, from its last basis, for
// half the time left, if at the pace of its pivots so far it can make
// half as many as the programme has rows in that time (the LPs measured
// took 0.3 to 1.5 times as many at 400-3,000 people, and up to 2.6 times
// at 200, where the LP is small); otherwise it is dropped, and the
// Lagrangian bound has the time. The plans from the LP's solution and its dive get
// time of their own, not what the LP left of its share. Measured at 10 s
// on 12 random events with seats for about 88 % of the people in each
// round (1,000, 2,000 and 3,000 people in organisations of 20, 8 themes,
// 2 rounds: the shape REFERENCES.md measures CBC on), where the plans had
// stayed 60-1,000 points below the optimum (the plan, not the bound, fell
// short: CBC proves the eight it was run on in 2.5-22 s): proven 0 before, 7 after, gaps
// summed 2.84 % before, 1.17 % after (3,000 people, seed 200: 0.50 % to
// 0.004 %), and at 1 s alike (4.6 % and 4.5 %). On 18 events of 300-900
// people (regional, national, flanders and kennisdag shapes) the gaps
// summed went from 0.71 % to 0.64 % at 10 s (6 proven, 5 before) and
// stayed alike at 1 s (7.7 % and 7.6 %). Larger programmes are not tried.
//
// Small events are solved exactly by a branch and bound over that LP:
// those of up to 60 people whose programme has at most 5,000 columns and
// a repeatPair weight, which the Lagrangian bound leaves out (it cannot
// prove a plan that repeats a meeting optimal), and tiny ones of at most
// 1,000 columns without it, where the bound may stay a grain above the
// optimum without the minimum sizes. After the first descent it solves
// the LP at each node from the last basis, prunes nodes the LP proves
// cannot beat the best plan, branches on the most fractional binary (up
// first), and takes each integral solution as a plan, as it stands; done,
// it proves the best plan optimal. It takes half the time left at most
// (an eighth with a repeatPair weight, where the relaxation below proves
// more). Of 400 tiny random events (4-6 people, every rule mixed) 56 had
// stayed unproven until a 5 s limit (4 min 40 s in all); now all are
// proven, in 0.18 s in all.
//
// # Repeated meetings
//
// With a repeatPair weight, a second relaxation counts the repeats
// (repeatBound). Two people who share a session in each of two rounds
// sit together in a cell, a pair of sessions of different rounds; n
// people in a cell make n(n-1)/2 pairs that meet twice. A pair sharing k
// sessions meets in k(k-1)/2 cells and pays k-1 repeats, at least 2/K of
// that when nobody takes more than K sessions; so every plan pays at
// least repeatPair·2/K per pair of each cell's members: exactly its
// repeats when K is 2, two thirds or more of them when K is 3. That
// convex function of a cell's count is priced like the colleagues of an
// organisation in a session: a person pays τ(c) for taking both sessions
// of cell c, and choosing their sessions becomes a short search over
// their rounds, best first, cut where the rest cannot beat the best found.
// It starts from the seat, colleague and host prices the first
// relaxation reached at the root of its branch and bound, where its value
// is that relaxation's bound, and moves every price by subgradient steps,
// for a third of the time left at most. On 16 random events of 24-84
// people with repeatPair 5-30 (two and three rounds, rooms to place on
// six) the plans proven optimal at 10 s went from 6 to 9 (CBC proves 10
// in 120 s; of the 9, one CBC does not prove, and two it proves in 4 s
// and 0.6 s), and the bound of the others came down by 0-365 points (on
// one 2-round event from 1030 to 665 above a plan of 630, where CBC's
// bound stayed at 984). A reviewer's 14-person event with repeatPair 50,
// whose plan CBC proves optimal in 22 s, was left 22 % above it; it is
// now proven in 1.3 s.
//
// When a gap remains and rooms are to be chosen, a depth-first branch and
// bound over the rooms' rounds closes it: at each node the prices are
// optimised again, every round whose value in the relaxation shows it
// cannot beat the best plan is ruled out (Lagrangian reduced-cost fixing),
// and the organisation whose choice is the closest call is branched on. A
// node's bound is the largest of its children's; when time runs out, the
// unexplored children keep their parent's.
//
// # The plan: exact flows round by round, guided by the relaxation
//
// One round, with the other rounds, the rooms and the pins fixed, is
// exactly a min-cost flow
//
//	participant -> (organisation, session) -> session -> sink
//
// with the samePair penalty as a convex cost on the middle arcs (package
// solver handles it natively) and maxPerOrganisation as their capacity. The
// search re-solves one round at a time until no round improves. It also
// lets people swap into a round from another one (an arc that pays the
// value they give up there), the rounds they left being solved again right
// after, so that who sits in which round can change, not only where.
// Minimum sizes are met by closing the sessions a flow leaves short and
// solving again.
//
// A descent stuck with every round optimal given the others is not stuck
// for moves that change several rounds at once, or that lose a little
// before they gain: on events of up to a thousand people it then anneals
// (simulated annealing with moves within a round, swaps of two people's
// sessions, a person's two themes exchanging rounds, and two people
// trading their sessions of two rounds; every move keeps every hard rule
// and its effect on the objective is exact), and the flows take over
// again from the annealed plan when it is better. On random events of 200
// people this took the mean gap at 1 s from 1.2 % to 0.14 %, and the
// trades to 0.05 % (benchmarks/README.md).
//
// When annealing too is stuck, blocks of people are reseated exactly in
// every round at once, everyone else where they are: first each
// organisation (in parts of at most 20), then up to 8 people of each pair
// of sessions of a round. Every member's ways of taking sessions are
// listed, and a depth-first branch and bound picks one per member,
// bounded by a Lagrangian relaxation of what links them (seats, and
// colleagues in each (organisation, session) cell, their prices set by
// the bundle method); a block whose bound cannot beat its present share
// is skipped at once. With maxPerOrganisation at 1 or 2, who of an
// organisation sits where in one round rules out the same theme for them
// in the others, and the better plans take chains of changes across
// rounds that neither flows nor single moves make: on 16 random events of
// 200 people with FORMAT.md's rules mixed this took the proven plans at
// 1 s from 10 to 13-15 and the mean gap from 0.49 % to 0.011-0.016 %.
// Over a whole descent the reseating takes a third of the time left at
// most (without that cap, on regional's shape at 200 people, it took all
// of a 1 s solve before the bound could start), and the first descent's
// passes take half of it: on events of 300-900 people at 1 s they took
// it all, and the bound stayed at its first value (national's shape at
// 600 people 35 % above the plan, 6 % with the cap).
//
// When reseating too is stuck on a plan within 1 % of the bound whose
// rooms have rounds to choose, the rooms move: one to another round it
// may meet in, or two of different rounds swap (their hosts assigned
// again together, so a swap works where neither room alone finds a
// host), and the rounds touched are re-solved as flows; a move that
// gains is kept. Held to given rounds, the root relaxation bounds the
// plans with the rooms there: a move whose bound does not beat the plan
// is skipped without a flow (60-65 % of them at 600 people).
// The relaxation chooses the rooms as a whole and misses these last
// steps: on the knowledge day's shape at 400 people (10 s, search seeds
// 1-3) the plans went from 45100 to 45120-45130, CBC's optimum 45130.
//
// Larger events get no descent after the first pass; instead each plan rebuilt from the relaxation (below) is
// preceded by a short cool walk of the same moves from the best plan,
// which took the gap of flanders (3,000 people) at 10 s from 0.34 % to
// about 0.2 %, and once the pooled bound (below) is within 0.05 % of the
// best plan, or a third of the time has gone, a longer walk takes up to
// half the time left.
//
// The first pass is offered as soon as it exists, with the relaxation's
// value at its starting prices as a first bound, so that a solve stopped
// early returns a plan and a finite bound. Plans rebuilt from the
// relaxation (below) wait twice as long after each one that does not beat
// the best, leaving the time to the bound when they do not pay, and the
// descent from each takes at most a quarter of the time left (on
// national's shape at 1,000 people one took 5 s, and the gap at 10 s was
// 12.9 % instead of 0.48 %).
//
// On events whose round flows would have over a million participant-theme
// arcs (10,000 people with 40 themes in 4 rounds, say) the colleague layer
// makes them too slow (millions of (organisation, session) arcs): the
// first pass solves the rounds without it, deals colleagues out over the
// parallel sessions of each theme (session sizes kept), and a short cool
// walk of the annealer follows (with maxPerOrganisation, a greedy pass
// replaces the flows); the rest of the time goes to the bound. Without the
// colleague layer a theme's parallel sessions are alike, so such a flow
// has one arc per theme to the sink, holding all its seats, and the takers
// are shared out over the sessions afterwards (their minimums kept where
// the takers allow). Its dual on that arc is also the relaxation's
// starting seat price for all of them: on national (100,000 people) the
// first bound fell from 21.5 to 16.3 million and the gap at 30 s from
// 8-11 % to 1.4 %. Most themes are worth the same to a participant (all
// those they did not rank), so one arc into a hub of that value stands
// for them all, and the hub leads on to every theme; its takers are then
// dealt out over the themes its flow reached, each kept off the themes
// barred to them, and when that cannot be done the round is solved
// without hubs, so each round flow stays optimal. On national that took
// the first plan from 17 s to 3-4 s and the gap at 30 s from 1.2-1.4 % to
// 0.3-0.4 %. Beyond 32 million (organisation, session) pairs the bound
// leaves colleague prices out.
//
// Events of more than a thousand people that are not that large take the
// same fast first plan when no organisation outnumbers a round's sessions
// and there are no rooms to place (the search then goes on as usual; on
// regional it halved the gap at 1 s); the others get a plan from the flat
// flows first, in case time runs out before the first pass with the
// colleague layer.
//
// Delegation rooms start from a feasible choice (one flow: organisation ->
// (host, round)) spread so that every round loses about as many people.
// Every few subgradient steps the search restarts from the rooms and the
// participants' own choices the relaxation prefers: the per-organisation
// values it computes are the costs of the room flow, and its participants'
// choices tell who should sit in which round, which a round-by-round
// descent cannot find by itself.
package assign
