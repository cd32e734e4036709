"""Discord's documented limits, checked the way Discord checks them.

Each check returns a list of :class:`Problem`. The REST layer turns problems into a Discord-style
``400 Invalid Form Body`` (code 50035) and records them as violations.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------- limits
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_BUTTONS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTION_TEXT_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_LENGTH_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
CHAT_INPUT_COMMANDS_MAX = 100
USER_COMMANDS_MAX = 5
MESSAGE_COMMANDS_MAX = 5
AUTOCOMPLETE_CHOICES_MAX = 25
V2_COMPONENTS_MAX = 40

SELECT_TYPES = (3, 5, 6, 7, 8)
ALLOWED_SEND_FLAGS = (
    (1 << 2) | (1 << 12) | (1 << 15) | (1 << 6)
)  # suppress embeds/notifications, v2, ephemeral


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``rule`` is a stable name tests can assert on."""

    rule: str
    detail: str
    path: tuple[str | int, ...] = ()
    code: str = "BASE_TYPE_INVALID"


def form_error_body(problems: Iterable[Problem]) -> dict[str, Any]:
    """Discord's ``Invalid Form Body`` error JSON for these problems."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for key in problem.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.detail})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def _too_long(
    rule: str, path: tuple[str | int, ...], value: Any, maximum: int, minimum: int = 0
) -> list[Problem]:
    if value is None:
        value = ""
    if not isinstance(value, str):
        return [Problem(rule, f"Must be a string, got {type(value).__name__}.", path, "STRING_TYPE_CONVERT")]
    if len(value) > maximum:
        return [Problem(rule, f"Must be {maximum} or fewer in length.", path, "BASE_TYPE_MAX_LENGTH")]
    if len(value) < minimum:
        if minimum == 1:
            return [Problem(rule, "This field is required", path, "BASE_TYPE_REQUIRED")]
        return [
            Problem(rule, f"Must be between {minimum} and {maximum} in length.", path, "BASE_TYPE_BAD_LENGTH")
        ]
    return []


# --------------------------------------------------------------------------- commands
def valid_command_name(name: str) -> bool:
    """``^[-_\\p{L}\\p{N}]{1,32}$`` without the ``regex`` module, plus Discord's lowercase rule.

    \\p{L} / \\p{N} are the Unicode letter and number categories; Devanagari and Thai combining marks
    (which Discord also allows) count too.
    """
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        return False
    if name != name.lower():
        return False
    return all(ch in "-_" or _letter_or_number(ch) for ch in name)


def _letter_or_number(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category[0] in "LN":
        return True
    return category[0] == "M" and ("\u0900" <= ch <= "\u097f" or "\u0e00" <= ch <= "\u0e7f")


def check_command(cmd: dict[str, Any], path: tuple[str | int, ...] = ()) -> list[Problem]:
    """One application command (as sent to POST/PUT .../commands)."""
    problems: list[Problem] = []
    ctype = cmd.get("type", 1)
    name = cmd.get("name")
    description = cmd.get("description", "")
    if ctype == 1:
        if not valid_command_name(name):
            problems.append(
                Problem(
                    "command.name",
                    f"Command name {name!r} is invalid: 1-32 lowercase letters, digits, '-' or '_'.",
                    (*path, "name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                )
            )
        problems += _too_long(
            "command.description", (*path, "description"), description, COMMAND_DESCRIPTION_MAX, 1
        )
        problems += _check_options(cmd.get("options") or [], (*path, "options"), depth=0)
    elif ctype in (2, 3):
        if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
            problems.append(
                Problem(
                    "command.name", f"Context menu name {name!r} must be 1-32 characters.", (*path, "name")
                )
            )
        if description:
            problems.append(
                Problem(
                    "command.context_menu.description",
                    "Context menu commands cannot have a description.",
                    (*path, "description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                )
            )
        if cmd.get("options"):
            problems.append(
                Problem(
                    "command.context_menu.options",
                    "Context menu commands cannot have options.",
                    (*path, "options"),
                )
            )
    else:
        problems.append(Problem("command.type", f"Unknown command type {ctype!r}.", (*path, "type")))
    for locale, value in (cmd.get("name_localizations") or {}).items():
        if ctype == 1 and not valid_command_name(value):
            problems.append(
                Problem(
                    "command.name",
                    f"Localized name {value!r} is invalid.",
                    (*path, "name_localizations", locale),
                )
            )
    return problems


def _check_options(options: list[dict[str, Any]], path: tuple[str | int, ...], depth: int) -> list[Problem]:
    problems: list[Problem] = []
    if len(options) > COMMAND_OPTIONS_MAX:
        problems.append(
            Problem(
                "command.options.count",
                f"Must be {COMMAND_OPTIONS_MAX} or fewer in length ({len(options)} options).",
                path,
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    kinds = [o.get("type") for o in options]
    has_sub = any(k in (1, 2) for k in kinds)
    if has_sub and not all(k in (1, 2) for k in kinds):
        problems.append(
            Problem(
                "command.options.nesting",
                "Subcommands and subcommand groups cannot be mixed with other options.",
                path,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            )
        )
    seen: set[str] = set()
    optional_seen = False
    for i, opt in enumerate(options):
        opath = (*path, i)
        otype = opt.get("type")
        oname = opt.get("name")
        if not valid_command_name(oname):
            problems.append(
                Problem(
                    "command.option.name",
                    f"Option name {oname!r} is invalid: 1-32 lowercase letters, digits, '-' or '_'.",
                    (*opath, "name"),
                    "APPLICATION_COMMAND_INVALID_NAME",
                )
            )
        if oname in seen:
            problems.append(
                Problem(
                    "command.option.duplicate",
                    f"Option name {oname!r} is used twice.",
                    (*opath, "name"),
                    "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                )
            )
        seen.add(oname)
        problems += _too_long(
            "command.option.description",
            (*opath, "description"),
            opt.get("description"),
            COMMAND_DESCRIPTION_MAX,
            1,
        )
        if otype in (1, 2):
            if opt.get("required"):
                problems.append(
                    Problem(
                        "command.options.nesting", "Subcommands cannot be required.", (*opath, "required")
                    )
                )
            children = opt.get("options") or []
            if otype == 2 and depth > 0:
                problems.append(
                    Problem(
                        "command.options.nesting",
                        "Subcommand groups can only be nested directly under a command.",
                        opath,
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
            if otype == 1 and depth > 1:
                problems.append(Problem("command.options.nesting", "Subcommands nested too deeply.", opath))
            if otype == 2 and any(c.get("type") != 1 for c in children):
                problems.append(
                    Problem(
                        "command.options.nesting",
                        "Subcommand groups may only contain subcommands.",
                        (*opath, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
                children = [c for c in children if c.get("type") == 1]
            if otype == 1 and any(c.get("type") in (1, 2) for c in children):
                problems.append(
                    Problem(
                        "command.options.nesting",
                        "Subcommands cannot contain subcommands or groups.",
                        (*opath, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    )
                )
                children = [c for c in children if c.get("type") not in (1, 2)]
            problems += _check_options(children, (*opath, "options"), depth + 1)
            continue
        if otype not in (3, 4, 5, 6, 7, 8, 9, 10, 11):
            problems.append(
                Problem("command.option.type", f"Unknown option type {otype!r}.", (*opath, "type"))
            )
        if opt.get("required"):
            if optional_seen:
                problems.append(
                    Problem(
                        "command.options.order",
                        f"Required option {oname!r} must come before optional options.",
                        opath,
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    )
                )
        else:
            optional_seen = True
        choices = opt.get("choices") or []
        if choices and opt.get("autocomplete"):
            problems.append(
                Problem(
                    "command.option.autocomplete",
                    "Autocomplete cannot be used with choices.",
                    (*opath, "autocomplete"),
                )
            )
        if len(choices) > COMMAND_CHOICES_MAX:
            problems.append(
                Problem(
                    "command.choices.count",
                    f"Must be {COMMAND_CHOICES_MAX} or fewer in length ({len(choices)} choices).",
                    (*opath, "choices"),
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
        for j, choice in enumerate(choices):
            problems += _too_long(
                "command.choice.name", (*opath, "choices", j, "name"), choice.get("name"), CHOICE_NAME_MAX, 1
            )
            value = choice.get("value")
            if otype == 3:
                problems += _too_long(
                    "command.choice.value", (*opath, "choices", j, "value"), value, CHOICE_VALUE_MAX, 1
                )
    return problems


def check_command_set(commands: list[dict[str, Any]]) -> list[Problem]:
    """Limits across one scope (global, or one guild): counts and unique names."""
    problems: list[Problem] = []
    limits = {1: CHAT_INPUT_COMMANDS_MAX, 2: USER_COMMANDS_MAX, 3: MESSAGE_COMMANDS_MAX}
    labels = {1: "chat input", 2: "user", 3: "message"}
    for ctype, limit in limits.items():
        count = sum(1 for c in commands if c.get("type", 1) == ctype)
        if count > limit:
            problems.append(
                Problem(
                    "command.limit",
                    f"Maximum number of {labels[ctype]} commands reached ({limit}); got {count}.",
                    (),
                    "APPLICATION_COMMANDS_LIMIT",
                )
            )
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        key = (cmd.get("type", 1), cmd.get("name"))
        if key in seen:
            problems.append(
                Problem(
                    "command.duplicate_name",
                    f"Application command names must be unique ({cmd.get('name')!r}).",
                    (i, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                )
            )
        seen.add(key)
    return problems


# --------------------------------------------------------------------------- messages
def check_embeds(embeds: Any, path: tuple[str | int, ...] = ()) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(embeds, list):
        return [Problem("embed.type", "embeds must be a list.", (*path, "embeds"))]
    if len(embeds) > EMBEDS_MAX:
        problems.append(
            Problem(
                "message.embeds.count",
                f"Must be {EMBEDS_MAX} or fewer in length ({len(embeds)} embeds).",
                (*path, "embeds"),
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    total = 0
    for i, embed in enumerate(embeds):
        epath = (*path, "embeds", i)
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        problems += _too_long("embed.title", (*epath, "title"), title, EMBED_TITLE_MAX)
        problems += _too_long(
            "embed.description", (*epath, "description"), description, EMBED_DESCRIPTION_MAX
        )
        total += len(title) + len(description)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            problems.append(
                Problem(
                    "embed.fields.count",
                    f"Must be {EMBED_FIELDS_MAX} or fewer in length ({len(fields)} fields).",
                    (*epath, "fields"),
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
        for j, fld in enumerate(fields):
            name, value = fld.get("name"), fld.get("value")
            problems += _too_long(
                "embed.field.name", (*epath, "fields", j, "name"), name, EMBED_FIELD_NAME_MAX, 1
            )
            problems += _too_long(
                "embed.field.value", (*epath, "fields", j, "value"), value, EMBED_FIELD_VALUE_MAX, 1
            )
            total += len(name or "") + len(value or "")
        footer = (embed.get("footer") or {}).get("text")
        if embed.get("footer") is not None:
            problems += _too_long("embed.footer", (*epath, "footer", "text"), footer, EMBED_FOOTER_MAX, 1)
            total += len(footer or "")
        author = (embed.get("author") or {}).get("name")
        if embed.get("author") is not None:
            problems += _too_long("embed.author", (*epath, "author", "name"), author, EMBED_AUTHOR_MAX, 1)
            total += len(author or "")
        for key, url in _embed_urls(embed):
            if not isinstance(url, str) or not url.startswith(("http://", "https://", "attachment://")):
                problems.append(
                    Problem(
                        "embed.url",
                        f"Scheme {url!r} is not supported.",
                        (*epath, *key),
                        "URL_TYPE_INVALID_URL",
                    )
                )
    if total > EMBED_TOTAL_MAX:
        problems.append(
            Problem(
                "embed.total",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX} ({total} characters).",
                (*path, "embeds"),
                "MAX_EMBED_SIZE_EXCEEDED",
            )
        )
    return problems


def _embed_urls(embed: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]]:
    urls: list[tuple[tuple[str, ...], Any]] = []
    if embed.get("url") is not None:
        urls.append((("url",), embed["url"]))
    for part in ("image", "thumbnail"):
        if isinstance(embed.get(part), dict) and "url" in embed[part]:
            urls.append(((part, "url"), embed[part]["url"]))
    return urls


def walk_components(components: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Every component, depth first (rows, containers, sections, labels and their children)."""
    for comp in components or []:
        yield comp
        yield from walk_components(comp.get("components") or [])
        if isinstance(comp.get("accessory"), dict):
            yield comp["accessory"]
        if isinstance(comp.get("component"), dict):
            yield from walk_components([comp["component"]])


