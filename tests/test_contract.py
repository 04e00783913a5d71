"""docs/answer-contract.md is in the repo and in sync with the models; the CLI says what its offsets are."""
from __future__ import annotations

import re

import pytest

from rag import contract
from rag.models import Answer, Quote, Source
from rag.render import answer_to_text
from tests.conftest import REPO


def test_generated_tables_match_the_models():
    assert contract.main(["--check"]) == 0, "docs/answer-contract.md is stale: run python -m rag.contract"


@pytest.mark.parametrize("model", contract.OUTPUT_MODELS + contract.INPUT_MODELS, ids=lambda m: m.__name__)
def test_every_field_is_described(model):
    assert model.__doc__ and [n for n, f in model.model_fields.items() if not f.description] == []


def test_the_example_is_a_valid_answer():
    text = (REPO / "docs" / "answer-contract.md").read_text(encoding="utf-8")
    example = re.search(r"## Example\n\n```json\n(.*?)```", text, re.S).group(1)
    answer = Answer.model_validate_json(example)
    assert answer.quotes[0].source.outlet == "GateOfWise"


def test_no_reference_to_a_missing_design_doc():
    for path in [REPO / "README.md", *sorted((REPO / "rag").glob("*.py"))]:
        assert "DESIGN.md" not in path.read_text(encoding="utf-8"), path


def test_cli_names_the_offsets():
    source = Source(id="d", path="a.md", outlet="Wire")
    answer = Answer(question="q", answer="Wire: “x” [1]", abstained=False,
                    quotes=[Quote(id=1, text="x", source=source, start=5, end=6)])
    assert "a.md (cleaned text, chars 5-6)" in answer_to_text(answer)
