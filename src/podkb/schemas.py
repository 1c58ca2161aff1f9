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

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator


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


_REQUEST_MODELS: dict[type[Any], type[BaseModel]] = {}


def request_model(declared: type[Any], root: type[Any]) -> type[BaseModel]:
    """The pydantic model of a request declaration (a subclass of `root`, fields.Model:
    request.SearchRequest, the MCP tools' arguments, a batch entry): its name, docstring,
    config, fields as declared and validators, its declared bases' models as its bases; a
    subclass of pydantic's BaseModel written with the same lines would be this model."""
    if declared in _REQUEST_MODELS:
        return _REQUEST_MODELS[declared]
    parent = next(b for b in declared.__mro__[1:] if issubclass(b, root))
    base = BaseModel if parent is root else request_model(parent, root)
    namespace: dict[str, Any] = {
        "__module__": declared.__module__,
        "__qualname__": declared.__qualname__,
        "__doc__": declared.__doc__,
        "__annotations__": {},
    }
    own_config = declared.__dict__.get("model_config")
    if own_config:
        namespace["model_config"] = ConfigDict(**own_config)  # type: ignore[typeddict-item]
    own = declared.__dict__.get("__annotations__", {})
    for name in own:
        spec = declared.model_fields.get(name)
        if spec is None:
            continue  # a ClassVar, not a field
        namespace["__annotations__"][name] = spec.declared
        if spec.kwargs:
            namespace[name] = Field(
                **({} if spec.is_required() else {"default": spec.default}), **spec.kwargs
            )
        elif not spec.is_required():
            namespace[name] = spec.default
    for name, member in declared.__dict__.items():
        if name.startswith("__") or name in namespace or name in declared.model_fields:
            continue
        if name in declared._field_checks:
            namespace[name] = field_validator(*declared._field_checks[name])(member)
        elif name in declared._model_checks:
            namespace[name] = model_validator(mode="after")(member)
        elif callable(member) or isinstance(member, classmethod | staticmethod | property):
            namespace[name] = member  # its methods (has_filter, ...), which validators call
    model: type[BaseModel] = type(declared.__name__, (base,), namespace)
    _REQUEST_MODELS[declared] = model
    return model
