"""`podkb mcp`: the tools of mcp_tools.py served over stdio with the official MCP SDK.

The SDK's low-level server is used because podkb already has what its high-level one would
derive from function signatures: each tool's input schema is its argument model's (the CLI's
request model), and the arguments are validated by that model, so an error reads as the CLI's
does (`limit: Input should be ...`). Every failure of a call becomes a tool error result with
one line; the server itself keeps serving. The store is opened read-only by its engine.
Nothing but protocol goes to stdout: the SDK points fd 1 at stderr while it serves, and logs go
to stderr.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import PodkbError, UsageError
from .mcp_tools import TOOLS

if TYPE_CHECKING:
    import mcp_types
    from mcp.server.lowlevel import Server

    from .store import KnowledgeStore

INSTALL_HINT = "the mcp command needs the MCP SDK: pip install 'podkb[mcp]'"

log = logging.getLogger("podkb.mcp")


def serve(location: str | None) -> None:
    """Serve the store at `location` until the client closes stdin."""
    try:
        import anyio
        import mcp.server.stdio  # noqa: F401 (the SDK's presence, checked before the store)
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    from .store import open_store

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="podkb mcp: %(message)s")
    with open_store(location, read_only=True) as store:
        anyio.run(_serve, build_server(store))


async def _serve(server: Server[Any]) -> None:
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def build_server(store: KnowledgeStore) -> Server[Any]:
    import mcp_types as types
    from mcp.server import ServerRequestContext
    from mcp.server.lowlevel import Server

    read_only = types.ToolAnnotations(
        read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
    )
    tools = [
        types.Tool(
            name=tool.name,
            description=tool.description,
            input_schema=tool.input_schema(),
            output_schema=tool.output_schema(),
            annotations=read_only,
        )
        for tool in TOOLS.values()
    ]

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        return call(store, params.name, params.arguments or {})

    return Server(
        "podkb",
        version=__version__,
        instructions="Podcast transcripts: search them, quote speakers with times and "
        "citations, and read the transcript around a quote.",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def call(store: KnowledgeStore, name: str, arguments: dict[str, Any]) -> mcp_types.CallToolResult:
    """One tool call's result: the answer, or an error result with one line (never a raise)."""
    import mcp_types as types

    tool = TOOLS.get(name)
    try:
        if tool is None:
            raise UsageError(f"no tool {name!r}; the tools are: {', '.join(TOOLS)}")
        answer = tool.call(store, arguments)
    except PodkbError as exc:
        return _error(str(exc))
    except Exception as exc:
        log.exception("tool %r failed", name)
        return _error(f"internal error ({type(exc).__name__}: {exc})")
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=answer.text)],
        structured_content=answer.structured,
    )


def _error(message: str) -> mcp_types.CallToolResult:
    import mcp_types as types

    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"podkb: {message}")], is_error=True
    )
