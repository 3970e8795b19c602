"""The web app: a FastAPI application over the database ``marsad run`` fills.

``create_app(db)`` builds the app; ``serve(db)`` runs it with uvicorn (``marsad serve``).

Design choices and why:

- one store connection *per request*, opened and closed in the thread that uses it:
  SQLite connections belong to the thread that made them, and FastAPI runs sync
  endpoints (and their dependencies) on a thread pool. Opening an SQLite file costs well
  under a millisecond; PostgreSQL a few. The schema is migrated once, at start-up;
- read-only by default: the write endpoints (``POST /api/articles``, ``/ingest``) answer
  403 unless a write token was configured, and 401 for a wrong one;
- untrusted text stays text: Jinja2 autoescaping everywhere, highlights built by
  ``marsad.web.highlight``, and a Content-Security-Policy that allows only the app's own
  scripts and styles (no inline script, no CDN), so even a missed escape cannot run;
- errors are JSON under ``/api/`` (``{"error": …, "status": …}``) and an HTML page
  elsewhere; a bad parameter is a 4xx with a message, never a 500.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException

import marsad
from marsad.store import Store, StoreError, open_store
from marsad.web.labels import DIRECTION, label, pick_lang

__all__ = ["create_app", "serve", "BackgroundServer", "opened_store", "render", "WRITE_TOKEN_ENV"]

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
WRITE_TOKEN_ENV = "MARSAD_WRITE_TOKEN"
LANG_COOKIE = "marsad_lang"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
       " base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}

API_DESCRIPTION = """Read PLOVER political events extracted from Arabic news by marsad.

Errors are JSON: `{"error": "what is wrong", "status": 422}`. Lists are paginated with
`page` (from 1) and `limit`. Writing (`POST /api/articles`) needs the server's write
token as `Authorization: Bearer TOKEN`; without one configured it is refused (403).
"""


def create_app(db: str | Path, *, write_token: str | None = None) -> FastAPI:
    """The web app over the database ``db`` (a path or URL, as for ``marsad run --db``).

    The database is opened once here, which creates or upgrades its schema and fails
    early (``StoreError``) when it cannot be opened.
    """
    from marsad.web import api, pages

    with open_store(db):
        pass
    app = FastAPI(title="marsad", version=marsad.__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.db = str(db)
    app.state.write_token = write_token or None
    app.state.templates = _templates()
    if write_token:  # load the pipeline's lexicons now, not on the first article added
        from marsad.web.ingest import warm_up

        threading.Thread(target=warm_up, name="marsad-warm-up", daemon=True).start()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)
    app.middleware("http")(_security_headers)
    log.info("marsad web app over %s (writing %s)", _safe(db), "enabled" if write_token else "disabled")
    return app


def _safe(db: str | Path) -> str:
    from marsad.store.postgres import redact

    return redact(str(db))


@contextmanager
def opened_store(request: Request) -> Iterator[Store]:
    """The app's database, open for the duration of a ``with`` block in the calling thread."""
    try:
        store = open_store(request.app.state.db, migrate=False)
    except StoreError as err:
        log.error("cannot open the database: %s", err)
        raise StarletteHTTPException(503, "the database cannot be opened; see the server log") from None
    try:
        yield store
    finally:
        store.close()


# ---------------------------------------------------------------- templates


def _templates() -> Environment:
    """Autoescaping on for every template: article text is untrusted."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def request_lang(request: Request) -> str:
    """``?lang=`` first, then the language cookie, then Arabic."""
    return pick_lang(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page in the request's language; choosing a language with ``?lang=`` also remembers it."""
    from marsad.web.pages import page_context

    lang = request_lang(request)
    env: Environment = request.app.state.templates
    html = env.get_template(template).render(**page_context(request, lang), **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in DIRECTION:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


# ---------------------------------------------------------------- errors and headers


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str, details: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"error": message, "status": status}
        if details:
            body["details"] = details
        return JSONResponse(body, status_code=status, headers=headers)
    lang = request_lang(request)
    title = label("not_found", lang) if status == 404 else label("error_title", lang)
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status_code=status)


def _validation_message(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        details.append({"parameter": where, "message": message})
    text = "; ".join(f"{d['parameter']}: {d['message']}" if d["parameter"] else d["message"] for d in details)
    return f"invalid request: {text}", details


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        return _error(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        message, details = _validation_message(list(exc.errors()))
        return _error(request, 422, message, details)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _error(request, 500, "internal error; see the server log")


async def _security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# ---------------------------------------------------------------- serving


def serve(db: str | Path, *, host: str = "127.0.0.1", port: int = 8000, write_token: str | None = None,
          log_level: str = "info") -> None:
    """Run the app with uvicorn until interrupted (``marsad serve``)."""
    import uvicorn

    token = write_token or os.environ.get(WRITE_TOKEN_ENV) or None
    if host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this address can read the database%s", host,
                    "; writing needs the token" if token else "")
    app = create_app(db, write_token=token)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


class BackgroundServer:
    """The app served by uvicorn in a daemon thread, for tests, notebooks and the screenshot script.

    ``port=0`` picks a free port; ``url`` is where the server listens once the ``with``
    block is entered.
    """

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0):
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
        self.host = host
        self.thread = threading.Thread(target=self.server.run, name="marsad-web", daemon=True)
        self.url = ""

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start (see the log)")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://{self.host}:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
