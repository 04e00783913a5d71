"""Settings: field names work as keyword arguments, bad values and unknown keys fail with one clear line."""
from __future__ import annotations

import pytest

from rag.cli import main
from rag.settings import Settings, SettingsError


def test_field_names_and_variable_names_both_work():
    assert Settings(_env_file=None, retrieval_k=2).retrieval_k == 2
    assert Settings(_env_file=None, RAG_RETRIEVAL_K=3).retrieval_k == 3


@pytest.mark.parametrize("value", [0, -1, "0"])
def test_k_below_one_is_rejected(value, monkeypatch):
    with pytest.raises(SettingsError, match="retrieval_k.*greater than or equal to 1"):
        Settings(_env_file=None, retrieval_k=value)
    monkeypatch.setenv("RAG_RETRIEVAL_K", str(value))
    with pytest.raises(SettingsError, match=r"^invalid setting RAG_RETRIEVAL_K='-?\d+': .*greater than or equal to 1$"):
        Settings(_env_file=None)


@pytest.mark.parametrize("kwargs", [{"per_source_cap": 0}, {"max_sources": 0}, {"chroma_port": 70000},
                                    {"answer_threshold": 1.5}, {"fetch_timeout": 0}, {"chunk_max_tokens": 400}])
def test_other_out_of_range_values(kwargs):
    with pytest.raises(SettingsError, match=next(iter(kwargs))):
        Settings(_env_file=None, **kwargs)


def test_unknown_keyword_names_the_close_match():
    with pytest.raises(SettingsError, match=r"unknown setting: retreival_k \(did you mean retrieval_k\?\)"):
        Settings(_env_file=None, retreival_k=3)


def test_misspelt_dotenv_key_is_rejected_with_close_matches(tmp_path):
    env = tmp_path / ".env"
    env.write_text("RAG_RETREIVAL_K=4\nOPENAI_API_KEY=sk-x\nRAG_MODEL_CACHE=/tmp\nCHROMA_PORT=8001\n")
    with pytest.raises(SettingsError) as e:
        Settings(_env_file=env)
    assert str(e.value) == (f"unknown key in {env}: RAG_RETREIVAL_K (did you mean RAG_RETRIEVAL_K?); "
                            "the keys are listed in .env.example")
    env.write_text("OPENAI_API_KEY=sk-x\nRAG_MODEL_CACHE=/tmp\nCHROMA_PORT=8001\n")  # others' keys are fine
    assert Settings(_env_file=env).chroma_port == 8001


def test_env_example_loads_as_a_dotenv_file():
    from tests.conftest import REPO

    assert Settings(_env_file=REPO / ".env.example").chroma_collection == "news"


def test_cli_prints_one_line_and_no_traceback(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_RETRIEVAL_K", "0")
    assert main(["search", "anything"]) == 2
    err = capsys.readouterr().err
    assert err == "error: invalid setting RAG_RETRIEVAL_K='0': Input should be greater than or equal to 1\n"