def check_components(components: Any, flags: int, path: tuple[str | int, ...] = ()) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(components, list):
        return [Problem("components.type", "components must be a list.", (*path, "components"))]
    v2 = bool(flags & (1 << 15))
    cpath = (*path, "components")
    if v2:
        count = sum(1 for _ in walk_components(components))
        if count > V2_COMPONENTS_MAX:
            problems.append(
                Problem(
                    "components.count",
                    f"Must be {V2_COMPONENTS_MAX} or fewer components in total ({count}).",
                    cpath,
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
    else:
        if len(components) > ACTION_ROWS_MAX:
            problems.append(
                Problem(
                    "components.rows",
                    f"Must be {ACTION_ROWS_MAX} or fewer in length ({len(components)} action rows).",
                    cpath,
                    "BASE_TYPE_MAX_LENGTH",
                )
            )
        for i, row in enumerate(components):
            if row.get("type") != 1:
                problems.append(
                    Problem(
                        "components.rows",
                        "Top-level components must be action rows (or set the IS_COMPONENTS_V2 flag).",
                        (*cpath, i, "type"),
                        "UNION_TYPE_CHOICES",
                    )
                )
                continue
            children = row.get("components") or []
            selects = [c for c in children if c.get("type") in SELECT_TYPES]
            if not children:
                problems.append(
                    Problem(
                        "components.row.size",
                        "Action rows need 1 to 5 components.",
                        (*cpath, i, "components"),
                    )
                )
            if selects and len(children) > 1:
                problems.append(
                    Problem(
                        "components.select.alone",
                        "A select menu must be alone in its action row.",
                        (*cpath, i, "components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    )
                )
            elif len(children) > ROW_BUTTONS_MAX:
                problems.append(
                    Problem(
                        "components.row.size",
                        f"An action row holds at most {ROW_BUTTONS_MAX} buttons ({len(children)}).",
                        (*cpath, i, "components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    )
                )
    seen: set[str] = set()
    for comp in walk_components(components):
        problems += _check_component(comp, cpath, seen)
    return problems


def _check_component(comp: dict[str, Any], path: tuple[str | int, ...], seen: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    ctype = comp.get("type")
    custom_id = comp.get("custom_id")
    if ctype == 2:
        style = comp.get("style")
        problems += _too_long(
            "components.button.label", (*path, "label"), comp.get("label"), BUTTON_LABEL_MAX
        )
        if style == 5:
            if not comp.get("url"):
                problems.append(Problem("components.link.url", "Link buttons need a url.", (*path, "url")))
            if custom_id is not None:
                problems.append(
                    Problem(
                        "components.link.url", "Link buttons cannot have a custom_id.", (*path, "custom_id")
                    )
                )
            return problems
        if style == 6:
            return problems
        if comp.get("url"):
            problems.append(
                Problem("components.link.url", "Only link buttons can have a url.", (*path, "url"))
            )
        if not comp.get("label") and not comp.get("emoji"):
            problems.append(Problem("components.button.label", "A button needs a label or an emoji.", path))
    if ctype in (2, *SELECT_TYPES, 4):
        problems += _too_long("components.custom_id", (*path, "custom_id"), custom_id, CUSTOM_ID_MAX, 1)
        if custom_id:
            if custom_id in seen:
                problems.append(
                    Problem(
                        "components.custom_id.duplicate",
                        f"custom_id {custom_id!r} is used twice in one message.",
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                    )
                )
            seen.add(custom_id)
    if ctype in SELECT_TYPES:
        problems += _too_long(
            "components.select.placeholder",
            (*path, "placeholder"),
            comp.get("placeholder"),
            SELECT_PLACEHOLDER_MAX,
        )
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not (0 <= lo <= 25 and 1 <= hi <= 25 and lo <= hi):
            problems.append(Problem("components.select.values", f"Invalid min/max values {lo}/{hi}.", path))
    if ctype == 3:
        options = comp.get("options") or []
        if not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            problems.append(
                Problem(
                    "components.select.options",
                    f"Select menus need 1 to {SELECT_OPTIONS_MAX} options ({len(options)}).",
                    (*path, "options"),
                    "BASE_TYPE_BAD_LENGTH",
                )
            )
        for k, option in enumerate(options):
            for key in ("label", "value"):
                problems += _too_long(
                    "components.select.option",
                    (*path, "options", k, key),
                    option.get(key),
                    SELECT_OPTION_TEXT_MAX,
                    1,
                )
            if option.get("description") is not None:
                problems += _too_long(
                    "components.select.option",
                    (*path, "options", k, "description"),
                    option.get("description"),
                    SELECT_OPTION_TEXT_MAX,
                )
        if comp.get("max_values", 1) > len(options) and options:
            problems.append(
                Problem("components.select.values", "max_values is larger than the number of options.", path)
            )
    return problems


def check_message(
    payload: dict[str, Any], *, path: tuple[str | int, ...] = (), file_count: int = 0
) -> list[Problem]:
    """Content, embeds and components of a message about to be sent (or the result of an edit)."""
    problems: list[Problem] = []
    content = payload.get("content")
    if content is not None:
        problems += _too_long("message.content.length", (*path, "content"), content, CONTENT_MAX)
    embeds = payload.get("embeds") or []
    problems += check_embeds(embeds, path)
    flags = payload.get("flags") or 0
    components = payload.get("components") or []
    problems += check_components(components, flags, path)
    if flags & (1 << 15) and (content or embeds):
        problems.append(
            Problem(
                "components.v2.content",
                "The 'content' and 'embeds' fields cannot be used with the IS_COMPONENTS_V2 flag.",
                (*path, "content"),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            )
        )
    return problems


def is_empty_message(payload: dict[str, Any], attachment_count: int) -> bool:
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or attachment_count
    )


# --------------------------------------------------------------------------- modals & autocomplete
def check_modal(data: dict[str, Any], path: tuple[str | int, ...] = ("data",)) -> list[Problem]:
    problems: list[Problem] = []
    problems += _too_long("modal.title", (*path, "title"), data.get("title"), MODAL_TITLE_MAX, 1)
    problems += _too_long("modal.custom_id", (*path, "custom_id"), data.get("custom_id"), CUSTOM_ID_MAX, 1)
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(
            Problem(
                "modal.components",
                f"Modals need 1 to {MODAL_COMPONENTS_MAX} components ({len(components)}).",
                (*path, "components"),
                "BASE_TYPE_BAD_LENGTH",
            )
        )
    seen: set[str] = set()
    for i, top in enumerate(components):
        cpath = (*path, "components", i)
        if top.get("type") == 18:  # label wrapping one component
            problems += _too_long("modal.label", (*cpath, "label"), top.get("label"), TEXT_INPUT_LABEL_MAX, 1)
            inner = [top.get("component") or {}]
        elif top.get("type") == 1:
            inner = top.get("components") or []
        else:
            inner = [top]
        for comp in inner:
            problems += _check_modal_input(comp, cpath, seen, labelled=top.get("type") == 18)
    return problems


def _check_modal_input(
    comp: dict[str, Any], path: tuple[str | int, ...], seen: set[str], labelled: bool
) -> list[Problem]:
    problems: list[Problem] = []
    custom_id = comp.get("custom_id")
    if comp.get("type") in (4, *SELECT_TYPES):
        problems += _too_long("modal.custom_id", (*path, "custom_id"), custom_id, CUSTOM_ID_MAX, 1)
        if custom_id in seen:
            problems.append(
                Problem("modal.custom_id", f"custom_id {custom_id!r} is used twice.", (*path, "custom_id"))
            )
        seen.add(custom_id)
    if comp.get("type") != 4:
        return problems
    label = comp.get("label")
    if label is not None or not labelled:
        problems += _too_long("modal.text_input.label", (*path, "label"), label, TEXT_INPUT_LABEL_MAX, 1)
    max_length = comp.get("max_length")
    min_length = comp.get("min_length")
    if max_length is not None and not 1 <= max_length <= TEXT_INPUT_LENGTH_MAX:
        problems.append(
            Problem(
                "modal.text_input.max_length",
                f"max_length must be between 1 and {TEXT_INPUT_LENGTH_MAX} (got {max_length}).",
                (*path, "max_length"),
                "NUMBER_TYPE_MAX",
            )
        )
    if min_length is not None and not 0 <= min_length <= TEXT_INPUT_LENGTH_MAX:
        problems.append(
            Problem("modal.text_input.min_length", f"Invalid min_length {min_length}.", (*path, "min_length"))
        )
    value = comp.get("value")
    if value is not None:
        problems += _too_long("modal.text_input.value", (*path, "value"), value, TEXT_INPUT_LENGTH_MAX)
    if comp.get("placeholder") is not None:
        problems += _too_long(
            "modal.text_input.placeholder",
            (*path, "placeholder"),
            comp["placeholder"],
            TEXT_INPUT_PLACEHOLDER_MAX,
        )
    return problems


def check_autocomplete(data: dict[str, Any], path: tuple[str | int, ...] = ("data",)) -> list[Problem]:
    problems: list[Problem] = []
    choices = data.get("choices") or []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        problems.append(
            Problem(
                "autocomplete.choices",
                f"Must be {AUTOCOMPLETE_CHOICES_MAX} or fewer in length ({len(choices)} choices).",
                (*path, "choices"),
                "BASE_TYPE_MAX_LENGTH",
            )
        )
    for i, choice in enumerate(choices):
        problems += _too_long(
            "autocomplete.choice.name", (*path, "choices", i, "name"), choice.get("name"), CHOICE_NAME_MAX, 1
        )
        if isinstance(choice.get("value"), str):
            problems += _too_long(
                "autocomplete.choice.value", (*path, "choices", i, "value"), choice["value"], CHOICE_VALUE_MAX
            )
    return problems
