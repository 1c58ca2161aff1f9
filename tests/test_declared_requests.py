"""The request records (request.SearchRequest and its kin) are declared on fields.Model: values
that are plainly valid are checked without pydantic, the rest by the pydantic model generated
from the same declaration. Either way a request holds what pydantic would make of the values,
and refuses what pydantic refuses, with pydantic's error."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from podkb.batch import BatchQuery
from podkb.fields import Model
from podkb.mcp_tools import EpisodesArgs, QuotesArgs, SearchArgs
from podkb.request import SearchRequest, TurnFilter

DECLARED = [TurnFilter, SearchRequest, BatchQuery, SearchArgs, QuotesArgs, EpisodesArgs]

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=12_000),
    st.sampled_from([0, 1, 10, 50, 51, 10_000, 10_001]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "host", "guest", "boss", "2024", "2024-02", "2024-13", "5"]),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=2),
)


def _outcome(validate, data):
    """What validating gives: ("ok", the fields' values) or ("refused", pydantic's errors)."""
    try:
        record = validate(data)
    except ValidationError as exc:
        return "refused", [(e["loc"], e["msg"], e["type"]) for e in exc.errors()]
    return "ok", {name: getattr(record, name) for name in type(record).model_fields}


@pytest.mark.parametrize("declared", DECLARED, ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_request_is_what_pydantic_makes_of_the_values(declared, data):
    names = [*declared.model_fields, "bogus"]
    given_values = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=5))
    assert _outcome(declared.model_validate, given_values) == _outcome(
        declared.pydantic_model().model_validate, given_values
    )


@pytest.mark.parametrize(
    ("values", "refused"),
    [
        ({"query": "x", "limit": -1}, "greater than or equal to 0"),
        ({"query": "x", "limit": 10_001}, "less than or equal to 10000"),
        ({"query": "x", "role": "boss"}, "Input should be 'host' or 'guest'"),
        ({"since": "2024-13"}, "'2024-13' is not a date"),
        ({"speaker": 5}, "Input should be a valid string"),
        ({"quer": "x"}, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_value_is_refused_with_pydantics_message(values, refused):
    with pytest.raises(ValidationError, match=refused):
        SearchRequest(**values)


def test_a_batch_entry_keeps_its_own_checks():
    with pytest.raises(ValidationError, match="give a query, or a filter"):
        BatchQuery.model_validate({"name": "empty"})
    with pytest.raises(ValidationError, match="at least 1 character"):
        BatchQuery.model_validate({"query": "x", "name": ""})
    assert BatchQuery.model_validate({"query": "x", "name": "a"}).request() == SearchRequest(
        query="x"
    )


@pytest.mark.parametrize("declared", DECLARED, ids=lambda m: m.__name__)
def test_every_field_is_declared_with_podkbs_field_not_pydantics(declared):
    """pydantic's Field in a fields.Model would be a field's default value, not its declaration:
    it would reach the store as a value (as a batch entry's name once did)."""
    generated = declared.pydantic_model()
    assert list(generated.model_fields) == list(declared.model_fields)
    for name, spec in declared.model_fields.items():
        assert not isinstance(spec.default, FieldInfo), f"{declared.__name__}.{name}"
        assert generated.model_fields[name].description == spec.description


def test_a_request_of_plainly_valid_values_builds_no_pydantic_model():
    code = (
        "import sys\n"
        "from podkb.request import SearchRequest\n"
        "r = SearchRequest(query='x', limit=5, role='guest', since='2024-02', speaker='A')\n"
        "assert r.model_copy(update={'limit': 0}).limit == 0\n"
        "print('podkb.schemas' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


def test_the_model_base_declares_fields_as_pydantic_does():
    class Example(Model):
        """An example."""

        model_config = {"extra": "forbid", "strict": True}
        word: str
        count: int = 3

    assert Example(word="a") == Example(word="a", count=3)
    assert Example(word="a").model_dump() == {"word": "a", "count": 3}
    with pytest.raises(ValidationError, match="word"):
        Example()  # type: ignore[call-arg]
    schema = Example.model_json_schema()
    assert schema["title"] == "Example" and schema["description"] == "An example."
    assert schema["required"] == ["word"] and schema["additionalProperties"] is False
