"""``make demo``, the budget-frame scenario: the joint plan 2013–2014 against an investment frame per year.

The frame is the demo's (the shipped governance file has none: it is the budget office's figure). The
scenario is printed as ``kksync scenario`` prints it, and "Klar til politisk behandling?" is written
again with the section on budget frames, from the plan's newest snapshot, into ``out/scenarie``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from kksync.app import Runtime

PLAN = "FHP-2013-2014"
FRAMES = {2013: Decimal(40_000_000), 2014: Decimal(35_000_000)}


def run(runtime: Runtime, console: Console, out_dir: Path) -> None:
    from kksync.checks.governance import PlanFrames
    from kksync.cli_scenario import render_scenario
    from kksync.core.model import DocumentType
    from kksync.services.publishing import DocumentSetup, generate
    from kksync.services.scenarios import scenario_for

    frames = ", ".join(f"{year}: {int(amount):,} kr.".replace(",", ".") for year, amount in FRAMES.items())
    console.print(f"Investeringsramme for {PLAN}: {frames} (kksync scenario --plan {PLAN} "
                  + " ".join(f"--frame {y}={int(a)}" for y, a in FRAMES.items()) + ")")
    scenario = scenario_for(runtime.load_portfolio(), PLAN, FRAMES, runtime.governance)
    render_scenario(scenario, frames_from="cli")
    rules = runtime.governance.scenarios
    governance = runtime.governance.model_copy(update={"scenarios": rules.model_copy(
        update={"plans": {**rules.plans, PLAN: PlanFrames(frames=FRAMES)}})})
    setup = DocumentSetup(runtime.scope, governance, runtime.settings.template_dir)
    generated = generate(runtime.store, runtime.load_portfolio, PLAN, DocumentType.READINESS, setup=setup,
                         out_dir=out_dir / "scenarie")
    console.print(f"«{generated.document.spec.title}» med afsnittet om budgetrammer → {generated.path} "
                  "(tilgængelighedstjekket bestået)")
