"""A file holding a credential that group or others can read gets one warning line:
config.toml with a token, an API key or a credential header in a profile, and
credentials.json (like a token file).  A private file, or a config without credentials,
gets none; a file is named once per process."""

from __future__ import annotations

import json

import pytest

from explorer import config as cfg

PROFILE = '[profiles.lab]\nurl = "http://127.0.0.1:9"\n'


def _write(path, text, mode):
    path.write_text(text)
    path.chmod(mode)
    return path


def _config_warnings(path) -> list[str]:
    warnings: list[str] = []
    cfg.load_config(path, warn=warnings.append)
    return warnings


@pytest.mark.parametrize(
    "credential",
    ['token = "tok-1234"\n', 'api_key = "key-1234"\n',
     'headers = { "X-Auth-Token" = "tok-1234" }\n', 'headers = { "Authorization" = "Bearer x" }\n'],
)
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_shared_config_holding_a_credential_is_named(tmp_path, credential, mode):
    path = _write(tmp_path / "config.toml", PROFILE + credential, mode)
    assert _config_warnings(path) == [
        f"config file {path}, which holds a credential, is readable by other users; "
        f"run: chmod 600 {path}"
    ]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        (PROFILE + 'token = "tok-1234"\n', 0o600),
        (PROFILE + 'token_file = "~/token.txt"\nheaders = { "X-Client" = "me" }\n', 0o644),
        ("[settings]\npager = false\n", 0o644),
    ],
)
def test_a_private_config_or_one_without_credentials_is_not(tmp_path, text, mode):
    assert _config_warnings(_write(tmp_path / "config.toml", text, mode)) == []


def test_shared_credentials_are_named(tmp_path):
    path = _write(tmp_path / "credentials.json", json.dumps({"lab": {"api_key": "k-1"}}), 0o644)
    warnings: list[str] = []
    assert cfg.load_credentials(path, warn=warnings.append) == {"lab": {"api_key": "k-1"}}
    assert warnings == [
        f"credentials file {path} is readable by other users; run: chmod 600 {path}"
    ]


@pytest.mark.parametrize(("text", "mode"), [('{"lab": {"api_key": "k-1"}}', 0o600),
                                            ("{}", 0o644)])
def test_private_or_empty_credentials_are_not(tmp_path, text, mode):
    path = _write(tmp_path / "credentials.json", text, mode)
    warnings: list[str] = []
    cfg.load_credentials(path, warn=warnings.append)
    assert warnings == []


def test_a_file_is_named_once_and_again_after_a_change_of_mode(tmp_path):
    path = _write(tmp_path / "config.toml", PROFILE + 'token = "tok-1234"\n', 0o644)
    warnings: list[str] = []
    for _ in range(3):
        cfg.load_config(path, warn=warnings.append)
    assert len(warnings) == 1
    path.chmod(0o664)
    cfg.load_config(path, warn=warnings.append)
    assert len(warnings) == 2


def test_saving_a_credential_makes_the_file_private_without_a_warning(tmp_path, capsys):
    path = _write(tmp_path / "credentials.json", json.dumps({"old": {"api_key": "k-0"}}), 0o644)
    cfg.save_credential("lab", {"api_key": "k-1"}, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert capsys.readouterr().err == ""
