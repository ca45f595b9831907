"""Arbitrary config files, credentials files and token files: each is read, or refused
with a ConfigError naming the file and the problem on one line; none is ever changed."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import config as cfg
from explorer.errors import ConfigError
from explorer.render.text import one_line

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

KEYS = st.sampled_from([*sorted(cfg.PROFILE_KEYS | cfg.SETTING_KEYS), "default_profile", "x"])
BARE = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=8)
TOML_VALUES = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", "inf", "nan", "[]", "{}", "[1, 2]", '{ "A" = "b" }',
                     '{ "A" = 1 }', "1979-05-27", '"""x"""', "'lit'", '"\\u00e9"', '"\\q"']),
    st.text(max_size=10).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


@st.composite
def tomlish(draw) -> bytes:
    """Documents near a real config.toml: known tables and keys, odd values, some noise."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["pair", "pair", "settings", "profile", "noise"]))
        if kind == "pair":
            lines.append(f"{draw(KEYS)} = {draw(TOML_VALUES)}")
        elif kind == "settings":
            lines.append("[settings]")
        elif kind == "profile":
            lines.append(f"[profiles.{draw(BARE)}]")
        else:
            lines.append(draw(st.text(max_size=20)))
    text = "\n".join(lines)
    encoded = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(encoded)))
        encoded = encoded[:cut]  # a file cut short
    return encoded


def check_error(exc: ConfigError, path) -> None:
    message = str(exc)
    assert str(path) in message
    assert len(one_line(message).splitlines()) == 1


@SETTINGS
@given(st.one_of(tomlish(), st.binary(max_size=300)))
def test_any_config_file_loads_or_raises_a_config_error(tmp_path, data):
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    try:
        config = cfg.load_config(path)
    except ConfigError as exc:
        check_error(exc, path)
    else:
        assert isinstance(config, cfg.Config)
        for name in config.profiles:
            profile = cfg.select_profile(config, name)
            assert profile.timeout > 0
    assert path.read_bytes() == data


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**9), st.floats(), st.text(max_size=6),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.text(max_size=4),
                                                         max_size=2),
)


@st.composite
def config_shaped(draw) -> dict:
    """The shape of a real config, every value drawn from odd ones (nan, -1, lists...)."""
    data: dict = {}
    if draw(st.booleans()):
        data["settings"] = draw(st.dictionaries(st.sampled_from(sorted(cfg.SETTING_KEYS)),
                                                ODD_VALUES, max_size=4))
    names = draw(st.lists(BARE, max_size=3, unique=True))
    data["profiles"] = {
        name: draw(st.dictionaries(st.sampled_from(sorted(cfg.PROFILE_KEYS)), ODD_VALUES,
                                   max_size=5))
        for name in names
    }
    if names and draw(st.booleans()):
        data["default_profile"] = draw(st.sampled_from(names))
    return data


@SETTINGS
@given(config_shaped())
def test_a_config_that_loads_has_only_usable_values(data):
    try:
        config = cfg.parse_config(data)
    except ConfigError as exc:
        assert str(exc).startswith("config: ")
        return
    settings = config.settings
    assert settings.discovery_ttl >= 0  # nan fails this too
    assert settings.highlight_limit >= 0 and not isinstance(settings.highlight_limit, bool)
    for profile in config.profiles.values():
        assert 0 < profile.timeout < float("inf")
        assert all(isinstance(v, str) for v in profile.headers.values())
        for key in ("url", "token", "token_file", "api_key", "spec", "routes", "ca_bundle"):
            assert getattr(profile, key) is None or isinstance(getattr(profile, key), str)


@SETTINGS
@given(st.dictionaries(st.text(max_size=8), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=12)))
def test_any_parsed_document_is_a_config_or_a_config_error(tmp_path, data):
    try:
        cfg.parse_config(data, path=tmp_path / "config.toml")
    except ConfigError as exc:
        check_error(exc, tmp_path / "config.toml")


@SETTINGS
@given(st.binary(max_size=200))
def test_any_credentials_file_loads_or_raises_a_config_error(tmp_path, data):
    path = tmp_path / "credentials.json"
    path.write_bytes(data)
    try:
        saved = cfg.load_credentials(path)
    except ConfigError as exc:
        check_error(exc, path)
    else:
        assert all(isinstance(v, dict) for v in saved.values())
    assert path.read_bytes() == data


@SETTINGS
@given(st.binary(max_size=100))
def test_any_token_file_gives_a_token_or_a_config_error(tmp_path, data):
    path = tmp_path / "token.txt"
    path.write_bytes(data)
    path.chmod(0o600)
    warnings: list[str] = []
    try:
        token = cfg.read_token_file(str(path), warn=warnings.append)
    except ConfigError as exc:
        check_error(exc, path)
    else:
        assert token and token == token.strip() and "\n" not in token
    assert warnings == []  # a private file: no warning
