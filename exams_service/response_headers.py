"""Response headers without the per-header cost of Django's general case, for the API's responses.

Every API response gets about ten headers (content type, `Allow`, the security middlewares' four, `Vary`,
`Content-Length`), and each middleware first asks whether its header is already there. Django's
`ResponseHeaders` answers that through `Mapping.__contains__`, which raises and catches a `KeyError` for every
absent header, and validates each name and value through a charset conversion. `FastResponseHeaders` answers
lookups from its dict directly and stores an ASCII `str` name and value that hold no CR/LF as they are, which is
what Django's conversion returns for them; anything else (bytes, other types, non-ASCII, a newline) takes
Django's own path, so the same values are refused (`BadHeaderError`) or MIME-encoded as before.
"""

from django.http.response import ResponseHeaders


class FastResponseHeaders(ResponseHeaders):
    def __setitem__(self, key, value):
        if (
            type(key) is str
            and type(value) is str
            and key.isascii()
            and value.isascii()
            and "\n" not in key
            and "\r" not in key
            and "\n" not in value
            and "\r" not in value
        ):
            self._store[key.lower()] = (key, value)
        else:
            super().__setitem__(key, value)

    def __contains__(self, key):
        return key.lower() in self._store

    def get(self, key, default=None):
        entry = self._store.get(key.lower())
        return default if entry is None else entry[1]


def adopt(response) -> None:
    """Give `response` the fast headers (same stored data: the class adds methods only)."""
    if type(response.headers) is ResponseHeaders:
        response.headers.__class__ = FastResponseHeaders
