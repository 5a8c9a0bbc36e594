"""Documents in a library: upload (chunked above 4 MiB), the file's list item, download.

Uploads use the library's object model (its upload session does the chunking); the rest are raw
REST requests. File names are checked before anything is sent, so that a name can only ever
land in the library's own folder.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from office365.runtime.client_request_exception import ClientRequestException

from kksync.errors import DocumentError
from kksync.sharepoint.http import SiteHttp, quote_literal, translate

__all__ = ["CHUNK_BYTES", "MAX_FILE_NAME_CHARS", "SiteFiles", "check_file_name"]

CHUNK_BYTES = 4 * 1024 * 1024  # above this, an upload session sends the file in chunks of this size
MAX_FILE_NAME_CHARS = 255

# Characters that would make SharePoint read a file name as a path, a query, a fragment or an escape,
# plus those it refuses anyway; look-alike slashes in case a layer folds them into "/" or "\\".
_NOT_IN_FILE_NAME = frozenset('"*:<>?/\\|#%') | frozenset("\u2215\u2044\u29f8\u2216\u29f5\u29f9\uff0f\uff3c\ufe68")


def check_file_name(library: str, name: str) -> str:
    """``name`` if it is one plain file name, which can only land in the library's own folder.

    Refused (``DocumentError``): path separators and their look-alikes (also after Unicode NFKC
    folding), ``.``/``..`` and leading or trailing dots and spaces, ``%`` (URL-encoded tricks),
    control characters including NUL, and the characters SharePoint does not allow in names.
    """
    folded = unicodedata.normalize("NFKC", name)
    bad = (
        not name
        or len(name) > MAX_FILE_NAME_CHARS
        or any(text != text.strip(" .") for text in (name, folded))
        or any(ch in _NOT_IN_FILE_NAME or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name + folded)
    )
    if bad:
        raise DocumentError(
            f"Filnavnet {name!r} er ikke et rent filnavn (ingen mapper, /, \\, .., % eller kontroltegn); "
            f"uploaden til «{library}» afvises, så filen ikke kan havne uden for biblioteket."
        )
    return name


def _file_path(server_relative_url: str, tail: str) -> str:
    return f"web/getfilebyserverrelativeurl('{quote_literal(server_relative_url)}')/{tail}"


class SiteFiles:
    """Files in the site's document libraries."""

    def __init__(self, http: SiteHttp) -> None:
        self._http = http

    def upload_file(self, library: str, name: str, content: bytes) -> dict[str, Any]:
        """Upload (overwrite = new version) with the library's chunked upload above 4 MiB.

        ``name`` must be a plain file name: SharePoint resolves ``Files/add(url=...)`` relative to the
        library's folder and accepts absolute paths too, so anything that could leave the library is
        refused before a request is sent (``DocumentError``).
        """
        check_file_name(library, name)
        ctx = self._http.ctx
        folder = ctx.web.lists.get_by_title(library).root_folder
        try:
            if len(content) > CHUNK_BYTES:
                uploaded = folder.files.create_upload_session(io.BytesIO(content), chunk_size=CHUNK_BYTES, file_name=name)
            else:
                uploaded = folder.files.add(name, content, overwrite=True)
            ctx.load(uploaded, ["ServerRelativeUrl", "UIVersionLabel", "Name"])
            ctx.execute_query()
        except ClientRequestException as error:
            raise translate(error) from None
        url = str(uploaded.server_relative_url or "")
        site_path = self._http.site_path
        # The file must sit directly in a library's root folder under this site: <site>/<library>/<name>.
        where = url[len(site_path) + 1 :] if url.lower().startswith(site_path.lower() + "/") else ""
        if where.count("/") != 1 or where.rpartition("/")[2] != name:
            raise DocumentError(f"SharePoint placerede {name!r} uden for biblioteket «{library}» ({url!r}); uploaden afvises.")
        return {"ServerRelativeUrl": url, "UIVersionLabel": uploaded.properties.get("UIVersionLabel"), "Name": name}

    def file_item(self, server_relative_url: str) -> dict[str, Any]:
        return dict(self._http.get_json(_file_path(server_relative_url, "listitemallfields")))

    def set_file_fields(self, server_relative_url: str, entity_type: str, fields: dict[str, Any]) -> None:
        body = {"__metadata": {"type": entity_type}, **fields}
        self._http.request("MERGE", _file_path(server_relative_url, "listitemallfields"), body=body, headers={"IF-MATCH": "*"})

    def download_file(self, server_relative_url: str) -> bytes:
        return self._http.request("GET", _file_path(server_relative_url, "$value")).content
