"""Path and query parameters shared by routes, declared in Litestar's explicit style with their limits."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from inventory.lifecycle import Action
from inventory.schema_types import NOT_BLANK

MAX_ID = 2**31 - 1

TagPath = Annotated[str, PathParameter(max_length=40, description="The asset tag, e.g. JNS-000042-3.")]
ScanCodePath = Annotated[
    str, PathParameter(max_length=100, pattern=NOT_BLANK, description="An asset tag or a serial number.")
]
RecordIdPath = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
ActionPath = Annotated[Action, PathParameter(description="The lifecycle step.")]
PageQuery = Annotated[int, QueryParameter(ge=1, le=100_000)]
PerPageQuery = Annotated[int, QueryParameter(ge=1, le=500)]
OptionalIdQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
TextQuery = Annotated[str, QueryParameter(max_length=100)]
CertificatePath = Annotated[str, PathParameter(max_length=32, description="An erasure certificate number.")]
