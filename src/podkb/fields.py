"""Request records declared as pydantic models are, validated without importing pydantic when
the values are plainly valid.

`podkb search` spends more on importing pydantic and building the request models (about 100 ms
measured) than on its own work. A `Model` here is declared as a pydantic model is (annotated
fields, `Field(default=..., description=..., ge=..., le=...)`, `model_config`,
`field_validator`, `model_validator`), and offers the part of pydantic's interface podkb uses
(`model_fields`, `model_validate`, `model_copy`, `model_dump`, `model_json_schema`). Building
one checks each value in a few comparisons: the exact type (str, int, a Literal's choices,
None where allowed), the bounds, the validators. Anything else (a missing or unknown field, a
value of another type, out of bounds, refused by a validator, a type this check does not know)
is handed to the pydantic model generated from the same declaration (podkb.schemas), which
raises its ValidationError with its own message, or returns what it makes of the values. So
the values and the errors are pydantic's in every case; only the plainly valid ones skip it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal, TypeVar, dataclass_transform

_F = TypeVar("_F")
_M = TypeVar("_M", bound="Model")


class _Required:
    def __repr__(self) -> str:
        return "<required>"


REQUIRED: Any = _Required()


class FieldSpec:
    """A declared field: its default (REQUIRED: none), pydantic's Field arguments as given, its
    type, and the objects its Annotated type carries (request.CliOption, TurnCondition, ...)."""

    __slots__ = ("annotation", "default", "kwargs", "metadata", "declared")

    def __init__(self, default: Any, kwargs: dict[str, Any]) -> None:
        self.default = default
        self.kwargs = kwargs
        self.annotation: Any = None  # without Annotated's extras, as pydantic's FieldInfo
        self.declared: Any = None  # as written, with them
        self.metadata: tuple[Any, ...] = ()

    @property
    def description(self) -> str | None:
        return self.kwargs.get("description")

    def get_default(self) -> Any:
        return None if self.default is REQUIRED else self.default

    def is_required(self) -> bool:
        return self.default is REQUIRED

    def typed(self, declared: Any) -> FieldSpec:
        spec = FieldSpec(self.default, self.kwargs)
        spec.declared = declared
        if typing.get_origin(declared) is Annotated:
            spec.annotation, *extras = typing.get_args(declared)
            spec.metadata = tuple(extras)
        else:
            spec.annotation = declared
        return spec


def Field(default: Any = REQUIRED, **kwargs: Any) -> Any:  # noqa: N802 (pydantic's name)
    """A field's default and pydantic's Field arguments (description, ge, le, min_length)."""
    return FieldSpec(default, kwargs)


def field_validator(*names: str) -> Callable[[_F], _F]:
    """pydantic's field_validator (mode "after"), over a classmethod: value -> value."""

    def mark(method: _F) -> _F:
        method.__func__.__validates__ = names  # type: ignore[attr-defined]
        return method

    return mark


def model_validator(*, mode: Literal["after"]) -> Callable[[_F], _F]:
    """pydantic's model_validator(mode="after"): self -> self, run once every field is set."""

    def mark(method: _F) -> _F:
        method.__validates_model__ = mode  # type: ignore[attr-defined]
        return method

    return mark


