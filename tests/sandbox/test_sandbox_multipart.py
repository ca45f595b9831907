"""The streaming multipart reader, on bytes fed in chunks of every size."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.sandbox.multipart import MultipartReader, boundary_of, parse_params
from explorer.sandbox.wire import ApiError

BOUNDARY = "XyZ-boundary-123"


def body(*parts: tuple[str, str | None, bytes], boundary: str = BOUNDARY, preamble=b"") -> bytes:
    out = preamble
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        out += data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def collect(data: bytes, *, chunk: int = 7, read_size: int = 5) -> list[tuple]:
    stream = io.BytesIO(data)
    reader = MultipartReader(lambda n: stream.read(min(n, read_size)), BOUNDARY, chunk=chunk)
    out = []
    while (part := reader.next_part()) is not None:
        out.append((part.name, part.filename, b"".join(reader.chunks())))
    return out


def test_fields_and_files():
    data = body(("experiment_id", None, b"12"), ("file", "a.txt", b"hello\r\nworld"))
    assert collect(data) == [("experiment_id", None, b"12"), ("file", "a.txt", b"hello\r\nworld")]


@given(
    st.lists(st.binary(max_size=60), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=40),
)
def test_any_content_in_any_chunking(contents, chunk, read_size):
    # content that looks like a delimiter but is not one must come through intact
    contents = [c + b"\r\n--XyZ-boundary-12" for c in contents]
    parts = [(f"f{i}", f"{i}.bin", c) for i, c in enumerate(contents)]
    got = collect(body(*parts), chunk=chunk, read_size=read_size)
    assert got == [(n, f, c) for n, f, c in parts]


def test_preamble_and_unread_parts_are_skipped():
    data = body(("a", None, b"1" * 100), ("b", None, b"2"), preamble=b"ignored\r\n")
    stream = io.BytesIO(data)
    reader = MultipartReader(stream.read, BOUNDARY, chunk=16)
    assert reader.next_part().name == "a"
    part = reader.next_part()
    assert part.name == "b"
    assert b"".join(reader.chunks()) == b"2"
    assert reader.next_part() is None


def test_part_headers():
    data = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="we\\"ird;name.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nx\r\n"
        f"--{BOUNDARY}--"
    ).encode()
    reader = MultipartReader(io.BytesIO(data).read, BOUNDARY)
    part = reader.next_part()
    assert (part.name, part.filename, part.content_type) == (
        "file",
        'we"ird;name.txt',
        "text/plain",
    )


def test_extended_filename():
    _, params = parse_params("form-data; name=f; filename=x; filename*=UTF-8''%C3%A9t%C3%A9.txt")
    assert params == {"name": "f", "filename": "été.txt"}


@pytest.mark.parametrize(
    "data",
    [
        body(("a", None, b"1"))[:-12],  # cut before the closing delimiter
        b"no boundary at all" * 2000,
        f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
        f"--{BOUNDARY}\r\nbroken header line\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
        f"--{BOUNDARY}\r\nX-Long: {'y' * 20000}\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
        f"--{BOUNDARY}junk\r\n".encode(),
        b"",
    ],
)
def test_malformed_bodies_are_400(data):
    stream = io.BytesIO(data)
    reader = MultipartReader(stream.read, BOUNDARY, chunk=1024)
    with pytest.raises(ApiError) as caught:
        while reader.next_part() is not None:
            for _ in reader.chunks():
                pass
    assert caught.value.status == 400


def test_boundary_of():
    assert boundary_of(f"multipart/form-data; boundary={BOUNDARY}") == BOUNDARY
    assert boundary_of('Multipart/Form-Data; boundary="a b"') == "a b"
    for bad, status in [
        (None, 400),
        ("application/json", 415),
        ("multipart/form-data", 400),
        ("multipart/form-data; boundary=" + "x" * 71, 400),
    ]:
        with pytest.raises(ApiError) as caught:
            boundary_of(bad)
        assert caught.value.status == status


def test_a_large_part_is_streamed_in_bounded_pieces():
    data = body(("file", "big.bin", b"\x00\r\n-" * 250_000))
    stream = io.BytesIO(data)
    reader = MultipartReader(stream.read, BOUNDARY, chunk=4096)
    reader.next_part()
    sizes = [len(c) for c in reader.chunks()]
    assert sum(sizes) == 1_000_000
    assert max(sizes) <= 4096 + len(BOUNDARY) + 4
