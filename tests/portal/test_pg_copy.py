import io

from portal import pg_copy


def test_line_ends_become_crlf_outside_quotes_only_whatever_the_blocks(monkeypatch):
    monkeypatch.setattr(pg_copy, "BLOCK", 1)  # convert after every write
    text = b'h1,h2\n"a\nb",""""\n"x""\n""y",z\n'
    output, counted = io.BytesIO(), []
    sink = pg_copy.CrlfRecords(output, counted.append)
    for byte in text:
        sink.write(bytes([byte]))
    sink.flush()

    assert output.getvalue() == b'h1,h2\r\n"a\nb",""""\r\n"x""\n""y",z\r\n'
    assert sum(counted) == 2


def test_json_lines_become_one_array_whatever_the_blocks(monkeypatch):
    monkeypatch.setattr(pg_copy, "BLOCK", 1)
    output, counted = io.BytesIO(), []
    sink = pg_copy.JsonArray(output, counted.append)
    for line in (b'{"a": 1}\n', b'{"b": "x\\ny"}\n', b"{}\n"):
        sink.write(line)
    sink.flush()

    assert output.getvalue() == b'\n{"a": 1},\n{"b": "x\\ny"},\n{}'
    assert sum(counted) == 3
