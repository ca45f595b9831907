"""explorer.repl.suggest: what kind of word is expected, from the text alone."""

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.repl.index import CommandIndex, CommandShape
from explorer.repl.suggest import (
    BodyField,
    BodyValue,
    Command,
    FilePath,
    Header,
    HeaderValue,
    Keyword,
    Path,
    PathParamValue,
    QueryKey,
    QueryValue,
    ShellCommandArg,
    SuggestState,
    Target,
    Variable,
    suggest,
)

BARE = SuggestState()
INDEX = CommandIndex.from_shapes(
    [
        CommandShape(("instruments", "list"), "GET", "/public/v1/instruments", ()),
        CommandShape(("instruments", "get"), "GET", "/public/v1/instruments/:id", ("id",)),
        CommandShape(("instruments", "create"), "POST", "/public/v1/instruments", ()),
        CommandShape(
            ("instruments", "commands", "kill"),
            "POST",
            "/public/v1/instruments/:id/commands/:cid/kill",
            ("id", "cid"),
        ),
    ]
)
WITH_COMMANDS = SuggestState(commands=INDEX)
LIST = Target("GET", "/public/v1/instruments")

LONG_LINES = [
    'get /public/v1/instruments sort=-name,updatedAt fields=name,actions.action '
    'family=@LiquidHandler "updatedAt>2023-05-01" limit==5 Accept:application/json',
    'post /api/generic/experiment name="Run {{n}}" protocol_id:={{pid}} '
    "file@/tmp/data.csv X-Trace: {\n  \"description\": \"multi\\nline\",\n  \"tags\": [1, 2]\n}",
    "instruments commands kill {{last.data.0.id}} 'c 1' reason='it hung' --all",
    "cd ../instruments/abc/commands; ls; set pid={{last.id}} x='a b' ; help instruments get",
    "record start demo; headers X-Foo:bar Authorization: ; routes kill \\\n more",
    "put /public/v1/instruments/{{pid}} [0]=a [1][b]:=2 'name\\=x'=y \"odd quote",
]


def test_first_word_is_a_keyword():
    assert suggest("", state=BARE) == [Keyword("")]
    assert suggest("ge", state=BARE) == [Keyword("ge")]


def test_paths_segment_by_segment():
    assert suggest("get /", state=BARE) == [Path("/", "", "GET")]
    assert suggest("get /public/v1/ins", state=BARE) == [Path("/public/v1/", "ins", "GET")]
    assert suggest("delete /public/v1/instruments/", state=BARE) == [
        Path("/public/v1/instruments/", "", "DELETE")
    ]


def test_relative_paths_after_cd():
    state = SuggestState(cwd="/public/v1/instruments")
    found = suggest("get ab", state=state)
    assert Path("/public/v1/instruments/", "ab", "GET") in found
    assert QueryKey(Target("GET", "/public/v1/instruments"), "ab") in found
    assert suggest("get ../ac", state=state) == [Path("/public/v1/", "ac", "GET")]
    assert suggest("cd x/", state=state) == [Path("/public/v1/instruments/x/", "", None)]
    assert suggest("ls ", state=BARE) == [Path("/", "", None)]


def test_an_item_in_the_path_position_uses_the_current_directory():
    state = SuggestState(cwd="/public/v1/instruments")
    assert suggest("get sort=", state=state) == [
        QueryValue(Target("GET", "/public/v1/instruments"), "sort", "", "=")
    ]


def test_query_keys_body_fields_and_headers_after_the_path():
    assert suggest("get /public/v1/instruments so", state=BARE) == [
        QueryKey(LIST, "so"),
        Header("so"),
    ]
    post = Target("POST", "/public/v1/instruments")
    assert suggest("post /public/v1/instruments na", state=BARE) == [
        QueryKey(post, "na"),
        BodyField(post, "na"),
        Header("na"),
    ]


def test_query_values_and_filters():
    assert suggest("get /public/v1/instruments sort=-na", state=BARE) == [
        QueryValue(LIST, "sort", "-na", "=")
    ]
    assert suggest("get /public/v1/instruments fields=name,de", state=BARE) == [
        QueryValue(LIST, "fields", "name,de", "=")
    ]
    assert suggest("get /public/v1/instruments family=@Li", state=BARE) == [
        QueryValue(LIST, "family", "@Li", "=")
    ]
    assert suggest("get /public/v1/instruments updatedAt>2023", state=BARE) == [
        QueryValue(LIST, "updatedAt", "2023", ">")
    ]
    post = Target("POST", "/public/v1/instruments")
    assert suggest("post /public/v1/instruments dry==tr", state=BARE) == [
        QueryValue(post, "dry", "tr", "==")
    ]
    # A plain '=' on POST is a body field value (the spec may list its values).
    assert suggest("post /public/v1/instruments name=H", state=BARE) == [
        BodyValue(post, "name", "H", "=")]


def test_files_headers_and_variables():
    assert suggest("post /api/generic/file/upload file@/tm", state=BARE) == [FilePath("/tm")]
    assert suggest("post /x data=@./", state=BARE) == [FilePath("./")]
    assert suggest("get /x Accept:app", state=BARE) == [
        HeaderValue("Accept", "app", Target("GET", "/x"))]
    assert suggest("get /x/{{la", state=BARE) == [Variable("la")]
    assert suggest("post /x protocol_id:={{pid", state=BARE) == [Variable("pid")]
    assert suggest("get {{last.data.", state=BARE) == [Variable("last.data.")]
    # A closed variable is just text again.
    assert suggest("get /x/{{pid}}", state=BARE) == [Path("/x/", "{{pid}}", "GET")]


