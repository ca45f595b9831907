"""explorer.repl.history: secrets never reach the history file."""

from explorer.repl.history import ScrubbedFileHistory, scrub


def test_known_secret_values_are_masked_anywhere():
    assert scrub("get /x?t=tok-12345 tok-12345", ["tok-12345"]) == "get /x?t=*** ***"


def test_credential_headers_and_options():
    assert scrub("get /x Authorization:'Bearer abc'") == "get /x Authorization:'***'"
    assert scrub("get /x Authorization:Bearer abc def") == "get /x Authorization:*** def"
    # Inside a quoted word the closing quote stays.
    assert scrub('get /x "Authorization:Bearer abc" y') == 'get /x "Authorization:***" y'
    assert scrub("get /x 'apikey:k1'") == "get /x 'apikey:***'"
    assert scrub("get /x apikey:k1 X-Api-Key:k2") == "get /x apikey:*** X-Api-Key:***"
    assert scrub("headers Cookie:sid=1") == "headers Cookie:***"
    assert scrub("explorer --token abc --api-key=k") == "explorer --token *** --api-key=***"


def test_secret_fields_in_items_and_json_bodies():
    assert scrub("post /login username=u password=hunter2") == (
        "post /login username=u password=***"
    )
    assert scrub('post /login password="a b c"') == 'post /login password="***"'
    assert scrub('post /login {"username": "u", "password": "p\\"w"}') == (
        'post /login {"username": "u", "password": "***"}'
    )
    assert scrub("post /x api_key:='\"k\"' token==t") == "post /x api_key:='***' token==***"


def test_ordinary_lines_are_unchanged():
    line = "get /public/v1/instruments sort=-name family=@LiquidHandler"
    assert scrub(line, ["secret-token"]) == line


def test_file_gets_the_scrubbed_line_memory_keeps_the_typed_one(tmp_path):
    path = tmp_path / "history"
    history = ScrubbedFileHistory(str(path), secrets=lambda: ["tok-12345"])
    history.append_string("get /x Authorization:'Bearer tok-12345'")
    assert "tok-12345" not in path.read_text()
    assert "get /x Authorization:'***'" in path.read_text()
    assert history.get_strings()[-1] == "get /x Authorization:'Bearer tok-12345'"
    again = ScrubbedFileHistory(str(path), secrets=lambda: [])
    assert list(again.load_history_strings()) == ["get /x Authorization:'***'"]
