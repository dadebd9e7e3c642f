// Runs HiGHS (npm package "highs", WebAssembly) on a CPLEX LP file:
//   node highs-run.js model.lp SECONDS out.json
// and writes its status, objective, dual bound, the time of its last
// improving solution and the variables at 1 (x_ and d_ only: a plan) as
// JSON. Written by benchmarks/compare.
"use strict";
const fs = require("fs");
const loadHighs = require("highs");

(async () => {
  const [lpFile, seconds, outFile] = process.argv.slice(2);
  const highs = await loadHighs();
  const model = highs.createModel({ format: "lp", data: fs.readFileSync(lpFile) });
  const out = { status: "", optimal: false, hasSolution: false, objective: null, dualBound: null, toBest: null, values: {} };
  try {
    model.options.set({ time_limit: Number(seconds), output_flag: true, log_to_console: true });
    const cb = highs.constants.callbackType;
    const t0 = Date.now();
    model.run({
      [cb.logging](event) {
        process.stdout.write(event.message);
      },
      [cb.mipImprovingSolution](event) {
        out.toBest = (Date.now() - t0) / 1000;
      },
    });
    const code = model.getModelStatus();
    const names = Object.entries(highs.constants.modelStatus);
    out.status = (names.find(([, v]) => v === code) || [String(code)])[0];
    out.optimal = code === highs.constants.modelStatus.optimal;
    const info = (name) => {
      try {
        return Number(model.info.get(name));
      } catch (e) {
        return null;
      }
    };
    // primal_solution_status 2 is "feasible".
    out.hasSolution = info("primal_solution_status") === 2;
    if (out.hasSolution) {
      out.objective = model.getObjectiveValue();
      const x = model.getSolution().colValue;
      for (let i = 0; i < x.length; i++) {
        if (x[i] > 0.5) {
          const name = model.getColName(i);
          if (name.startsWith("x_") || name.startsWith("d_")) out.values[name] = x[i];
        }
      }
    }
    const db = info("mip_dual_bound");
    if (db !== null && Number.isFinite(db)) out.dualBound = db;
  } finally {
    model.dispose();
  }
  fs.writeFileSync(outFile, JSON.stringify(out));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
