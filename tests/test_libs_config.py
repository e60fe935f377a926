"""Settings through Flask's from_prefixed_env: typed, derived defaults kept, overrides win."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("FACILITATOR_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(tmp_path / "data"))

    def set_(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"FACILITATOR_{key}", value)
    return set_


def test_defaults_and_derived_values(env, tmp_path):
    cfg = load_config()
    data = tmp_path / "data"
    assert cfg["DATA_DIR"] == str(data) and data.is_dir()
    assert cfg["DATABASE"] == str(data / "facilitator.db")
    key = (data / "secret_key").read_text().strip()
    assert cfg["SECRET_KEY"] == key and len(key) > 40
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_config()["SECRET_KEY"] == key, "the key survives a restart"
    assert cfg["SESSION_COOKIE_SECURE"] is False and cfg["REMEMBER_COOKIE_SECURE"] is False
    assert cfg["SESSION_COOKIE_HTTPONLY"] is True and cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["TRUST_PROXY"] is False and cfg["RATELIMIT_ENABLED"] is True
    assert cfg["PUSH_DELAY"] == 0.05 and cfg["MAX_MESSAGE_BYTES"] == 65536
    assert cfg["INTERVISION_RETENTION_DAYS"] == 30 and cfg["ACTION_RATE"] == "30/10second"
    assert "BIND_HOST" not in cfg and "BIND_PORT" not in cfg


@pytest.mark.parametrize("raw, expected", [
    ("1", True), ("true", True), ("yes", True), ("ON", True),
    ("0", False), ("false", False), ("no", False), ("off", False),
])
def test_booleans_in_every_spelling(env, raw, expected):
    env(TRUST_PROXY=raw, RATELIMIT_ENABLED=raw)
    cfg = load_config()
    assert cfg["TRUST_PROXY"] is expected and cfg["RATELIMIT_ENABLED"] is expected


def test_numbers_and_texts_from_the_environment(env):
    env(PUSH_DELAY="0.2", MAX_MESSAGE_BYTES="1000", INTERVISION_RETENTION_DAYS="7",
        PUBLIC_URL="https://workshops.example.org", SECRET_KEY="1e3",
        ACTION_RATE="5/second")
    cfg = load_config()
    assert cfg["PUSH_DELAY"] == 0.2 and isinstance(cfg["PUSH_DELAY"], float)
    assert cfg["MAX_MESSAGE_BYTES"] == 1000 and cfg["INTERVISION_RETENTION_DAYS"] == 7
    assert cfg["PUBLIC_URL"] == "https://workshops.example.org"
    assert cfg["SECRET_KEY"] == "1e3", "a text setting is not read as JSON"
    assert cfg["ACTION_RATE"] == "5/second"
    # https makes the cookies Secure.
    assert cfg["SESSION_COOKIE_SECURE"] is True and cfg["REMEMBER_COOKIE_SECURE"] is True


def test_overrides_win_over_the_environment(env, tmp_path):
    env(PUSH_DELAY="0.2", TRUST_PROXY="1", PUBLIC_URL="https://a.example")
    other = tmp_path / "other"
    cfg = load_config({"PUSH_DELAY": 0, "TRUST_PROXY": False, "DATA_DIR": str(other),
                       "SESSION_COOKIE_SECURE": False})
    assert cfg["PUSH_DELAY"] == 0.0 and cfg["TRUST_PROXY"] is False
    assert cfg["DATABASE"] == str(other / "facilitator.db")
    assert cfg["SESSION_COOKIE_SECURE"] is False and cfg["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key, raw", [
    ("PUSH_DELAY", "soon"), ("MAX_MESSAGE_BYTES", "1.5"), ("MAX_MESSAGE_BYTES", "-3"),
    ("INTERVISION_RETENTION_DAYS", "true"), ("TRUST_PROXY", "maybe"), ("RATELIMIT_ENABLED", "2"),
])
def test_a_bad_value_names_the_variable(env, key, raw):
    env(**{key: raw})
    with pytest.raises(ConfigError, match=f"FACILITATOR_{key}: expected .*{raw!r}"):
        load_config()


def test_a_bad_value_stops_the_start(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    environ["FACILITATOR_PUSH_DELAY"] = "soon"
    done = subprocess.run(
        [sys.executable, "run.py", "--data", str(tmp_path), "purge"], cwd=ROOT, env=environ,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert "FACILITATOR_PUSH_DELAY: expected a number of 0 or more, got 'soon'" in done.stderr
