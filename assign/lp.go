package assign

// This file writes the exact mixed-integer program of docs/FORMAT.md in
// CPLEX LP format, for third-party MIP solvers; the formulation is in
// package internal/mip, whose documentation explains it.

import (
	"context"
	"errors"
	"io"

	"github.com/roundtable-go/roundtable/assign/internal/mip"
	"github.com/roundtable-go/roundtable/model"
)

// WriteLP writes the exact MIP of docs/FORMAT.md for ev in CPLEX LP format,
// readable by cbc, glpsol --lp and HiGHS. The event should be valid
// (model.Validate); WriteLP normalizes it. The program maximises, and its
// optimal objective value is the event's optimal objective: a variable
// const1, fixed to 1, carries the constant term. Variable names are
// generated (x_P_S: participant P in session S, d_O_R_H: the room of
// organisation O in round R with host H, indices into the normalized
// event's lists); comment lines at the top of the file map every name to
// the ids it stands for. WriteLP reports an error, instead of writing an
// infeasible program, for an invalid event, and with Solve's *SetupError
// where Solve's checks before the search find that no plan exists: pins
// beyond a session's seats or maxPerOrganisation, an organisation without
// a round or host for its delegation room.
func WriteLP(w io.Writer, ev *model.Event) error {
	if err := ev.Validate(); err != nil {
		return err
	}
	norm := ev.Normalized()
	// Solve's own checks; an event beyond the engine (more than 64
	// rounds) is still written, unchecked.
	var setup *SetupError
	pr, err := compile(norm)
	if errors.As(err, &setup) {
		return err
	}
	if err == nil {
		if err := pr.chooseDelegations(context.Background(), pr.newState(), nil); errors.As(err, &setup) {
			return err
		}
	}
	m, err := mip.Build(norm)
	if err != nil {
		return err
	}
	return m.WriteLP(w)
}
