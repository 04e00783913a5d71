"""Calibrate the statement gate's similarity threshold on labelled statement/quote pairs.

    python -m rag.statement_calibration [--pairs evals/statement_pairs.jsonl] [--write]

Each pair (`evals/statement_pairs.jsonl`) is a statement, the quote it cites and a label: `faithful`
(the quote supports it) or `unfaithful` (changed figure, date, name, negation, direction, opposite word,
another topic, an unsupported addition, an injected instruction). The gate accepts a statement when the typed checks
pass and the token-level embedding similarity reaches the threshold. Positive = accepted: precision is the share of
accepted statements that are faithful, recall the share of faithful statements accepted. The threshold
maximises F0.5 (precision counts double); the held-out figures choose it on the other folds (news, nk, roles) and
measure it on the held-out one. `--write` ships the threshold and its measurements in rag/statement_gate.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from rag.statement_checks import typed_problems
from rag.statements import CALIBRATION, StatementGate

PAIRS = Path("evals/statement_pairs.jsonl")
BETA = 0.5


@dataclass(frozen=True)
class Pair:
    id: str
    fold: str
    kind: str
    label: str  # faithful | unfaithful
    statement: str
    quote: str
    published: str | None = None
    source: str | None = None

    @property
    def faithful(self) -> bool:
        return self.label == "faithful"


@dataclass(frozen=True)
class Scored:
    pair: Pair
    typed_ok: bool
    similarity: float

    def accepted(self, threshold: float) -> bool:
        return self.typed_ok and self.similarity >= threshold


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    pairs = [Pair(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bad = [p.id for p in pairs if p.label not in ("faithful", "unfaithful")]
    if bad:
        raise ValueError(f"{path}: label must be faithful or unfaithful: {', '.join(bad)}")
    return pairs


def score_pairs(pairs: list[Pair], encoder=None) -> list[Scored]:
    gate = StatementGate(encoder, threshold=0.0)
    return [Scored(p, not typed_problems(p.statement, p.quote, p.published, p.source),
                   gate.similarity(p.statement, p.quote, p.source)) for p in pairs]


def measure(scored: list[Scored], threshold: float) -> dict[str, float | int | None]:
    accepted = [s for s in scored if s.accepted(threshold)]
    faithful = [s for s in scored if s.pair.faithful]
    tp = sum(s.pair.faithful for s in accepted)
    p = tp / len(accepted) if accepted else None
    r = tp / len(faithful) if faithful else None
    f = (1 + BETA ** 2) * p * r / (BETA ** 2 * p + r) if p and r else 0.0
    return {"pairs": len(scored), "precision": p and round(p, 4), "recall": r and round(r, 4), "f_half": round(f, 4),
            "unfaithful_accepted": len(accepted) - tp}


def choose_threshold(scored: list[Scored]) -> float:
    """The similarity threshold with the best F0.5 (ties: the lower one, which keeps more)."""
    sims = sorted({round(s.similarity, 4) for s in scored if s.typed_ok})
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(sims, sims[1:])]
    return round(max(candidates, key=lambda t: (measure(scored, t)["f_half"], -t)), 4)


def calibrate(scored: list[Scored]) -> dict:
    """The threshold, its measurements overall, without the similarity check, per kind and held out."""
    t = choose_threshold(scored)
    by_kind = {}
    for kind in sorted({s.pair.kind for s in scored}):
        group = [s for s in scored if s.pair.kind == kind]
        by_kind[kind] = {"pairs": len(group), "accepted": sum(s.accepted(t) for s in group),
                         "label": group[0].pair.label}
    held_out = {}
    for fold in sorted({s.pair.fold for s in scored}):
        t_fold = choose_threshold([s for s in scored if s.pair.fold != fold])
        held_out[fold] = {"threshold": t_fold, **measure([s for s in scored if s.pair.fold == fold], t_fold)}
    return {"threshold": t, "overall": measure(scored, t), "typed_checks_only": measure(scored, 0.0),
            "by_kind": by_kind, "held_out": held_out}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def report(result: dict) -> str:
    o, typed = result["overall"], result["typed_checks_only"]
    lines = [f"threshold {result['threshold']:.4f} on {o['pairs']} pairs: precision {_pct(o['precision'])}, "
             f"recall {_pct(o['recall'])}, unfaithful accepted {o['unfaithful_accepted']}",
             f"typed checks alone: precision {_pct(typed['precision'])}, recall {_pct(typed['recall'])}, "
             f"unfaithful accepted {typed['unfaithful_accepted']}", "held out (threshold chosen on the other folds):"]
    lines += [f"  {fold}: threshold {m['threshold']:.4f}, precision {_pct(m['precision'])}, recall "
              f"{_pct(m['recall'])} ({m['pairs']} pairs)" for fold, m in result["held_out"].items()]
    lines.append("accepted by kind:")
    lines += [f"  {k:<12} {v['label']:<10} {v['accepted']}/{v['pairs']}" for k, v in result["by_kind"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rag.statement_calibration", description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=Path, default=PAIRS)
    ap.add_argument("--write", action="store_true", help=f"ship the threshold in {CALIBRATION.name}")
    args = ap.parse_args(argv)
    result = calibrate(score_pairs(load_pairs(args.pairs)))
    print(report(result))
    if args.write:
        CALIBRATION.write_text(json.dumps({"pairs": str(args.pairs), "pairs_sha256": digest(args.pairs), **result},
                                          indent=2) + "\n", encoding="utf-8")
        print(f"written: {CALIBRATION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
