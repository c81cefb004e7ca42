"""What every public page is served with: strict security headers, the visitor's
address as the rate limits count it, and the cookie their forms' tokens are bound to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

# Where a page may load from, submit to and be shown in: here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors {ancestors}"
)
VISITOR_COOKIE = "undersigned_visitor"
VISITOR_COOKIE_MAX_AGE = 60 * 60 * 24  # a day: longer than a form stays valid

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def headers_middleware(
    *, frame_ancestors: tuple[str, ...]
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Security headers on every public page. Only the embeddable list may be framed,
    and only by FRAME_ANCESTORS."""
    embeddable = " ".join(frame_ancestors) or "'none'"

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.route.name is None:
            return await handler(request)  # Slack's endpoint, and /healthz
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
        framed = request.match_info.route.name == "embed"
        ancestors = embeddable if framed else "'none'"
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.format(
            ancestors=ancestors
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        # The private links carry their token in the path: no page tells another
        # site where it was.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not framed:
            response.headers["X-Frame-Options"] = "DENY"
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return add_headers


def visitor_address(request: web.Request, *, proxy_hops: int) -> str:
    """The visitor's address: the connection's, or, behind `proxy_hops` proxies, the
    one the nearest of them was given (X-Forwarded-For, counted from its end: entries
    further left are the visitor's own to forge)."""
    if proxy_hops:
        forwarded = [
            part.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for part in header.split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxy_hops:
            return forwarded[-proxy_hops]
    return request.remote or "unknown"
