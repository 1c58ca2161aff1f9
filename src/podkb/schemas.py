"""pydantic models generated from the record dataclasses (results.Hit, store.records.TurnRow,
...): the JSON schemas of the MCP tools' answers, and validation where a row must be checked
against its record.

The dataclasses are the one declaration of a record's fields (a search builds them without
pydantic, whose import and model building cost about 100 ms of a command's start-up); a model
here has the same name, docstring, fields, types, descriptions and defaults, extra fields
refused, so its schema is what a pydantic declaration of the record would give.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


@functools.cache
def model_of(record: type[Any]) -> type[BaseModel]:
    """The pydantic model of a record dataclass, its dataclass bases' models as its bases (so
    a hit's model is a turn's model plus the hit's own fields, as the dataclasses are)."""
    if not dataclasses.is_dataclass(record):
        raise TypeError(f"{record.__name__} is not a record dataclass")
    base = next((b for b in record.__mro__[1:] if dataclasses.is_dataclass(b)), None)
    own = record.__dict__.get("__annotations__", {})
    hints = typing.get_type_hints(record)
    declared: dict[str, Any] = {
        f.name: (_model_type(hints[f.name]), _default(f))
        for f in dataclasses.fields(record)
        if f.name in own
    }
    model: type[BaseModel] = create_model(
        record.__name__,
        __base__=model_of(base) if base is not None else _Record,
        __doc__=record.__doc__,
        __module__=record.__module__,
        **declared,
    )
    return model


def _default(f: dataclasses.Field[Any]) -> Any:
    default = ... if f.default is dataclasses.MISSING else f.default
    description = f.metadata.get("description")
    return Field(default, description=description) if description else default


def _model_type(hint: Any) -> Any:
    """The hint with every record dataclass in it replaced by its model."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return model_of(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return list[_model_type(args[0])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(lambda a, b: a | b, (_model_type(a) for a in args))
    return hint