@dataclass_transform(kw_only_default=True, field_specifiers=(Field,))
class Model:
    """The base of a declared request record (see the module's docstring)."""

    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[dict[str, FieldSpec]] = {}
    _field_checks: ClassVar[dict[str, tuple[str, ...]]] = {}  # validator name -> its fields
    _model_checks: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__annotations__", {})
        hints = typing.get_type_hints(cls, include_extras=True)
        specs = dict(cls.model_fields)  # an inherited field keeps its place, as in pydantic
        for name in own:
            if typing.get_origin(hints[name]) is ClassVar or name.startswith("_"):
                continue
            value = cls.__dict__.get(name, REQUIRED)
            spec = value if isinstance(value, FieldSpec) else FieldSpec(value, {})
            specs[name] = spec.typed(hints[name])
            if name in cls.__dict__:
                delattr(cls, name)  # the value lives on each instance
        cls.model_fields = specs
        cls.model_config = {**cls.model_config, **cls.__dict__.get("model_config", {})}
        checks = dict(cls._field_checks)
        model_checks = list(cls._model_checks)
        for name, member in cls.__dict__.items():
            if isinstance(member, classmethod) and hasattr(member.__func__, "__validates__"):
                checks[name] = member.__func__.__validates__
            elif hasattr(member, "__validates_model__"):
                model_checks.append(name)
        cls._field_checks = checks
        cls._model_checks = tuple(model_checks)

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(type(self)._values(values))

    # --- pydantic's interface, as far as podkb uses it -------------------------------------

    @classmethod
    def model_validate(cls: type[_M], obj: Any) -> _M:
        if isinstance(obj, cls):
            return obj
        record = object.__new__(cls)
        record.__dict__.update(cls._values(obj))
        return record

    def model_copy(self: _M, *, update: dict[str, Any] | None = None) -> _M:
        """A copy with these fields changed, unchecked (as pydantic's model_copy)."""
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        copied.__dict__.update(update or {})
        return copied

    def model_dump(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields if not exclude or k not in exclude}

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        schema: dict[str, Any] = cls.pydantic_model().model_json_schema()
        return schema

    @classmethod
    def pydantic_model(cls) -> Any:
        """The pydantic model of this declaration (podkb.schemas.request_model)."""
        from .schemas import request_model

        return request_model(cls, Model)

    @classmethod
    def _validated(cls, obj: Any) -> dict[str, Any]:
        validated = cls.pydantic_model().model_validate(obj)
        return {name: getattr(validated, name) for name in cls.model_fields}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, as a pydantic model

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.model_fields)
        return f"{type(self).__name__}({shown})"

    # --- the check ---------------------------------------------------------------------------

    @classmethod
    def _values(cls, obj: Any) -> dict[str, Any]:
        values = cls._plainly_valid(obj)
        if values is None:
            # Not plainly valid: pydantic says why (ValidationError), or what it makes of them.
            values = cls._validated(obj)
        return values

    @classmethod
    def _plainly_valid(cls, obj: Any) -> dict[str, Any] | None:
        """The values if each is plainly valid and every validator keeps it, else None."""
        if not isinstance(obj, dict) or not set(obj) <= cls.model_fields.keys():
            return None  # pydantic's config here forbids unknown fields (extra="forbid")
        values: dict[str, Any] = {}
        for name, spec in cls.model_fields.items():
            if name not in obj:
                if spec.is_required():
                    return None
                values[name] = spec.default
                continue
            value = obj[name]
            if not _plain(spec.annotation, value, spec.kwargs):
                return None
            values[name] = value
        checked = object.__new__(cls)
        checked.__dict__.update(values)
        try:
            for method, names in cls._field_checks.items():
                for name in names:
                    if name in obj:
                        values[name] = getattr(cls, method)(values[name])
            checked.__dict__.update(values)
            for method in cls._model_checks:
                getattr(checked, method)()
        except (ValueError, AssertionError):
            return None
        return values


_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "ge": lambda v, b: v >= b,
    "le": lambda v, b: v <= b,
    "gt": lambda v, b: v > b,
    "lt": lambda v, b: v < b,
    "min_length": lambda v, b: len(v) >= b,
    "max_length": lambda v, b: len(v) <= b,
}
_NOT_CONSTRAINTS = frozenset({"description", "title", "examples"})


def _plain(annotation: Any, value: Any, kwargs: dict[str, Any]) -> bool:
    """Whether pydantic would take `value` for this type as it is, beyond doubt; False is no
    verdict (pydantic is asked), so a type not known here is always left to it."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_plain(arm, value, kwargs) for arm in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is Literal:
        return any(type(value) is type(c) and value == c for c in typing.get_args(annotation))
    if annotation not in (str, int) or type(value) is not annotation:
        return False
    for key, bound in kwargs.items():
        if key in _BOUNDS:
            if not _BOUNDS[key](value, bound):
                return False
        elif key not in _NOT_CONSTRAINTS:
            return False  # a constraint not known here: pydantic checks it
    return True
