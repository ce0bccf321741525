"""Response models of the service's own (the library's result objects are documented as they are)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kg.models import Claim
from kg.read.claims import RolledUpClaim

__all__ = ["ERROR_RESPONSES", "ClaimItem", "ErrorBody", "ErrorDetail"]

#: One claim of /claims: a plain claim, or, with ``include_members=true``, a claim rolled up
#: through membership, part-of, office or leadership, which also says who made it (``made_by``)
#: or whom it is about (``concerns``) and through which statements. Plain first: a plain claim's
#: JSON then reads back as a plain claim (a rolled-up one has more fields and reads as such).
ClaimItem = Claim | RolledUpClaim


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["no entity 'no-such-actor'"])


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def _error(description: str) -> dict[str, object]:
    return {"model": ErrorBody, "description": description}


#: Error responses every operation may give (documented once, for all routes).
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: _error("Malformed request or query"),
    404: _error("Unknown id"),
    422: _error("Malformed parameter"),
    503: _error("Store unavailable, query stopped at its time limit, or service overloaded"),
}