def test_shell_command_arguments():
    assert suggest("help ins", state=BARE) == [ShellCommandArg("help", (), "ins")]
    assert suggest("record st", state=BARE) == [ShellCommandArg("record", (), "st")]
    assert suggest("set a=1 p", state=BARE) == [ShellCommandArg("set", ("a=1",), "p")]


def test_generated_commands_word_by_word():
    assert suggest("instruments ", state=WITH_COMMANDS) == [Command(("instruments",), "")]
    assert suggest("instruments commands k", state=WITH_COMMANDS) == [
        Command(("instruments", "commands"), "k")
    ]


def test_generated_command_parameters_come_from_their_lists():
    assert suggest("instruments get a", state=WITH_COMMANDS) == [
        PathParamValue("/public/v1/instruments", "id", "a")
    ]
    assert suggest("instruments commands kill abc ", state=WITH_COMMANDS) == [
        PathParamValue("/public/v1/instruments/abc/commands", "cid", "")
    ]


def test_generated_command_items_target_the_concrete_path():
    assert suggest("instruments list so", state=WITH_COMMANDS) == [
        QueryKey(LIST, "so"),
        Header("so"),
    ]
    kill = Target("POST", "/public/v1/instruments/a/commands/c/kill")
    assert BodyField(kill, "") in suggest("instruments commands kill a c ", state=WITH_COMMANDS)


def test_unknown_words_suggest_nothing():
    assert suggest("frobnicate ", state=WITH_COMMANDS) == []
    assert suggest("instruments ", state=BARE) == []


def test_inside_a_json_body_nothing_is_suggested():
    assert suggest('post /x {"na', state=BARE) == []


def test_every_prefix_of_long_lines_is_safe():
    for state in (BARE, WITH_COMMANDS, SuggestState(cwd="/public/v1/instruments")):
        for line in LONG_LINES:
            for end in range(len(line) + 1):
                result = suggest(line[:end], state=state)
                assert isinstance(result, list)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("get /{}[]=:@<>!;'\"\\.,-_x1\n\t ")), max_size=60))
def test_arbitrary_text_never_raises(text):
    suggest(text, state=WITH_COMMANDS)
    suggest(text, state=SuggestState(cwd="/a/b"))


@given(st.text(max_size=40))
def test_arbitrary_unicode_never_raises(text):
    suggest(text, state=WITH_COMMANDS)


def test_a_relative_path_with_a_query_is_a_path_not_an_item():
    state = SuggestState(cwd="/public/v1")
    # the first word has '?' or '/' before its first separator: the items come after it
    assert suggest("get instruments?limit=1 so", state=state) == [
        QueryKey(LIST, "so"),
        Header("so"),
    ]
    assert suggest("get ./instruments?fields=name so", state=state)[0] == QueryKey(LIST, "so")
    assert suggest("get instruments/x?a=1 so", state=state)[0] == QueryKey(
        Target("GET", "/public/v1/instruments/x"), "so"
    )
    # still an item when the separator comes first
    assert suggest("get url==http://x/y so", state=state)[0] == QueryKey(
        Target("GET", "/public/v1"), "so"
    )


def test_items_being_typed_split_as_request_items_do():
    # ';' separates only at the end (an empty header): nothing is left to complete
    assert suggest("post /x X-Empty;", state=BARE) == []
    assert suggest("post /x a;b=", state=BARE) == [  # a body field: its spec's values, if any
        BodyValue(Target("POST", "/x"), "a;b", "", "=")]
    # A backslash escapes only a separator character, as in explorer.items: the word
    # a\\=b (typed a\\\\=b) is a literal backslash, then an escaped '='.
    typed = "get /x a" + "\\" * 4 + "=b"
    word = "a" + "\\" * 2 + "=b"
    assert suggest(typed, state=BARE) == [QueryKey(Target("GET", "/x"), word), Header(word)]


def test_completion_puts_a_plain_item_where_the_parser_sends_it():
    # one table of query methods (explorer.items.syntax) for the parser and completion
    from explorer.items import parse_items

    for method in ("GET", "DELETE", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"):
        target = Target(method, "/public/v1/instruments")
        (found,) = suggest(f"{method.lower()} /public/v1/instruments name=Pi", state=BARE)
        in_query = bool(parse_items(["name=Pi"], method=method).query)
        assert found == (QueryValue(target, "name", "Pi", "=") if in_query
                         else BodyValue(target, "name", "Pi", "="))
        assert in_query == (method in ("GET", "DELETE", "HEAD", "OPTIONS"))


def test_command_words_come_from_the_registry_index_case_insensitively():
    from explorer.registry import Registry, Route

    index = CommandIndex.from_registry(Registry([
        Route("GET", "/pets{/:id}", command="Pets Show"),
        Route("POST", "/pets/:id/feed", command="Pets Feed-Now"),
    ]))
    state = SuggestState(commands=index)
    assert index.next_words(("pets",), "f") == {"Feed-Now": "POST /pets/:id/feed"}
    assert suggest("PETS ", state=state) == [Command(("pets",), "")]
    assert suggest("pets show ", state=state) == [PathParamValue("/pets", "id", "")]
    assert suggest("pets feed-now ", state=state) == [PathParamValue("/pets", "id", "")]
    assert suggest("Pets Show 7 x", state=state)[0] == QueryKey(Target("GET", "/pets/7"), "x")
