"""explorer.repl.line: words, quotes, trailing JSON bodies, completeness, relative paths."""

from hypothesis import given
from hypothesis import strategies as st

from explorer.repl.line import is_complete, json_balanced, resolve_path, tokenize


def test_words_follow_shell_quoting():
    line = tokenize("""post /x name="HPLC 2" 'a b'=c d\\ e""")
    assert line.values == ["post", "/x", "name=HPLC 2", "a b=c", "d e"]
    assert line.body is None


def test_word_positions_point_into_the_text():
    text = "get  /public/v1"
    words = tokenize(text).words
    assert [(w.start, w.end) for w in words] == [(0, 3), (5, 15)]


def test_a_trailing_json_object_is_a_raw_body_across_lines():
    text = 'post /x name=a {\n  "family": "PlateReader"\n}'
    line = tokenize(text)
    assert line.values == ["post", "/x", "name=a"]
    assert line.body == '{\n  "family": "PlateReader"\n}'


def test_variables_and_nested_item_paths_are_not_bodies():
    assert tokenize("get /x/{{pid}}").body is None
    assert tokenize("post /x [0]=a [1][b]:=2").values == ["post", "/x", "[0]=a", "[1][b]:=2"]
    assert tokenize('post /x [{"a": 1}]').body == '[{"a": 1}]'


def test_the_first_word_is_never_a_body():
    assert tokenize("{x}").values == ["{x}"]


def test_open_quote_and_dangling_escape_are_reported():
    assert tokenize('post /x name="HPLC').open_quote
    assert tokenize("get /x\\").dangling_escape
    assert tokenize('get /x "a b"').open_quote is False


def test_backslash_newline_continues_a_word():
    assert tokenize("get /public\\\n/v1").values == ["get", "/public/v1"]


def test_at_new_word():
    assert tokenize("get ").at_new_word
    assert not tokenize("get").at_new_word
    assert tokenize("").at_new_word


def test_is_complete_for_quotes_and_bodies():
    assert is_complete("get /x")
    assert is_complete("")
    assert not is_complete('post /x name="a')
    assert not is_complete("post /x {")
    assert not is_complete('post /x {"a": [1, 2}')
    assert is_complete('post /x {"a": [1, 2]}')
    assert is_complete('post /x {"a": "}"}')
    assert not is_complete('post /x {"a": "unterminated}')
    assert not is_complete("get /x\\")


def test_after_a_pipe_brackets_are_the_filter_and_enter_runs_the_line():
    # an unclosed bracket in a | EXPR is JMESPath's error to report (one line), never a
    # JSON body that Enter keeps continuing
    assert is_complete("get /x | [")
    assert is_complete("get /x | [?status=='idle'")
    assert is_complete("get /x | {n: name")
    assert tokenize("get /x | [0].name").body is None
    assert not is_complete("post /x [")  # a JSON body still continues
    assert not is_complete('post /x {"a": "|"')


def test_json_balanced_ignores_brackets_in_strings():
    assert json_balanced('{"a": "[[["}')
    assert not json_balanced('{"a": "\\"}')


def test_resolve_path():
    assert resolve_path("/public/v1/instruments", "abc") == "/public/v1/instruments/abc"
    assert resolve_path("/public/v1/instruments", "..") == "/public/v1"
    assert resolve_path("/public/v1", "./instruments/") == "/public/v1/instruments/"
    assert resolve_path("/", "../..") == "/"
    assert resolve_path("/a", "b?x=1&y=..") == "/a/b?x=1&y=.."
    # Absolute paths without dot segments come back exactly as typed.
    assert resolve_path("/a", "/public//v1/") == "/public//v1/"
    assert resolve_path("/a", "/public/v1/../v2") == "/public/v2"


@given(st.text(max_size=80))
def test_tokenize_and_is_complete_never_raise(text):
    line = tokenize(text)
    is_complete(text)
    for word in line.words:
        assert 0 <= word.start <= word.end <= len(text)
