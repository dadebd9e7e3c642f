package assign

import (
	"fmt"
	"strings"

	"github.com/roundtable-go/roundtable/model"
)

// plan turns a state into the plan of FORMAT.md: delegations by
// organisation, assignments by participant and round, the unplaced with a
// reason in words, and the objective recomputed by model.Check, which must
// find no broken rule and agree with the engine's own arithmetic.
func (pr *problem) plan(st *state, obj, bound int64) (*model.Plan, error) {
	ev := pr.ev
	p := &model.Plan{
		Event:       ev.Name,
		Delegations: []model.DelegationRoom{},
		Assignments: []model.Assignment{},
		Unplaced:    []model.Unplaced{},
	}
	for o, r := range st.deleg {
		if r >= 0 {
			p.Delegations = append(p.Delegations, model.DelegationRoom{
				Organisation: ev.Organisations[o].ID, Round: ev.Rounds[r].ID, Host: ev.Hosts[st.host[o]].ID})
		}
	}
	size := make([]int, pr.nS)
	for i := range pr.nP {
		for r := range pr.nR {
			if s := st.asg[i*pr.nR+r]; s >= 0 {
				size[s]++
				p.Assignments = append(p.Assignments, model.Assignment{
					Participant: ev.Participants[i].ID, Round: ev.Rounds[r].ID, Session: ev.Sessions[s].ID})
			}
		}
	}
	for i := range pr.nP {
		d := st.deleg[pr.pOrg[i]]
		if missing := pr.wanted(i, d) - pr.countRounds(st, i); missing > 0 {
			p.Unplaced = append(p.Unplaced, model.Unplaced{
				Participant: ev.Participants[i].ID, Missing: missing, Reason: pr.unplacedReason(st, i, size)})
		}
	}
	rep := model.Check(ev, p)
	if rep.Objective != obj {
		return nil, fmt.Errorf("assign: internal error, objective %d but the checker finds %d", obj, rep.Objective)
	}
	p.Breakdown, p.Objective, p.Bound = rep.Breakdown, rep.Objective, max(bound, rep.Objective)
	p.Status = model.StatusFeasible
	if p.Bound == p.Objective {
		p.Status = model.StatusOptimal
	}
	// Checked again with the totals filled in: nothing may be amiss.
	if err := model.Check(ev, p).Err(); err != nil {
		return nil, fmt.Errorf("assign: internal error: %w", err)
	}
	return p, nil
}

// unplacedReason says, for each free round where p has no session, what
// stood in the way of each session they could have taken.
func (pr *problem) unplacedReason(st *state, p int, size []int) string {
	ev := pr.ev
	free := pr.free(p, st.deleg[pr.pOrg[p]])
	var taken []int
	for r := range pr.nR {
		if s := st.asg[p*pr.nR+r]; s >= 0 {
			taken = append(taken, pr.sTheme[s])
		}
	}
	if len(taken) >= pr.pMax[p] {
		return fmt.Sprintf("wants %d sessions", pr.pMax[p])
	}
	var parts []string
	for r := range pr.nR {
		if free&(1<<r) == 0 || st.asg[p*pr.nR+r] >= 0 {
			continue
		}
		var why []string
		for _, s := range pr.roundSess[r] {
			t := pr.sTheme[s]
			switch {
			case pr.pValue[p][t] == forbidden:
				continue
			case containsInt(taken, t):
				why = append(why, fmt.Sprintf("%s already taken in another round", ev.Themes[t].Name))
			case pr.sCap[s] == 0:
				why = append(why, fmt.Sprintf("%s closed (capacity 0)", ev.Sessions[s].ID))
			case size[s] >= pr.sCap[s]:
				why = append(why, fmt.Sprintf("%s full (%d/%d)", ev.Sessions[s].ID, size[s], ev.Sessions[s].Cap(ev.Defaults.Capacity)))
			case size[s] == 0 && pr.sMin[s] > 0:
				why = append(why, fmt.Sprintf("%s cancelled: too few for its minimum of %d", ev.Sessions[s].ID, ev.Sessions[s].MinSize(ev.Defaults.Min)))
			case pr.maxPerOrg > 0:
				why = append(why, fmt.Sprintf("%s holds the most colleagues allowed (%d)", ev.Sessions[s].ID, pr.maxPerOrg))
			default:
				why = append(why, fmt.Sprintf("%s left for others", ev.Sessions[s].ID))
			}
		}
		if len(why) == 0 {
			why = []string{"no session of a theme they ranked"}
		}
		parts = append(parts, fmt.Sprintf("round %s: %s", ev.Rounds[r].ID, strings.Join(why, "; ")))
	}
	prefix := ""
	if ev.Rules.OnlyRanked && len(ev.Participants[p].Preferences) > 0 {
		names := make([]string, len(ev.Participants[p].Preferences))
		for i, t := range ev.Participants[p].Preferences {
			names[i] = pr.themeName(t)
		}
		prefix = "ranked only " + strings.Join(names, ", ") + "; "
	}
	return prefix + strings.Join(parts, ". ")
}

func (pr *problem) themeName(id string) string {
	for _, t := range pr.ev.Themes {
		if t.ID == id {
			return t.Name
		}
	}
	return id
}
