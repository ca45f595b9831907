"""config.toml profiles, XDG directories, the credentials file and token files."""

from __future__ import annotations

import os
import stat

import pytest

from explorer import config as cfg
from explorer.errors import ConfigError

CONFIG = """
default_profile = "labos"

[settings]
confirm_destructive = false
pager = "less -FRX"
discovery_ttl = 60

[profiles.labos]
url = "http://127.0.0.1:9"
token_file = "~/token.txt"
timeout = 5

[profiles.labstep]
url = "http://127.0.0.1:8"
routes = "labstep"
headers = { "X-Client" = "explorer" }
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_HOME", str(tmp_path))
    monkeypatch.delenv("EXPLORER_PROFILE", raising=False)
    return tmp_path


def write_config(home, text):
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_directories_follow_explorer_home(home):
    assert cfg.config_dir() == home / "config"
    assert cfg.cache_dir() == home / "cache"
    assert cfg.data_dir() == home / "data"


def test_directories_follow_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("EXPLORER_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "k"))
    assert cfg.config_dir() == tmp_path / "c" / "explorer"
    assert cfg.cache_dir() == tmp_path / "k" / "explorer"


def test_missing_config_is_empty(home):
    config = cfg.load_config()
    assert config.profiles == {}
    assert cfg.select_profile(config, None).name == "default"


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ('""', False), ("true", None), ('"most"', "most")]
)
def test_pager_false_is_not_the_same_as_unset(home, value, expected):
    write_config(home, f"[settings]\npager = {value}\n")
    found = cfg.load_config().settings.pager
    assert found == expected and type(found) is type(expected)


def test_profiles_and_settings(home):
    write_config(home, CONFIG)
    config = cfg.load_config()
    assert config.settings.confirm_destructive is False
    assert config.settings.pager == "less -FRX"
    assert config.settings.discovery_ttl == 60.0
    labos = cfg.select_profile(config, None)
    assert (labos.name, labos.url, labos.token_file, labos.timeout) == (
        "labos",
        "http://127.0.0.1:9",
        "~/token.txt",
        5.0,
    )
    labstep = cfg.select_profile(config, "labstep")
    assert labstep.routes == "labstep"
    assert labstep.headers == {"X-Client": "explorer"}


def test_environment_chooses_the_profile(home, monkeypatch):
    write_config(home, CONFIG)
    monkeypatch.setenv("EXPLORER_PROFILE", "labstep")
    assert cfg.select_profile(cfg.load_config(), None).name == "labstep"


def test_overrides_replace_only_given_values(home):
    write_config(home, CONFIG)
    profile = cfg.select_profile(cfg.load_config(), "labos").with_overrides(
        url="http://x", spec=None
    )
    assert profile.url == "http://x"
    assert profile.token_file == "~/token.txt"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[profiles.a\nurl=1", "not valid TOML"),
        ("[profiles.a]\nurl = 1", "profiles.a.url must be a string"),
        ("[profiles.a]\ncolour = 'x'", "unknown key 'colour'"),
        ("[profiles.a]\ntimeout = -1", "timeout must be a positive number"),
        ("[settings]\nconfirm_destructive = 'yes'", "confirm_destructive must be a bool"),
        ("[settings]\nfoo = 1", "unknown setting 'foo'"),
        ("default_profile = 'nope'", "default_profile 'nope' is not defined"),
        ("profiles = 3", "must be a table"),
    ],
)
def test_bad_config_is_one_clear_error_and_the_file_is_kept(home, text, message):
    path = write_config(home, text)
    with pytest.raises(ConfigError, match=message) as info:
        cfg.load_config()
    assert "\n" not in str(info.value).strip()
    assert path.read_text() == text


def test_unknown_profile_names_the_known_ones(home):
    write_config(home, CONFIG)
    with pytest.raises(ConfigError, match="unknown profile 'x'.*labos, labstep"):
        cfg.select_profile(cfg.load_config(), "x")


def test_credentials_are_private_and_merged(home):
    path = cfg.save_credential("labstep", {"api_key": "k1"})
    cfg.save_credential("labstep", {"username": "me"})
    cfg.save_credential("other", {"api_key": "k2"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cfg.load_credentials() == {
        "labstep": {"api_key": "k1", "username": "me"},
        "other": {"api_key": "k2"},
    }
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_corrupt_credentials_are_an_error_not_a_crash(home):
    path = cfg.credentials_path()
    path.parent.mkdir(parents=True)
    path.write_text("{nope")
    with pytest.raises(ConfigError, match="cannot read credentials"):
        cfg.load_credentials()


def test_token_file_first_line_and_permission_warning(tmp_path):
    token = tmp_path / "token.txt"
    token.write_text("\n  abc.def  \nignored\n")
    os.chmod(token, 0o644)
    warnings = []
    assert cfg.read_token_file(str(token), warn=warnings.append) == "abc.def"
    assert len(warnings) == 1 and "readable by other users" in warnings[0]
    assert "abc.def" not in warnings[0]
    os.chmod(token, 0o600)
    warnings.clear()
    cfg.read_token_file(str(token), warn=warnings.append)
    assert warnings == []


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_empty_token_file(tmp_path, content):
    token = tmp_path / "token.txt"
    token.write_text(content)
    with pytest.raises(ConfigError, match="is empty"):
        cfg.read_token_file(str(token))


def test_missing_token_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read token file"):
        cfg.read_token_file(str(tmp_path / "none.txt"))
