"""Admin: erase a person (issue 10 point 4) — ``POST /admin/persons/{m}/{id}/forget``.

The same erasure as ``ninyo person forget`` (``ops.erasure``): the person's data key is
destroyed (their personal fields read ``[erased]`` for good) and ``PersonForgotten`` is
recorded without the data. Administrators only; another municipality's person is 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from api.deps import StoreDep, allow
from api.routes.common import Code, Ident
from api.schemas import error_responses
from ninyo.auth import Principal, Role

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/persons/{municipality}/{person_id}/forget",
             responses=error_responses(401, 403, 404, 422), summary="個人情報を消去する (admin)")
async def forget(municipality: Code, person_id: Ident, store: StoreDep,
                 principal: Annotated[Principal, allow(Role.admin, action="erase a person",
                                                       what="person")]) -> dict[str, Any]:
    from ops.erasure import forget_person

    return await forget_person(store, municipality, person_id, actor=principal.sub,
                               role=principal.role.value)
