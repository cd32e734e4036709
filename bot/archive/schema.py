"""The JSON Schema of ``closer-export.json`` as docs/export-format.md prints it.

Generated from the composed document model: pydantic's schema without its generated titles,
the shared value types (:data:`~bot.archive.values.SHARED`) named once in ``$defs``, and
printed compactly (:func:`schema_text`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter

from bot.archive.values import SHARED, VERSION


def json_schema_of(document: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a composed export document."""
    shared = {name: _without_titles(TypeAdapter(kind).json_schema()) for name, kind in SHARED.items()}
    schema = _without_titles(document.model_json_schema())
    schema = _factor(schema, shared)
    schema["$defs"] = {**shared, **schema.get("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://closer.invalid/export-format/v{VERSION}",
        **schema,
    }


def schema_text(schema: Any, width: int = 100) -> str:
    """The schema as compact, readable JSON: anything that fits on one line stays on one."""

    def render(node: Any, indent: int, taken: int = 0) -> str:
        flat = json.dumps(node, ensure_ascii=False)
        if indent + taken + len(flat) <= width or not isinstance(node, (dict, list)) or not node:
            return flat
        pad = " " * (indent + 2)
        if isinstance(node, dict):
            items = [
                f"{pad}{json.dumps(k)}: {render(v, indent + 2, len(json.dumps(k)) + 2)}"
                for k, v in node.items()
            ]
            return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
        items = [pad + render(v, indent + 2) for v in node]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"

    return render(schema, 0)


def _factor(node: Any, shared: Mapping[str, Any]) -> Any:
    """Replace inline copies of the shared value types with a $ref to them."""
    if isinstance(node, dict):
        plain = {k: v for k, v in node.items() if k != "description"}
        for name, definition in shared.items():
            if plain == definition:
                described = {"description": node["description"]} if "description" in node else {}
                return {"$ref": f"#/$defs/{name}", **described}
        return {k: _factor(v, shared) for k, v in node.items()}
    if isinstance(node, list):
        return [_factor(v, shared) for v in node]
    return node


def _without_titles(node: Any) -> Any:
    """Drop pydantic's generated "title" keywords (a property named "title" stays)."""
    if isinstance(node, dict):
        return {k: _without_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_without_titles(v) for v in node]
    return node
