"""Constrained field types shared by every API schema, so no input can reach the database malformed."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

# PostgreSQL refuses NUL characters in text and integers beyond int4/int8; refuse them at the door.
_NO_NUL = r"^[^\x00]*$"

Id = Annotated[int, Meta(ge=1, le=2**31 - 1, description="A record id.")]
ShortText = Annotated[str, Meta(max_length=100, pattern=_NO_NUL)]
NameText = Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[^\x00]*\S[^\x00]*$")]
LongNameText = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*\S[^\x00]*$")]
LongText = Annotated[str, Meta(max_length=4000, pattern=_NO_NUL)]
Reason = Annotated[str, Meta(max_length=1000, pattern=_NO_NUL)]
Email = Annotated[str, Meta(max_length=254, pattern=r"^[^\s@\x00]+@[^\s@\x00]+\.[^\s@\x00]+$")]
Phone = Annotated[str, Meta(max_length=40, pattern=r"^[0-9+()\- ]{3,40}$")]
SiteCode = Annotated[str, Meta(min_length=2, max_length=5, pattern=r"^[A-Za-z]{2,5}$")]
BusinessId = Annotated[str, Meta(max_length=20, pattern=_NO_NUL)]
MethodName = Annotated[str, Meta(max_length=40, pattern=_NO_NUL)]
Username = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9.\-]+$")]
Megabytes = Annotated[int, Meta(ge=0, le=10**8)]
Bytes = Annotated[int, Meta(ge=0, le=2**62)]
PageNumber = Annotated[int, Meta(ge=1, le=100_000)]
PageSize = Annotated[int, Meta(ge=1, le=500)]
